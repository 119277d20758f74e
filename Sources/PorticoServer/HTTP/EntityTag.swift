import NIOCore
import PorticoValues

/// Documents' and pages' strong ETags (RFC 9110 §8.8.3): the body's 128-bit SipHash.
enum EntityTag {
    /// Fixed, so every instance and every restart tags a document alike (``SipHash`` says why a
    /// public key suits a validator). The bytes of "portico-etag-v1!".
    static let key = SipHash.Key(0x2D6F_6369_7472_6F70, 0x2131_762D_6761_7465)

    /// 32 hex digits in quotes.
    static func strong(_ body: ByteBuffer) -> String {
        let (first, second) = body.withUnsafeReadableBytes { SipHash.hash128($0, key: key) }
        var text: [UInt8] = []
        text.reserveCapacity(34)
        text.append(UInt8(ascii: "\""))
        for shift in stride(from: 60, through: 0, by: -4) { text.append(HexDigits.digit(first >> UInt64(shift))) }
        for shift in stride(from: 60, through: 0, by: -4) { text.append(HexDigits.digit(second >> UInt64(shift))) }
        text.append(UInt8(ascii: "\""))
        return String(decoding: text, as: UTF8.self)
    }
}

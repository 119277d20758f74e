/// Base64url without padding (RFC 4648 §5), as page cursors and JWTs use it.
///
/// Written out because going through Foundation's base64 and three `replacingOccurrences` per
/// cursor showed on every list page.
public enum Base64URL {
    private static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

    /// The encoding of `bytes`, without `=` padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let length = (bytes.count * 4 + 2) / 3
        return String(unsafeUninitializedCapacity: length) { out in
            alphabet.withUTF8Buffer { alphabet in
                var written = 0
                var group: UInt32 = 0
                var held = 0
                for byte in bytes {
                    group = group << 8 | UInt32(byte)
                    held += 1
                    if held == 3 {
                        for shift in stride(from: 18, through: 0, by: -6) {
                            out[written] = alphabet[Int(group >> UInt32(shift) & 0x3F)]
                            written += 1
                        }
                        group = 0
                        held = 0
                    }
                }
                if held > 0 {
                    group <<= UInt32(8 * (3 - held))
                    for shift in stride(from: 18, through: 18 - 6 * held, by: -6) {
                        out[written] = alphabet[Int(group >> UInt32(shift) & 0x3F)]
                        written += 1
                    }
                }
                return written
            }
        }
    }

    /// The bytes `text` encodes, or nil when it holds anything but the base64url alphabet, has
    /// padding, has a length no encoding has (one character past a multiple of four), or is not
    /// the canonical encoding of its bytes (unused bits in its last character set), so each byte
    /// string has exactly one accepted text.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = text.utf8
        guard utf8.count % 4 != 1 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count * 3 / 4)
        var group: UInt32 = 0
        var held = 0
        for character in utf8 {
            guard let sextet = sextet(character) else { return nil }
            group = group << 6 | UInt32(sextet)
            held += 1
            if held == 4 {
                bytes.append(UInt8(group >> 16 & 0xFF))
                bytes.append(UInt8(group >> 8 & 0xFF))
                bytes.append(UInt8(group & 0xFF))
                group = 0
                held = 0
            }
        }
        if held >= 2 {
            // Only the canonical encoding: the bits past the last whole byte must be zero.
            guard group & (held == 2 ? 0xF : 0x3) == 0 else { return nil }
            group <<= UInt32(6 * (4 - held))
            bytes.append(UInt8(group >> 16 & 0xFF))
            if held == 3 { bytes.append(UInt8(group >> 8 & 0xFF)) }
        }
        return bytes
    }

    private static func sextet(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: nil
        }
    }
}

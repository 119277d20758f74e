import PorticoValues
import Testing

/// SipHash against the reference implementation's vectors (key 00 01 … 0f, message 00 01 … of
/// each length).
@Suite("SipHash-2-4")
struct SipHashTests {
    static let key = SipHash.Key(0x0706_0504_0302_0100, 0x0F0E_0D0C_0B0A_0908)

    static func message(_ count: Int) -> [UInt8] { (0..<count).map { UInt8($0) } }

    @Test(
        "the 64-bit function: the paper's example and the reference vectors",
        arguments: [
            (0, 0x726F_DB47_DD0E_0E31 as UInt64), (1, 0x74F8_39C5_93DC_67FD), (15, 0xA129_CA61_49BE_45E5),
        ])
    func hash64(count: Int, expected: UInt64) {
        let hash = Self.message(count).withUnsafeBytes { SipHash.hash64($0, key: Self.key) }
        #expect(hash == expected)
    }

    @Test("the 128-bit function: the reference vector of the empty message")
    func hash128() {
        let (first, second) = [UInt8]().withUnsafeBytes { SipHash.hash128($0, key: Self.key) }
        #expect(first == 0xE6A8_25BA_047F_81A3 && second == 0x9302_55C7_1472_F66D)
    }

    @Test("every length from 0 to 40 bytes gives its own hash, and one changed byte changes it")
    func lengths() {
        var seen: Set<String> = []
        for count in 0...40 {
            var bytes = Self.message(count)
            let hash = bytes.withUnsafeBytes { SipHash.hash128($0, key: Self.key) }
            seen.insert("\(hash)")
            guard count > 0 else { continue }
            bytes[count / 2] ^= 1
            #expect(bytes.withUnsafeBytes { SipHash.hash128($0, key: Self.key) } != hash)
        }
        #expect(seen.count == 41)
    }
}

import Foundation
import PorticoValues
import Testing

@Suite("Base64url")
struct Base64URLTests {
    /// Foundation's base64 with the URL alphabet and no padding: the reference.
    static func reference(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    @Test("every length up to 64 encodes as Foundation does and decodes back")
    func matchesFoundation() {
        var random = SystemRandomNumberGenerator()
        for length in 0...64 {
            for _ in 0..<8 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
                let text = Base64URL.encode(bytes)
                #expect(text == Self.reference(bytes), "\(bytes)")
                #expect(Base64URL.decode(text) == bytes, "\(text)")
            }
        }
        // Every byte value, so every character of the alphabet, both ways.
        let all = (0...255).map { UInt8($0) }
        #expect(Base64URL.encode(all) == Self.reference(all))
        #expect(Base64URL.decode(Base64URL.encode(all)) == all)
    }

    @Test(
        "anything but the canonical unpadded url alphabet is refused",
        arguments: [
            "AA==", "AAA=", "A+BC", "A/BC", "AB C", "ABCDE", "Zg=", "Zh", "Zm9", "ü", "\u{0}AAA",
        ])
    func refused(_ text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test("the canonical forms of one and two trailing bytes are accepted")
    func tails() {
        #expect(Base64URL.decode("Zg") == Array("f".utf8))
        #expect(Base64URL.decode("Zm8") == Array("fo".utf8))
        #expect(Base64URL.decode("") == [])
    }
}

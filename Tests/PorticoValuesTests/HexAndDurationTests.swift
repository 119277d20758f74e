import PorticoValues
import Testing

@Suite("Hex digits and duration units")
struct HexAndDurationTests {
    @Test("hex digits are lower-case, two per byte, high nibble first, as String(radix: 16) writes them")
    func hex() {
        for byte in UInt8.min...UInt8.max {
            let expected = String(byte, radix: 16)
            #expect(String(decoding: HexDigits.encode([byte]), as: UTF8.self) == (expected.count == 1 ? "0" + expected : expected))
        }
        #expect(String(decoding: HexDigits.encode([0xAB, 0x01, 0xF0]), as: UTF8.self) == "ab01f0")
        #expect(HexDigits.digit(0x1234 as UInt32) == UInt8(ascii: "4"))
    }

    @Test("durations convert to whole nanoseconds (truncated) and to seconds")
    func units() {
        #expect(Duration.seconds(2).nanoseconds == 2_000_000_000)
        #expect(Duration.milliseconds(1500).nanoseconds == 1_500_000_000)
        #expect(Duration.nanoseconds(7).nanoseconds == 7)
        #expect((Duration.nanoseconds(1) / 2).nanoseconds == 0)
        #expect(Duration.milliseconds(250).inSeconds == 0.25)
        #expect(Duration.seconds(-3).nanoseconds == -3_000_000_000)
    }
}

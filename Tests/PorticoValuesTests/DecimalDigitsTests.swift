import PorticoValues
import Testing

@Suite("Decimal digits")
struct DecimalDigitsTests {
    /// Every power of ten and its neighbours, the extremes, and a spread of others.
    static let values: [UInt64] =
        [0, UInt64.max, UInt64.max - 1]
        + (0...19).flatMap { exponent -> [UInt64] in
            let power = (0..<exponent).reduce(UInt64(1)) { value, _ in value * 10 }
            return [power - 1, power, power + 1]
        }
        + (0..<200).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }

    @Test("appended digits are what String(_:) writes, and count(_:) counts them")
    func appended() {
        for value in Self.values {
            var bytes: [UInt8] = [0x2C]
            DecimalDigits.append(value, to: &bytes)
            #expect(bytes == [0x2C] + Array(String(value).utf8), "\(value)")
            #expect(DecimalDigits.count(value) == String(value).count, "\(value)")
        }
    }

    @Test("signed values are written as String(_:) writes them, minus sign included")
    func signed() {
        let values: [Int64] = [0, -1, 1, Int64.min, Int64.max, Int64.min + 1] + Self.values.map { Int64(truncatingIfNeeded: $0) }
        for value in values {
            var bytes: [UInt8] = []
            DecimalDigits.append(value, to: &bytes)
            #expect(bytes == Array(String(value).utf8), "\(value)")
        }
    }
}

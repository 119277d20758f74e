/// A decimal's text reshaped for a contract: fixed fraction digits, trailing zeros dropped, or
/// a whole number as an integer. Text in, text out: no floating point touches the digits.
enum DecimalForm {
    /// `-12.345` with `fraction: 2` → `-12.35` (half away from zero), `12.5` → `12.50`; without
    /// trailing zeros `12.50` → `12.5` and `12.00` → `12`. A negative zero loses its sign.
    /// Text that is not a plain decimal comes back as it is.
    static func format(_ text: String, fraction: Int?, trailingZeros: Bool) -> String {
        guard let (negative, whole, digits) = parts(text) else { return text }
        var integer = Array(whole)
        var decimals = Array(digits)
        if let fraction {
            if decimals.count > fraction {
                let roundUp = decimals[fraction] >= UInt8(ascii: "5")
                decimals.removeLast(decimals.count - fraction)
                if roundUp { increment(&integer, &decimals) }
            } else {
                decimals += repeatElement(UInt8(ascii: "0"), count: fraction - decimals.count)
            }
        }
        if !trailingZeros {
            while decimals.last == UInt8(ascii: "0") { decimals.removeLast() }
        }
        let isZero = integer.allSatisfy { $0 == UInt8(ascii: "0") } && decimals.allSatisfy { $0 == UInt8(ascii: "0") }
        var out: [UInt8] = negative && !isZero ? [UInt8(ascii: "-")] : []
        out += integer
        if !decimals.isEmpty { out += [UInt8(ascii: ".")] + decimals }
        return String(decoding: out, as: UTF8.self)
    }

    /// The integer a whole decimal is (`-12.000` → `-12`), or nil when it has a fraction.
    static func whole(_ text: String) -> String? {
        guard let (negative, whole, digits) = parts(text), digits.allSatisfy({ $0 == UInt8(ascii: "0") }) else { return nil }
        let isZero = whole.allSatisfy { $0 == UInt8(ascii: "0") }
        return (negative && !isZero ? "-" : "") + String(decoding: whole, as: UTF8.self)
    }

    /// Sign, integer digits (at least one) and fraction digits of `-?[0-9]+(\.[0-9]*)?`.
    private static func parts(_ text: String) -> (Bool, ArraySlice<UInt8>, ArraySlice<UInt8>)? {
        let bytes = Array(text.utf8)
        var index = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative || bytes.first == UInt8(ascii: "+") { index = 1 }
        let start = index
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
        guard index > start else { return nil }
        let whole = bytes[start..<index]
        guard index < bytes.count else { return (negative, whole, []) }
        guard bytes[index] == UInt8(ascii: ".") else { return nil }
        let fractionStart = index + 1
        index = fractionStart
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
        guard index == bytes.count else { return nil }
        return (negative, whole, bytes[fractionStart..<index])
    }

    /// Adds one unit in the last place, carrying into the integer digits (`9.99` → `10.00`).
    private static func increment(_ integer: inout [UInt8], _ decimals: inout [UInt8]) {
        for index in decimals.indices.reversed() {
            if decimals[index] < UInt8(ascii: "9") {
                decimals[index] += 1
                return
            }
            decimals[index] = UInt8(ascii: "0")
        }
        for index in integer.indices.reversed() {
            if integer[index] < UInt8(ascii: "9") {
                integer[index] += 1
                return
            }
            integer[index] = UInt8(ascii: "0")
        }
        integer.insert(UInt8(ascii: "1"), at: 0)
    }
}

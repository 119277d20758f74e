/// Decimal digits written straight into bytes, for the hot paths that format numbers without
/// building a `String` first (timestamps, public ids, JSON numbers).
public enum DecimalDigits {
    /// How many digits `value` has (at least one).
    public static func count(_ value: UInt64) -> Int {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        return digits
    }

    /// Writes `value` as exactly `width` digits at `offset` in `out`: zero-padded on the left,
    /// its lowest `width` digits when it has more. Returns the offset after them.
    @discardableResult
    public static func write(_ value: UInt64, width: Int, into out: UnsafeMutableBufferPointer<UInt8>, at offset: Int) -> Int {
        var rest = value
        var position = offset + width
        while position > offset {
            position -= 1
            out[position] = UInt8(truncatingIfNeeded: 0x30 &+ rest % 10)
            rest /= 10
        }
        return offset + width
    }

    /// Appends `value`'s digits, with no padding.
    public static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        let start = bytes.count
        let width = count(value)
        bytes.append(contentsOf: repeatElement(0x30, count: width))
        bytes.withUnsafeMutableBufferPointer { _ = write(value, width: width, into: $0, at: start) }
    }

    /// Appends `value`'s digits, after a `-` when it is negative.
    public static func append(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        append(value.magnitude, to: &bytes)
    }
}

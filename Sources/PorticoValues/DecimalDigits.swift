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
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor *= 10 }
        repeat {
            bytes.append(UInt8(truncatingIfNeeded: 0x30 &+ value / divisor % 10))
            divisor /= 10
        } while divisor > 0
    }
}

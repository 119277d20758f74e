/// Lower-case hexadecimal digits, written as ASCII bytes: for ETags, request ids and JSON's
/// `\u00XX` escapes, which all used to carry a digit table of their own.
public enum HexDigits {
    /// The digit of the low four bits of `value`.
    @inlinable
    public static func digit(_ value: some BinaryInteger) -> UInt8 {
        let nibble = UInt8(truncatingIfNeeded: value) & 15
        return nibble < 10 ? 0x30 + nibble : 0x57 + nibble
    }

    /// Two digits per byte, high nibble first: `[0xAB, 0x01]` is `ab01`.
    public static func encode(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digit(byte >> 4))
            out.append(digit(byte))
        }
        return out
    }
}

import PorticoValues

/// A resource's public identifier: the key column shown with a prefix and zero padding
/// (`order_no 42` → `ORD-00000042`), in decimal or base 36 (`cus_` + `16` → `cus_g`), or as a
/// JSON integer (`17`); parsed back from a path exactly.
public struct PublicID: Sendable, Hashable {
    /// How the key's digits are written.
    public enum Encoding: String, Sendable, Hashable, CaseIterable {
        /// `0`–`9`.
        case decimal
        /// `0`–`9` then `a`–`z`, lower case only: 36 = `10`, 1295 = `zz`.
        case base36

        var radix: UInt64 { self == .decimal ? 10 : 36 }
    }

    public let column: String
    public let prefix: String
    /// Minimum digits (zero padded); 0 for none.
    public let padding: Int
    public let encoding: Encoding
    /// Written as a JSON integer (`"id": 17`), not a string: no prefix, padding or base 36.
    public let isInteger: Bool
    /// The document member that holds it (`id` unless the contract names it otherwise).
    public let member: String

    public init(
        column: String, prefix: String = "", padding: Int = 0, encoding: Encoding = .decimal, isInteger: Bool = false, member: String = "id"
    ) {
        self.member = member
        self.column = column
        self.prefix = prefix
        self.padding = padding
        self.encoding = encoding
        self.isInteger = isInteger
    }

    /// The public form of a key, as text (the path segment; a string id's JSON value).
    public func format(_ key: UInt64) -> String {
        let length = prefix.utf8.count + width(key)
        return String(unsafeUninitializedCapacity: length) { write(key, into: $0) }
    }

    /// Digits of `key` once padded.
    public func width(_ key: UInt64) -> Int {
        guard encoding == .base36 else { return Swift.max(DecimalDigits.count(key), padding) }
        var digits = 1
        var rest = key / 36
        while rest > 0 {
            digits += 1
            rest /= 36
        }
        return Swift.max(digits, padding)
    }

    /// Writes the public form of `key` (`prefix.utf8.count + width(key)` bytes) at the start of
    /// `out`, and returns how many bytes it wrote.
    public func write(_ key: UInt64, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var index = 0
        for byte in prefix.utf8 {
            out[index] = byte
            index += 1
        }
        guard encoding == .base36 else { return DecimalDigits.write(key, width: width(key), into: out, at: index) }
        let end = index + width(key)
        var rest = key
        var position = end
        while position > index {
            position -= 1
            let digit = UInt8(truncatingIfNeeded: rest % 36)
            out[position] = digit < 10 ? 0x30 + digit : 0x61 + digit - 10
            rest /= 36
        }
        return end
    }

    /// The key for a public id, or nil when the text is not exactly one this resource would
    /// render (wrong prefix, wrong padding, signs, spaces, overflow). A nil here is a 404.
    ///
    /// On the bytes: a point read parses one, and building the rendering to compare with was
    /// needless work on every read.
    public func parse(_ text: String) -> UInt64? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    public func parse(_ text: Substring) -> UInt64? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    func parse(bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        var prefix = prefix
        let prefixLength = prefix.withUTF8 { wanted in
            bytes.count >= wanted.count && bytes[..<wanted.count].elementsEqual(wanted) ? wanted.count : -1
        }
        guard prefixLength >= 0 else { return nil }
        var value: UInt64 = 0
        let radix = encoding.radix
        for byte in bytes[prefixLength...] {
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x61...0x7A where encoding == .base36: digit = byte - 0x61 + 10
            default: return nil
            }
            let (tens, overflowed) = value.multipliedReportingOverflow(by: radix)
            let (sum, carried) = tens.addingReportingOverflow(UInt64(digit))
            guard !overflowed, !carried else { return nil }
            value = sum
        }
        // Reversible: only the exact rendering is accepted, so exactly the padded width (no
        // extra leading zeros, none missing).
        let digits = bytes.count - prefixLength
        return digits > 0 && digits == width(value) ? value : nil
    }
}

import PorticoValues

/// A resource's public identifier: the key column shown with a prefix and zero padding
/// (`order_no 42` → `ORD-00000042`), and parsed back from a path exactly.
public struct PublicID: Sendable, Hashable {
    public let column: String
    public let prefix: String
    /// Minimum digits (zero padded); 0 for none.
    public let padding: Int

    public init(column: String, prefix: String = "", padding: Int = 0) {
        self.column = column
        self.prefix = prefix
        self.padding = padding
    }

    /// The public form of a key. Ids are always JSON strings, even without a prefix, so their
    /// form can change in a later version without changing their type.
    public func format(_ key: UInt64) -> String {
        let length = prefix.utf8.count + width(key)
        return String(unsafeUninitializedCapacity: length) { write(key, into: $0) }
    }

    /// Digits of `key` once padded.
    public func width(_ key: UInt64) -> Int { Swift.max(DecimalDigits.count(key), padding) }

    /// Writes the public form of `key` (`prefix.utf8.count + width(key)` bytes) at the start of
    /// `out`, and returns how many bytes it wrote.
    public func write(_ key: UInt64, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var index = 0
        for byte in prefix.utf8 {
            out[index] = byte
            index += 1
        }
        return DecimalDigits.write(key, width: width(key), into: out, at: index)
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
        for byte in bytes[prefixLength...] {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            let (tens, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (sum, carried) = tens.addingReportingOverflow(UInt64(byte - 0x30))
            guard !overflowed, !carried else { return nil }
            value = sum
        }
        // Reversible: only the exact rendering is accepted, so exactly the padded width (no
        // extra leading zeros, none missing).
        let digits = bytes.count - prefixLength
        return digits > 0 && digits == width(value) ? value : nil
    }
}

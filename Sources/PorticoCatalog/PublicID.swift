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
    public func parse(_ text: some StringProtocol) -> UInt64? {
        guard text.hasPrefix(prefix) else { return nil }
        let digits = text.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = UInt64(digits) else { return nil }
        // Reversible: only the exact rendering is accepted (no extra leading zeros).
        return format(value) == text[...].description ? value : nil
    }
}

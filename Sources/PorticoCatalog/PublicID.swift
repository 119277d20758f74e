public import PorticoValues

/// A resource's public identifier: the key column shown with a prefix and zero padding
/// (`order_no 42` → `ORD-00000042`), in decimal or base 36 (`cus_` + `16` → `cus_g`), as a
/// JSON integer (`17`), as the key's own text (a natural key: `FLT-200`), or a composite key's
/// parts joined by a separator (`job_no 10`, `line_no 2` → `WO-10-L2`); parsed back from a path
/// exactly.
public struct PublicID: Sendable, Hashable {
    /// How the key's digits are written.
    public enum Encoding: String, Sendable, Hashable, CaseIterable {
        /// `0`–`9`.
        case decimal
        /// `0`–`9` then `a`–`z`, lower case only: 36 = `10`, 1295 = `zz`.
        case base36
        /// The key column's own text (a natural key), after the prefix.
        case text

        var radix: UInt64 { self == .decimal ? 10 : 36 }
    }

    /// The key columns, in the order their parts are written (one unless the key is composite).
    public let columns: [String]
    public let prefix: String
    /// Minimum digits (zero padded); 0 for none.
    public let padding: Int
    public let encoding: Encoding
    /// Written as a JSON integer (`"id": 17`), not a string: no prefix, padding or base 36.
    public let isInteger: Bool
    /// The document member that holds it (`id` unless the contract names it otherwise).
    public let member: String
    /// Between a composite key's parts (`-L` in `WO-10-L2`); empty for a single column.
    public let separator: String

    /// The longest natural key accepted from a path, in bytes.
    public static let maximumTextLength = 255

    public init(
        column: String, prefix: String = "", padding: Int = 0, encoding: Encoding = .decimal, isInteger: Bool = false, member: String = "id"
    ) {
        self.init(columns: [column], prefix: prefix, padding: padding, encoding: encoding, isInteger: isInteger, member: member)
    }

    public init(
        columns: [String], separator: String = "", prefix: String = "", padding: Int = 0, encoding: Encoding = .decimal, isInteger: Bool = false,
        member: String = "id"
    ) {
        self.member = member
        self.columns = columns
        self.separator = columns.count > 1 ? separator : ""
        self.prefix = prefix
        self.padding = padding
        self.encoding = encoding
        self.isInteger = isInteger
    }

    /// The first (for a single-column key, the only) key column.
    public var column: String { columns[0] }
    /// Whether the id joins several key columns.
    public var isComposite: Bool { columns.count > 1 }
    /// Whether one unsigned number is the whole key: the fast paths (rendering on the stack, a
    /// point read bound as one integer) apply.
    public var isNumeric: Bool { columns.count == 1 && encoding != .text }

    /// The key values (one per column, to bind) for a public id, or nil when the text is not
    /// exactly one this resource would render. A nil here is a 404.
    public func key(_ text: some StringProtocol) -> [MySQLValue]? {
        let text = String(text)
        if isNumeric { return parse(text).map { [.uint($0)] } }
        guard text.hasPrefix(prefix) else { return nil }
        let rest = text.utf8.dropFirst(prefix.utf8.count)
        if encoding == .text {
            // Any text the column could hold, but not nothing and no control characters.
            guard !rest.isEmpty, rest.count <= Self.maximumTextLength, !rest.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return nil }
            return [.string(String(decoding: rest, as: UTF8.self))]
        }
        // Each part ends where the separator starts: its first character is never a digit.
        let separator = Array(separator.utf8)
        var parts: [MySQLValue] = []
        var remaining = Array(rest)[...]
        for index in columns.indices {
            var end = remaining.endIndex
            if index < columns.count - 1 {
                guard let found = remaining.indices.first(where: { remaining[$0...].starts(with: separator) }) else { return nil }
                end = found
            }
            guard let value = Self.digits(Substring(decoding: remaining[..<end], as: UTF8.self), encoding: encoding) else { return nil }
            parts.append(.uint(value))
            remaining = index < columns.count - 1 ? remaining[(end + separator.count)...] : remaining[remaining.endIndex...]
        }
        return parts
    }

    /// The public form of a row's key values (as the database returned them), or nil when one
    /// of them cannot be one (NULL, negative, not text).
    public func format(_ values: [MySQLValue]) -> String? {
        guard values.count == columns.count else { return nil }
        if isNumeric { return values[0].unsignedKey.map(format) }
        if encoding == .text {
            guard let text = values[0].text else { return nil }
            return prefix + text
        }
        var result = prefix
        for (index, value) in values.enumerated() {
            guard let key = value.unsignedKey else { return nil }
            if index > 0 { result += separator }
            result += String(key, radix: Int(encoding.radix))
        }
        return result
    }

    /// A composite part's digits: no sign, no leading zero, no overflow.
    static func digits(_ text: Substring, encoding: Encoding) -> UInt64? {
        guard let value = UInt64(text, radix: Int(encoding.radix)), String(value, radix: Int(encoding.radix)) == text else { return nil }
        return value
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
        guard isNumeric else { return nil }
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

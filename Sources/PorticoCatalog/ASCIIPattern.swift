/// The name patterns mappings use, checked on bytes: a `Regex` literal is parsed and compiled
/// again at every call, which made compiling 300 mappings spend half its time in the regex parser.
enum ASCIIPattern {
    static func isLower(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }
    static func isLetter(_ byte: UInt8) -> Bool { isLower(byte) || (byte >= 0x41 && byte <= 0x5A) }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Whether `text` is one `first` byte followed by any number of `rest` bytes.
    static func matches(_ text: String, first: (UInt8) -> Bool, rest: (UInt8) -> Bool) -> Bool {
        var bytes = text.utf8.makeIterator()
        guard let head = bytes.next(), first(head) else { return false }
        while let byte = bytes.next() { if !rest(byte) { return false } }
        return true
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`
    static func isIdentifier(_ text: String) -> Bool {
        matches(text, first: { isLetter($0) || $0 == 0x5F }, rest: { isLetter($0) || isDigit($0) || $0 == 0x5F })
    }

    /// `[a-z][a-z0-9_]*`
    static func isLowerName(_ text: String) -> Bool {
        matches(text, first: isLower, rest: { isLower($0) || isDigit($0) || $0 == 0x5F })
    }

    /// `[a-z][a-z0-9_.:-]*`
    static func isScope(_ text: String) -> Bool {
        matches(text, first: isLower, rest: { isLower($0) || isDigit($0) || $0 == 0x5F || $0 == 0x2E || $0 == 0x3A || $0 == 0x2D })
    }

    /// `[A-Za-z0-9_-]*`
    static func isPrefix(_ text: String) -> Bool {
        text.utf8.allSatisfy { isLetter($0) || isDigit($0) || $0 == 0x5F || $0 == 0x2D }
    }

    /// One path segment of characters RFC 3986 allows unescaped (`pchar` without `%`): letters,
    /// digits, `- . _ ~ ! $ & ' ( ) * + , ; = : @`; never `.` or `..`, which clients resolve away.
    static func isPathSegment(_ text: String) -> Bool {
        guard !text.isEmpty, text != ".", text != ".." else { return false }
        return text.utf8.allSatisfy { isLetter($0) || isDigit($0) || Self.segmentPunctuation.contains($0) }
    }

    /// An OpenAPI component name: `[A-Za-z0-9._-]{1,64}`.
    static func isComponentName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64 && text.utf8.allSatisfy { isLetter($0) || isDigit($0) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E }
    }

    private static let segmentPunctuation: Set<UInt8> = Set("-._~!$&'()*+,;=:@".utf8)
}

import HTTPTypes

/// ASCII searches on a header value's bytes, without the generic string-processing machinery.
enum ASCIIText {
    /// Whether `text` contains `needle`, ignoring ASCII case (`needle` in lower case).
    static func contains(_ text: String, _ needle: StaticString) -> Bool {
        needle.withUTF8Buffer { pattern in
            var text = text
            return text.withUTF8 { bytes in
                guard pattern.count <= bytes.count else { return false }
                if pattern.isEmpty { return true }
                for start in 0...(bytes.count - pattern.count) where matches(bytes, at: start, pattern) { return true }
                return false
            }
        }
    }

    /// Whether `text` starts with `prefix`, ignoring ASCII case (`prefix` in lower case).
    static func hasPrefix(_ text: String, _ prefix: StaticString) -> Bool {
        prefix.withUTF8Buffer { pattern in
            var text = text
            return text.withUTF8 { bytes in pattern.count <= bytes.count && matches(bytes, at: 0, pattern) }
        }
    }

    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, _ pattern: UnsafeBufferPointer<UInt8>) -> Bool {
        for i in 0..<pattern.count {
            var byte = bytes[start + i]
            if byte >= 0x41, byte <= 0x5A { byte |= 0x20 }
            if byte != pattern[i] { return false }
        }
        return true
    }
}

import HTTPTypes

/// Field names Portico reads or writes on every request, made once: `HTTPField.Name(_:)`
/// validates and lowercases its argument each time it is called.
extension HTTPField.Name {
    static let xAPIKey = HTTPField.Name("X-API-Key")!
    static let xRequestID = HTTPField.Name("X-Request-Id")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let rateLimitPolicy = HTTPField.Name("RateLimit-Policy")!
    static let rateLimit = HTTPField.Name("RateLimit")!
    static let deprecation = HTTPField.Name("Deprecation")!
    static let sunset = HTTPField.Name("Sunset")!
}

extension HTTPFields {
    /// Sets the one field named `name` to `value`, as `self[name] = value` does. When no such
    /// field exists yet (the usual case on the paths that call this), it is appended: the
    /// subscript's setter costs about 1,000 instructions even then.
    mutating func set(_ name: HTTPField.Name, _ value: String) {
        if contains(name) {
            self[name] = value
        } else {
            append(HTTPField(name: name, value: value))
        }
    }

    /// The value of the field named `name`, as `self[name]` gives it, without building a new
    /// string when there is one such field: the subscript joins the values, one allocation per
    /// lookup for a value longer than 15 bytes (an API key is 54).
    func value(_ name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            // Repeated: joined, as the subscript does.
            if found != nil { return self[name] }
            found = field.value
        }
        return found
    }
}

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

    /// The number of non-empty `/`-separated segments in a path, as `split(separator: "/").count`.
    static func segmentCount(_ path: String) -> Int {
        var count = 0
        var previous = UInt8(ascii: "/")
        for byte in path.utf8 {
            if byte != UInt8(ascii: "/"), previous == UInt8(ascii: "/") { count += 1 }
            previous = byte
        }
        return count
    }

    /// The second and third non-empty `/`-separated segments of a path whose first is `api`, as
    /// `split(separator: "/")` finds them, without an array or a scan past the third.
    static func apiRoute(_ path: String) -> (version: String, resource: String)? {
        var path = path
        return path.withUTF8 { bytes -> (String, String)? in
            var index = 0
            var ranges = (0..<0, 0..<0, 0..<0)
            var count = 0
            while count < 3, index < bytes.count {
                if bytes[index] == UInt8(ascii: "/") { index += 1; continue }
                let start = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "/") { index += 1 }
                switch count {
                case 0: ranges.0 = start..<index
                case 1: ranges.1 = start..<index
                default: ranges.2 = start..<index
                }
                count += 1
            }
            let api: StaticString = "api"
            guard count == 3, ranges.0.count == 3,
                  api.withUTF8Buffer({ $0.elementsEqual(bytes[ranges.0]) }) else { return nil }
            return (String(decoding: UnsafeBufferPointer(rebasing: bytes[ranges.1]), as: UTF8.self),
                    String(decoding: UnsafeBufferPointer(rebasing: bytes[ranges.2]), as: UTF8.self))
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

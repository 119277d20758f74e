/// JSON text without Foundation, for the small documents built as strings (token responses,
/// usage, admin answers). It also escapes U+2028/2029, so the text is safe inside JavaScript.
enum JSONText {
    /// No control characters, quotes, backslashes or U+2028/2029 (which start with 0xE2).
    private static func needsNoEscaping(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { bytes in
            for byte in bytes where byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0xE2 { return false }
            return true
        }
    }

    static func appendString(_ value: String, to json: inout String) {
        // Most strings need no escaping: append them whole.
        if needsNoEscaping(value) {
            json.append("\"")
            json.append(value)
            json.append("\"")
            return
        }
        json.append("\"")
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": json.append("\\\"")
            case "\\": json.append("\\\\")
            case "\n": json.append("\\n")
            case "\r": json.append("\\r")
            case "\t": json.append("\\t")
            case let s where s.value < 0x20 || s.value == 0x2028 || s.value == 0x2029:
                let hex = String(s.value, radix: 16)
                json.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: json.unicodeScalars.append(scalar)
            }
        }
        json.append("\"")
    }
}

/// Text → the bytes of a CSV profile's encoding. Windows-1252 and Latin-1 hold one byte per
/// character; a code point the encoding has no byte for becomes the profile's replacement
/// (and is counted, so the log can say how many were replaced).
public enum CSVEncoding {
    /// Windows-1252's bytes 0x80–0x9F; 0 where the code page defines none.
    static let windows1252High: [UInt32] = [
        0x20AC, 0x0000, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x0000, 0x017D, 0x0000,
        0x0000, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x0000, 0x017E, 0x0178,
    ]

    /// The byte `scalar` is in a single-byte encoding, or nil.
    public static func byte(_ scalar: Unicode.Scalar, in encoding: CSVProfile.Encoding) -> UInt8? {
        let value = scalar.value
        switch encoding {
        case .utf8, .utf8BOM: return value < 0x80 ? UInt8(value) : nil
        case .latin1: return value <= 0xFF ? UInt8(value) : nil
        case .windows1252:
            if value < 0x80 || (0xA0...0xFF).contains(value) { return UInt8(value) }
            return windows1252High.firstIndex(where: { $0 == value && $0 != 0 }).map { UInt8(0x80 + $0) }
        }
    }

    public static func canHold(_ text: String, in encoding: CSVProfile.Encoding) -> Bool {
        switch encoding {
        case .utf8, .utf8BOM: true
        case .latin1, .windows1252: text.unicodeScalars.allSatisfy { byte($0, in: encoding) != nil }
        }
    }

    /// Appends `text` in `encoding`; returns how many code points became `replacement`.
    @discardableResult
    public static func append(_ text: String, _ encoding: CSVProfile.Encoding, replacement: UInt8, to out: inout [UInt8]) -> Int {
        switch encoding {
        case .utf8, .utf8BOM:
            out.append(contentsOf: text.utf8)
            return 0
        case .latin1, .windows1252:
            var replaced = 0
            for scalar in text.unicodeScalars {
                if let byte = byte(scalar, in: encoding) {
                    out.append(byte)
                } else {
                    out.append(replacement)
                    replaced += 1
                }
            }
            return replaced
        }
    }
}

import PorticoCatalog
import PorticoValues

/// One stored value → the partner's value, per the field's conversion. Problems in the data
/// (an undocumented code, invalid JSON in a TEXT column, an unknown zone name) never fail the
/// request: the value becomes what the mapping declares (or null) and a note is recorded for the log.
enum ValueRenderer {
    static func write(
        _ value: MySQLValue, zone zoneValue: MySQLValue?, field: ValueField, name: String,
        into json: inout some ValueSink & ~Copyable, notes: inout [String]
    ) {
        switch value {
        case .null, .zeroDate:
            json.null()
            return
        default: break
        }
        switch field.conversion {
        case .cents(let scale):
            guard let minor = value.int64 else {
                json.null()
                return
            }
            json.string(decimalText(minor, scale: scale))
        case .boolean(let trueValues):
            if trueValues.isEmpty {
                switch value {
                case .int(let v): json.bool(v != 0)
                case .uint(let v), .bits(let v): json.bool(v != 0)
                default: json.bool(false)
                }
            } else {
                json.bool(text(value).map(trueValues.contains) ?? false)
            }
        case .codes(let codes, let unknown):
            let code = text(value) ?? ""
            if let publicName = codes[code] {
                json.string(publicName)
            } else {
                notes.append("field \(name): undocumented code '\(code)'")
                if let unknown { json.string(unknown) } else { json.null() }
            }
        case .zone(let source):
            guard case .datetime(let local) = value else {
                writePlain(value, field.type, into: &json)
                return
            }
            let zoneName: String?
            switch source {
            case .fixed(let fixed): zoneName = fixed
            case .column: zoneName = zoneValue.flatMap(text)
            }
            guard let zoneName, let zone = TimeZones.zone(zoneName) else {
                notes.append("field \(name): unknown time zone '\(zoneValue.flatMap(text) ?? "")'")
                json.null()
                return
            }
            json.string(TimeZones.utc(fromLocal: local, in: zone).rfc3339)
        case .trim:
            json.string((text(value) ?? "").trimmingBlanks)
        case .json:
            let raw = text(value) ?? ""
            if JSONValidator.isValid(raw, top: field.type == .array ? .array : .object) {
                json.raw(raw.utf8)
            } else {
                notes.append("field \(name): stored JSON is not valid")
                json.null()
            }
        case .publicID, .none:
            writePlain(value, field.type, into: &json)
        }
    }

    static func writePlain(_ value: MySQLValue, _ type: FieldType, into json: inout some ValueSink & ~Copyable) {
        switch type {
        case .integer:
            switch value {
            case .int(let v): json.int(v)
            case .uint(let v), .bits(let v): json.uint(v)
            case .decimal(let s): json.raw(s.utf8)
            default: json.null()
            }
        case .number:
            switch value {
            case .double(let v): json.double(v)
            case .float(let v): json.double(Double(v))
            case .int(let v): json.int(v)
            case .uint(let v): json.uint(v)
            case .decimal(let s): json.raw(s.utf8)
            default: json.null()
            }
        case .date:
            switch value {
            case .date(let d): json.string(d.description)
            case .datetime(let t): json.string(t.date.description)
            default: json.null()
            }
        case .datetime:
            switch value {
            case .datetime(let t): json.string(t.rfc3339)
            case .date(let d): json.string(MySQLDateTime(year: d.year, month: d.month, day: d.day).rfc3339)
            default: json.null()
            }
        case .boolean:
            json.bool(value.int64.map { $0 != 0 } ?? false)
        default:
            if let s = text(value) { json.string(s) } else { json.null() }
        }
    }

    /// A cell as text: strings and decimals as they are, integers in decimal.
    static func text(_ value: MySQLValue) -> String? {
        switch value {
        case .string(let s), .decimal(let s): s
        case .int(let v): String(v)
        case .uint(let v), .bits(let v): String(v)
        case .double(let v): String(v)
        case .float(let v): String(v)
        case .date(let d): d.description
        case .datetime(let t): t.rfc3339
        case .time(let t): t.description
        case .bool(let b): b ? "1" : "0"
        case .bytes, .null, .zeroDate: nil
        }
    }

    /// Minor units as a decimal string: `-1234` at scale 2 → `"-12.34"`.
    static func decimalText(_ minor: Int64, scale: Int) -> String {
        guard scale > 0 else { return String(minor) }
        let negative = minor < 0
        var digits = String(minor.magnitude)
        if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
        let split = digits.index(digits.endIndex, offsetBy: -scale)
        return (negative ? "-" : "") + digits[..<split] + "." + digits[split...]
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks (CHAR padding, legacy rows).
    /// Scanned as UTF-8 bytes (the blanks are ASCII), so a `\r\n` counts as blanks too; going
    /// through `Character`s with a set built per call showed on every page.
    var trimmingBlanks: String {
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        var text = self
        return text.withUTF8 { bytes in
            var start = 0
            var end = bytes.count
            while start < end, isBlank(bytes[start]) { start += 1 }
            while end > start, isBlank(bytes[end - 1]) { end -= 1 }
            if start == 0, end == bytes.count { return self }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }
}

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
        // An integer field reading a DECIMAL: whole values as integers, fractions as null (logged).
        if field.type == .integer, case .decimal(let digits) = value {
            if let whole = DecimalForm.whole(digits) {
                json.raw(whole.utf8)
            } else {
                notes.append("field \(name): \(digits) is not a whole number")
                json.null()
            }
            return
        }
        switch field.conversion {
        case .cents(let scale):
            guard let minor = value.int64 else {
                json.null()
                return
            }
            // A number keeps its scale: `12.50`, as a JSON number.
            if field.type == .number { json.raw(decimalText(minor, scale: scale).utf8) } else { json.string(decimalText(minor, scale: scale)) }
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
            guard let local = wallClock(value) else {
                writePlain(value, field, into: &json)
                return
            }
            guard let zone = zone(source, zoneValue) else {
                notes.append("field \(name): unknown time zone '\(zoneValue.flatMap(text) ?? "")'")
                json.null()
                return
            }
            writeInstant(TimeZones.utc(fromLocal: local, in: zone), field.time, into: &json)
        case .text(let transforms):
            var text = text(value) ?? ""
            for transform in transforms {
                switch transform {
                case .trim: text = text.trimmingBlanks
                case .lower: text = text.lowercased()
                case .upper: text = text.uppercased()
                case .blankToNull:
                    if text.trimmingBlanks.isEmpty {
                        json.null()
                        return
                    }
                }
            }
            json.string(text)
        case .pairs(let separator, let assign):
            writePairs(text(value) ?? "", separator: separator, assign: assign, name: name, into: &json, notes: &notes)
        case .decimalForm(let fraction, let trailingZeros):
            guard let digits = decimalDigits(value) else {
                writePlain(value, field, into: &json)
                return
            }
            let formed = DecimalForm.format(digits, fraction: fraction, trailingZeros: trailingZeros)
            if field.type == .number { json.raw(formed.utf8) } else { json.string(formed) }
        case .json:
            let raw = text(value) ?? ""
            if JSONValidator.isValid(raw, top: field.type == .array ? .array : .object) {
                json.raw(raw.utf8)
            } else {
                notes.append("field \(name): stored JSON is not valid")
                json.null()
            }
        case .publicID, .none:
            writePlain(value, field, into: &json)
        }
    }

    /// A stored DATETIME as it is, a DATE as its midnight (a DATE in a zone is its local
    /// midnight); nil for other values.
    static func wallClock(_ value: MySQLValue) -> MySQLDateTime? {
        switch value {
        case .datetime(let time): time
        case .date(let d): MySQLDateTime(year: d.year, month: d.month, day: d.day)
        default: nil
        }
    }

    /// The zone a `zone:` conversion names: fixed, or the row's zone column; nil when unknown.
    static func zone(_ source: ZoneSource, _ zoneValue: MySQLValue?) -> Zone? {
        let name: String? =
            switch source {
            case .fixed(let fixed): fixed
            case .column: zoneValue.flatMap(text)
            }
        return name.flatMap(TimeZones.zone)
    }

    /// A UTC instant in the field's time form: epochs as JSON integers, RFC 3339 as strings.
    static func writeInstant(_ instant: MySQLDateTime, _ time: TimeFormat, into json: inout some ValueSink & ~Copyable) {
        switch time {
        case .rfc3339(let fraction, let zulu): json.string(instant.rfc3339(fraction: fraction, zulu: zulu))
        case .epochSeconds: json.int(Int64(instant.epochSeconds))
        case .epochMilliseconds: json.int(instant.epochMilliseconds)
        }
    }

    /// `k=v;k=v` as a JSON object of strings, in stored order. Empty pieces are skipped
    /// silently; a piece without `assign` or with an empty key, or a key already seen, is
    /// skipped and noted.
    static func writePairs(
        _ text: String, separator: String, assign: String, name: String, into json: inout some ValueSink & ~Copyable, notes: inout [String]
    ) {
        var object = JSONWriter(capacity: text.utf8.count * 2 + 16)
        object.beginObject()
        var seen: Set<Substring> = []
        var skipped = 0
        for piece in text.split(separator: separator, omittingEmptySubsequences: true) where !String(piece).trimmingBlanks.isEmpty {
            guard let split = piece.firstRange(of: assign), split.lowerBound > piece.startIndex else {
                skipped += 1
                continue
            }
            let key = piece[..<split.lowerBound]
            guard seen.insert(key).inserted else {
                skipped += 1
                continue
            }
            object.key(String(key))
            object.string(String(piece[split.upperBound...]))
        }
        object.endObject()
        if skipped > 0 { notes.append("field \(name): \(skipped) malformed or repeated pair(s) skipped") }
        object.withBytes { json.raw($0) }
    }

    /// A numeric cell's decimal text: DECIMALs as they are, integers in decimal, floats as Swift writes them.
    static func decimalDigits(_ value: MySQLValue) -> String? {
        switch value {
        case .decimal(let s): s
        case .int(let v): String(v)
        case .uint(let v): String(v)
        // Floats only when Swift writes them without an exponent.
        case .double(let v): v.isFinite && !String(v).contains("e") ? String(v) : nil
        case .float(let v): v.isFinite && !String(v).contains("e") ? String(v) : nil
        default: nil
        }
    }

    static func writePlain(_ value: MySQLValue, _ field: ValueField, into json: inout some ValueSink & ~Copyable) {
        switch field.type {
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
            case .datetime(let t): writeInstant(t, field.time, into: &json)
            case .date(let d): writeInstant(MySQLDateTime(year: d.year, month: d.month, day: d.day), field.time, into: &json)
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

import PorticoCatalog
import PorticoValues

/// Turns a partner's filter term into a condition on the stored column, undoing the field's
/// conversion: decimal strings back to cents, names back to codes, UTC back to local time,
/// public ids back to keys.
struct FilterBinder {
    let catalog: Catalog
    let name: String

    func condition(_ term: ApiRequest.FilterTerm, _ field: ValueField, _ expression: ColumnExpression) throws(QueryError) -> Condition {
        switch field.conversion {
        case .boolean(let trueValues):
            let wanted = try boolean(term.values[0])
            if trueValues.isEmpty { return .compare(expression, wanted ? .ne : .eq, .int(0)) }
            return .inList(expression, trueValues.map { .string($0) }, negated: !wanted)
        case .codes(let codes, let unknown):
            return try codeCondition(term, codes: codes, unknown: unknown, expression)
        default:
            let values = try term.values.map { (text: String) throws(QueryError) -> MySQLValue in try bind(text, field) }
            switch term.op {
            case .eq: return .compare(expression, .eq, values[0])
            case .in: return .inList(expression, values, negated: false)
            case .gt: return .compare(expression, .gt, values[0])
            case .gte: return .compare(expression, .gte, values[0])
            case .lt: return .compare(expression, .lt, values[0])
            case .lte: return .compare(expression, .lte, values[0])
            case .prefix: return .prefix(expression, term.values[0])
            }
        }
    }

    private func invalid(_ detail: String) -> QueryError {
        QueryError(.invalidParameter, parameter: name, detail: detail)
    }

    private func boolean(_ text: String) throws(QueryError) -> Bool {
        switch text {
        case "true": return true
        case "false": return false
        default: throw invalid("'\(name)' is a boolean: use true or false.")
        }
    }

    private func codeCondition(
        _ term: ApiRequest.FilterTerm, codes: [String: String], unknown: String?, _ expression: ColumnExpression
    ) throws(QueryError) -> Condition {
        // Several codes may share a name: the name matches them all.
        let byName = Dictionary(grouping: codes.keys.sorted(), by: { codes[$0]! })
        var known: [MySQLValue] = []
        var wantsUnknown = false
        for text in term.values {
            if let shared = byName[text] {
                known += shared.map(Self.codeValue)
                // `unknown:` may name one of the table's own values: the filter matches what renders so.
                if text == unknown { wantsUnknown = true }
            } else if let unknown, text == unknown {
                wantsUnknown = true
            } else {
                let documented = Array(Set(codes.values)).sorted()
                let names = (documented + (unknown.map { documented.contains($0) ? [] : [$0] } ?? [])).joined(separator: ", ")
                throw invalid("'\(text)' is not a value of '\(name)'. Use one of: \(names).")
            }
        }
        let allCodes = codes.keys.sorted().map(Self.codeValue)
        switch (known.isEmpty, wantsUnknown) {
        case (false, false): return .inList(expression, known, negated: false)
        case (true, true): return .inList(expression, allCodes, negated: true)
        case (false, true): return .any([.inList(expression, known, negated: false), .inList(expression, allCodes, negated: true)])
        case (true, false): return .never
        }
    }

    static func codeValue(_ code: String) -> MySQLValue {
        if let number = Int64(code) { return .int(number) }
        return .string(code)
    }

    /// One partner value in the column's stored form.
    func bind(_ text: String, _ field: ValueField) throws(QueryError) -> MySQLValue {
        switch field.conversion {
        case .cents(let scale):
            guard let minor = Self.minorUnits(text, scale: scale) else {
                throw invalid("'\(name)' is an amount with at most \(scale) decimal places, such as 12.50.")
            }
            return .int(minor)
        case .publicID(let target):
            guard let id = catalog.resources[target]?.id, let key = id.key(text), key.count == 1 else {
                throw invalid("'\(text)' is not a \(target) id.")
            }
            return key[0]
        case .zone(let source):
            let instant = try self.instant(text, field)
            if case .fixed(let zoneName) = source, let zone = TimeZones.zone(zoneName) {
                return .datetime(TimeZones.local(fromUTC: instant, in: zone))
            }
            return .datetime(instant)  // compared with CONVERT_TZ(column, zone, '+00:00')
        default:
            break
        }
        switch field.type {
        case .integer:
            guard let number = Int64(text) else { throw invalid("'\(name)' takes a whole number.") }
            return .int(number)
        case .decimal:
            guard text.wholeMatch(of: /-?[0-9]{1,30}(\.[0-9]{1,30})?/) != nil else {
                throw invalid("'\(name)' takes a decimal number such as 12.50.")
            }
            return .decimal(text)
        case .number:
            guard let number = Double(text), number.isFinite else { throw invalid("'\(name)' takes a number.") }
            return .double(number)
        case .date:
            guard let date = MySQLDate(iso: text) else { throw invalid("'\(name)' takes a date such as 2024-01-31.") }
            return .date(date)
        case .datetime:
            return .datetime(try instant(text, field))
        default:
            return .string(text)
        }
    }

    /// A time in the field's form (an epoch field takes integers).
    private func instant(_ text: String, _ field: ValueField) throws(QueryError) -> MySQLDateTime {
        guard let instant = field.time.parse(text) else {
            throw invalid("'\(name)' takes \(field.time.name) such as \(field.time.example).")
        }
        return instant
    }

    /// `"12.5"` at scale 2 → 1250; nil for more decimals than the scale or anything not a number.
    static func minorUnits(_ text: String, scale: Int) -> Int64? {
        guard text.wholeMatch(of: /-?[0-9]{1,15}(\.[0-9]+)?/) != nil else { return nil }
        let negative = text.hasPrefix("-")
        let parts = text.dropFirst(negative ? 1 : 0).split(separator: ".", omittingEmptySubsequences: false)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        guard fraction.count <= scale, let whole = Int64(parts[0]) else { return nil }
        let padded = fraction + String(repeating: "0", count: scale - fraction.count)
        var multiplier: Int64 = 1
        for _ in 0..<scale { multiplier *= 10 }
        let value = whole * multiplier + (Int64(padded) ?? 0)
        return negative ? -value : value
    }
}

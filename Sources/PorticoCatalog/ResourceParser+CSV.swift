/// `csv:` of a resource (or of the version, without columns): the export file name and the
/// named CSV profiles. Column names that read fields are checked by ``CatalogCompiler`` once
/// every resource (and so every embed) is known.
extension ResourceParser {
    static let csvKeys = ["filename", "profiles"]
    static let profileKeys = [
        "description", "delimiter", "quoting", "line_ending", "encoding", "replacement", "header", "datetime", "date", "zone",
        "decimal_separator", "true", "false", "null", "formula_guard", "columns",
    ]
    static let delimiters: [String: UInt8] = [",": 0x2C, ";": 0x3B, "tab": 0x09, "\t": 0x09, "|": 0x7C]

    mutating func parseCSV(_ node: MappingNode, allowColumns: Bool) -> CSVSettings {
        var settings = CSVSettings()
        guard let object = MappingObject(node, what: "'csv'", allowed: Self.csvKeys, into: &diagnostics) else { return settings }
        if let text = object.optionalString("filename", in: "'csv'", &diagnostics) {
            switch FilenameTemplate.parse(text) {
            case .success(let template): settings.filename = template
            case .failure(let problem): diagnostics.error("'filename' in 'csv' \(problem)", at: object["filename"]!.location)
            }
        }
        guard let profilesNode = object["profiles"] else { return settings }
        guard let profiles = MappingObject(profilesNode, what: "'profiles' of 'csv'", allowed: [], into: &diagnostics) else { return settings }
        for (name, keyLocation, value) in profiles.pairs {
            guard name.utf8.count <= 32, ASCIIPattern.isLowerName(name) else {
                diagnostics.error(
                    "CSV profile name '\(name)' must be lower-case letters, digits and _ (at most 32), starting with a letter", at: keyLocation)
                continue
            }
            guard name != CSVProfile.standard.name else {
                diagnostics.error("CSV profile name 'default' is taken: it is Portico's own CSV, which profile=default asks for", at: keyLocation)
                continue
            }
            if let profile = parseProfile(name, value, at: keyLocation, allowColumns: allowColumns) { settings.profiles.append(profile) }
        }
        return settings
    }

    mutating func parseProfile(_ name: String, _ node: MappingNode, at keyLocation: Location, allowColumns: Bool) -> CSVProfile? {
        let what = "CSV profile '\(name)'"
        guard let spec = MappingObject(node, what: what, allowed: Self.profileKeys, into: &diagnostics) else { return nil }
        let errorsBefore = diagnostics.diagnostics.count { $0.severity == .error }
        func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) -> T? where T.RawValue == String {
            guard let text = spec.optionalString(key, in: what, &diagnostics) else { return nil }
            guard let value = T(rawValue: text) else {
                let names = T.allCases.map(\.rawValue)
                diagnostics.error(
                    "'\(key)' in \(what) is one of \(names.joined(separator: ", ")), not '\(text)'\(Suggestion.hint(for: text, among: names))",
                    at: spec[key]!.location)
                return nil
            }
            return value
        }
        /// Text as written, which may be empty (`null: ""`); `null: NULL` is the text NULL, not YAML's null.
        func text(_ key: String) -> String? {
            guard let node = spec[key] else { return nil }
            guard case .scalar(let text, _) = node.value else {
                diagnostics.error("'\(key)' in \(what) must be text, not \(node.kindName)", at: node.location)
                return nil
            }
            return text
        }
        func pattern(_ key: String) -> DateTimePattern? {
            guard let text = spec.optionalString(key, in: what, &diagnostics) else { return nil }
            switch DateTimePattern.parse(text) {
            case .success(let pattern): return pattern
            case .failure(let problem):
                diagnostics.error("'\(key)' in \(what): the pattern '\(text)' \(problem)", at: spec[key]!.location)
                return nil
            }
        }
        var delimiter: UInt8 = 0x2C
        if let node = spec["delimiter"] {
            if let text = node.scalar, let byte = Self.delimiters[text] {
                delimiter = byte
            } else {
                diagnostics.error("'delimiter' in \(what) is \",\", \";\", \"|\" or tab, not '\(node.scalar ?? node.kindName)'", at: node.location)
            }
        }
        let encoding = choice("encoding", CSVProfile.Encoding.self) ?? .utf8
        var replacement = "?"
        if let given = text("replacement") {
            if given.count != 1 || !CSVEncoding.canHold(given, in: encoding) || given == "\r" || given == "\n" {
                diagnostics.error(
                    "'replacement' in \(what) must be one character \(encoding.rawValue) can hold, not '\(given)'", at: spec["replacement"]!.location)
            } else {
                replacement = given
            }
        } else if spec["replacement"] == nil, encoding == .utf8 || encoding == .utf8BOM {
            replacement = "\u{FFFD}"
        }
        var decimal: UInt8 = 0x2E
        if let node = spec["decimal_separator"] {
            switch node.scalar {
            case ".": decimal = 0x2E
            case ",": decimal = 0x2C
            default: diagnostics.error("'decimal_separator' in \(what) is \".\" or \",\", not '\(node.scalar ?? node.kindName)'", at: node.location)
            }
        }
        let date = pattern("date")
        if let date, date.hasTime {
            diagnostics.error(
                "'date' in \(what): the pattern '\(date.text)' writes a time of day, which a date does not have", at: spec["date"]!.location)
        }
        let (trueText, falseText, nullText) = (text("true") ?? "true", text("false") ?? "false", text("null") ?? "")
        if trueText == falseText, spec["true"] != nil || spec["false"] != nil {
            diagnostics.error("\(what) writes true and false both as '\(trueText)'", at: (spec["true"] ?? spec["false"])!.location)
        }
        for (key, value) in [("true", trueText), ("false", falseText), ("null", nullText)] where value.contains(where: { $0 == "\r" || $0 == "\n" }) {
            diagnostics.error("'\(key)' in \(what) may not hold a line break", at: spec[key]!.location)
        }
        var columns: [CSVProfile.Column]?
        if let node = spec["columns"] {
            if allowColumns {
                columns = parseProfileColumns(node, in: what)
            } else {
                diagnostics.error(
                    "a version's CSV profile has no 'columns': they name a resource's fields, so declare the profile in the resource's 'csv'",
                    at: spec.keyLocation("columns")!)
            }
        }
        let profile = CSVProfile(
            name: name, description: spec.optionalString("description", in: what, &diagnostics), delimiter: delimiter,
            quoting: choice("quoting", CSVProfile.Quoting.self) ?? .minimal, lineEnding: choice("line_ending", CSVProfile.LineEnding.self) ?? .crlf,
            encoding: encoding, replacement: replacement, header: spec.optionalBool("header", in: what, &diagnostics) ?? true,
            datetime: pattern("datetime"), date: date, zone: choice("zone", CSVProfile.Zone.self) ?? .utc, decimalSeparator: decimal,
            trueText: trueText, falseText: falseText, nullText: nullText,
            formulaGuard: spec.optionalBool("formula_guard", in: what, &diagnostics) ?? true, columns: columns, location: keyLocation)
        return diagnostics.diagnostics.count(where: { $0.severity == .error }) > errorsBefore ? nil : profile
    }

    /// `columns:` — each a field's dotted name, or `{header, field | column…, formula_guard}`.
    mutating func parseProfileColumns(_ node: MappingNode, in what: String) -> [CSVProfile.Column]? {
        guard let items = node.list, !items.isEmpty else {
            diagnostics.error("'columns' of \(what) must be a non-empty list of field names or {header, field} entries", at: node.location)
            return nil
        }
        var columns: [CSVProfile.Column] = []
        for (index, item) in items.enumerated() {
            let entry = "column \(index + 1) of \(what)"
            if let name = item.scalar {
                columns.append(.init(header: name, source: .field(name), formulaGuard: nil, location: item.location))
                continue
            }
            guard let spec = MappingObject(item, what: entry, allowed: ["header", "field", "formula_guard"] + Self.valueKeys, into: &diagnostics)
            else { continue }
            let header: String
            if case .scalar(let text, _)? = spec["header"]?.value {
                header = text
            } else {
                header = spec.optionalString("field", in: entry, &diagnostics) ?? ""
                if spec["field"] == nil {
                    diagnostics.error("\(entry) needs 'header' (a column that reads 'column' has no name of its own)", at: item.location)
                }
            }
            if header.contains(where: { $0 == "\r" || $0 == "\n" }) {
                diagnostics.error("the header of \(entry) may not hold a line break", at: spec["header"]?.location ?? item.location)
            }
            let guardSetting = spec.optionalBool("formula_guard", in: entry, &diagnostics)
            let readsColumn = spec["column"] != nil || Derived.Operation.allCases.contains { spec[$0.rawValue] != nil }
            if let field = spec.optionalString("field", in: entry, &diagnostics) {
                if readsColumn {
                    diagnostics.error(
                        "\(entry) has both 'field' and 'column': it shows a field of the document or reads a column, not both",
                        at: spec["field"]!.location)
                    continue
                }
                if let extra = spec.pairs.first(where: { !["header", "field", "formula_guard"].contains($0.key) }) {
                    diagnostics.error(
                        "'\(extra.key)' does not apply to \(entry): it shows field '\(field)' as the document has it", at: extra.keyLocation)
                    continue
                }
                columns.append(.init(header: header, source: .field(field), formulaGuard: guardSetting, location: spec["field"]!.location))
            } else if readsColumn {
                guard let value = parseValue(spec, in: entry) else { continue }
                let field = Field(
                    name: "column_\(index + 1)", description: nil, example: nil, deprecation: nil, kind: .value(value), location: item.location,
                    nullWhen: nil, only: nil)
                columns.append(.init(header: header, source: .value(field), formulaGuard: guardSetting, location: item.location))
            } else {
                diagnostics.error("\(entry) needs 'field' (a field of the document) or 'column' (and 'type')", at: item.location)
            }
        }
        return columns
    }
}

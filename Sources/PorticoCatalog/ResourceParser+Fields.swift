extension ResourceParser {
    static let valueKeys = [
        "column", "join", "type", "nullable", "description", "example", "deprecated", "sunset",
        "scale", "true_values", "codes", "values", "unknown", "zone", "trim", "json", "id_of", "time", "transform", "pairs",
        "fraction_digits", "trailing_zeros", "sum", "difference", "only",
    ]
    static let objectKeys = ["type", "fields", "description", "example", "deprecated", "sunset", "null_when", "only"]
    static let embedKeys = [
        "embed", "on", "many", "order", "fields", "include", "description", "deprecated", "sunset", "envelope", "only", "expandable",
    ]
    static let constantKeys = ["const", "description", "deprecated", "sunset", "only"]
    static let fieldKeys = Set(valueKeys + objectKeys + embedKeys + constantKeys)

    mutating func parseFields(_ node: MappingNode, in what: String) -> [Field] {
        guard let object = MappingObject(node, what: "'fields' of \(what)", allowed: [], into: &diagnostics) else { return [] }
        if object.pairs.isEmpty { diagnostics.error("'fields' of \(what) is empty", at: node.location) }
        var fields: [Field] = []
        for (fieldName, keyLocation, value) in object.pairs {
            guard Self.isFieldName(fieldName) else {
                diagnostics.error("field name '\(fieldName)' must be lower-case letters, digits and _, starting with a letter", at: keyLocation)
                continue
            }
            if let field = parseField(fieldName, value, at: keyLocation) { fields.append(field) }
        }
        return fields
    }

    mutating func parseField(_ fieldName: String, _ node: MappingNode, at keyLocation: Location) -> Field? {
        let what = "field '\(fieldName)'"
        guard case .map(let pairs) = node.value else {
            diagnostics.error("\(what) must be a mapping (column, type, …), not \(node.kindName)", at: node.location)
            return nil
        }
        let keys = Set(pairs.map(\.key))
        // A key of another kind of field would read like a typo in the generic message: say
        // what this kind of field takes instead.
        let (allowed, kindName) =
            keys.contains("embed")
            ? (Self.embedKeys, "an embed (it has 'embed')")
            : keys.contains("const")
                ? (Self.constantKeys, "a constant (it has 'const')")
                : keys.contains("fields")
                    ? (Self.objectKeys, "an object (it has nested 'fields')") : (Self.valueKeys, "a value (it reads a column)")
        let misplaced = pairs.filter { !allowed.contains($0.key) && Self.fieldKeys.contains($0.key) }
        for pair in misplaced {
            let instead =
                pair.key == "nullable" && allowed == Self.objectKeys
                ? "; declare 'nullable: true' on its members, or 'null_when' for the whole object" : ""
            diagnostics.error(
                "'\(pair.key)' does not apply to \(what): it is \(kindName), which takes \(allowed.joined(separator: ", "))\(instead)",
                at: pair.keyLocation)
        }
        guard let spec = MappingObject(node, what: what, allowed: allowed + misplaced.map(\.key), into: &diagnostics) else { return nil }
        let description = spec.optionalString("description", in: what, &diagnostics)
        let example = spec.optionalString("example", in: what, &diagnostics)
        let deprecation = parseDeprecation(spec, in: what)
        var only: Field.Reading?
        if let text = spec.optionalString("only", in: what, &diagnostics) {
            guard let reading = Field.Reading(rawValue: text) else {
                diagnostics.error(
                    "'only' in \(what) is item (single reads) or list (pages and exports), not '\(text)'"
                        + Suggestion.hint(for: text, among: Field.Reading.allCases.map(\.rawValue)),
                    at: spec["only"]!.location)
                return nil
            }
            only = reading
        }
        let kind: Field.Kind
        var nullWhen: ObjectNull?
        if spec["embed"] != nil {
            guard let embed = parseEmbed(spec, in: what) else { return nil }
            kind = .embed(embed)
        } else if let constant = spec["const"] {
            kind = .constant(JSONConstant.parse(constant))
        } else if let children = spec["fields"] {
            if let type = spec["type"]?.scalar, type != "object" {
                diagnostics.error("\(what) has nested 'fields', so its type is object, not \(type)", at: spec["type"]!.location)
            }
            let members = parseFields(children, in: what)
            kind = .object(members)
            if let node = spec["null_when"] {
                guard let rule = parseNullWhen(node, members: members, in: what) else { return nil }
                nullWhen = rule
            }
        } else {
            guard let value = parseValue(spec, in: what) else { return nil }
            kind = .value(value)
        }
        return Field(
            name: fieldName, description: description, example: example, deprecation: deprecation, kind: kind, location: keyLocation,
            nullWhen: nullWhen, only: only)
    }

    mutating func parseValue(_ spec: MappingObject, in what: String) -> ValueField? {
        let derivedKey = Derived.Operation.allCases.map(\.rawValue).first { spec[$0] != nil }
        var column: String?
        var derived: Derived?
        if let derivedKey {
            guard let pair = parseDerived(spec, derivedKey, in: what) else { return nil }
            (column, derived) = pair
        } else {
            column = identifier(spec, "column", in: what, required: true)
        }
        var join: String?
        if let joinName = spec.optionalString("join", in: what, &diagnostics) {
            if joins[joinName] == nil {
                diagnostics.error(
                    "\(what) reads through join '\(joinName)', which 'joins' does not declare\(Suggestion.hint(for: joinName, among: joins.keys))",
                    at: spec["join"]!.location)
            }
            join = joinName
        }
        guard let typeNode = spec["type"] else {
            diagnostics.error("\(what) needs 'type' (\(FieldType.allCases.map(\.rawValue).joined(separator: ", ")))", at: spec.node.location)
            return nil
        }
        guard let typeName = typeNode.scalar, let type = FieldType(rawValue: typeName) else {
            let given = typeNode.scalar ?? typeNode.kindName
            diagnostics.error(
                "\(what) has unknown type '\(given)'\(Suggestion.hint(for: given, among: FieldType.allCases.map(\.rawValue)))", at: typeNode.location)
            return nil
        }
        let nullable = spec.optionalBool("nullable", in: what, &diagnostics) ?? false
        var time = type == .datetime ? self.time : .standard
        if let node = spec["time"] {
            guard type == .datetime else {
                diagnostics.error("'time' in \(what) needs type datetime, not \(type.rawValue)", at: spec.keyLocation("time")!)
                return nil
            }
            guard let declared = TimeFormat.parse(node, in: what, into: &diagnostics) else { return nil }
            time = declared
        }
        guard let conversion = parseConversion(spec, type: type, in: what), let column else { return nil }
        if derived != nil {
            let allowed = conversion == .none || { if case .cents = conversion { true } else { false } }()
            guard [.integer, .decimal, .number].contains(type), allowed else {
                diagnostics.error(
                    "'\(derivedKey!)' in \(what) computes a number: it needs type integer, decimal or number, and no conversion but 'scale'",
                    at: spec.keyLocation(derivedKey!)!)
                return nil
            }
        }
        return ValueField(join: join, column: column, type: type, nullable: nullable, conversion: conversion, time: time, derived: derived)
    }

    /// `sum: [a, b]` or `difference: [a, b]` (a − b): two columns of the row, in place of `column`.
    mutating func parseDerived(_ spec: MappingObject, _ key: String, in what: String) -> (String, Derived)? {
        if spec["column"] != nil {
            diagnostics.error("\(what) has both 'column' and '\(key)'; '\(key)' names the two columns it reads", at: spec.keyLocation("column")!)
            return nil
        }
        if let other = Derived.Operation.allCases.map(\.rawValue).first(where: { $0 != key && spec[$0] != nil }) {
            diagnostics.error("\(what) has both 'sum' and 'difference'; choose one", at: spec.keyLocation(other)!)
            return nil
        }
        guard let columns = columns(spec, key, in: what) else { return nil }
        guard columns.count == 2 else {
            diagnostics.error(
                "'\(key)' in \(what) takes exactly two columns of the row, such as [amount_due, amount_paid]; nothing more general",
                at: spec[key]!.location)
            return nil
        }
        return (columns[0], Derived(key == "sum" ? .sum : .difference, columns[1]))
    }

    /// The one conversion a value field declares, checked against its type.
    mutating func parseConversion(_ spec: MappingObject, type: FieldType, in what: String) -> Conversion? {
        let conversionKeys = ["scale", "true_values", "codes", "values", "zone", "trim", "json", "id_of", "transform", "pairs", "fraction_digits"]
        var used = conversionKeys.filter { spec[$0] != nil }
        // `trailing_zeros` alone is the decimal form too; with `fraction_digits` it is the same one.
        if spec["trailing_zeros"] != nil, !used.contains("fraction_digits") { used.append("trailing_zeros") }
        if used.count > 1 {
            diagnostics.error(
                "\(what) declares more than one conversion (\(used.joined(separator: ", "))); choose one", at: spec.keyLocation(used[1])!)
            return nil
        }
        if spec["unknown"] != nil, spec["codes"] == nil {
            diagnostics.error("'unknown' in \(what) only applies to 'codes'", at: spec.keyLocation("unknown")!)
        }
        func requireType(_ expected: [FieldType], for key: String) -> Bool {
            guard expected.contains(type) else {
                diagnostics.error(
                    "'\(key)' in \(what) needs type \(expected.map(\.rawValue).joined(separator: " or ")), not \(type.rawValue)",
                    at: spec.keyLocation(key)!)
                return false
            }
            return true
        }
        switch used.first {
        case "scale":
            guard requireType([.decimal, .number], for: "scale"),
                let scale = spec.optionalInt("scale", in: what, range: 0...9, &diagnostics)
            else { return nil }
            return .cents(scale: scale)
        case "true_values":
            guard requireType([.boolean], for: "true_values"),
                let values = spec.stringList("true_values", in: what, &diagnostics)
            else { return nil }
            return .boolean(trueValues: values.map(\.0))
        case "codes":
            guard requireType([.enum], for: "codes") else { return nil }
            return parseCodes(spec, in: what)
        case "values":
            guard requireType([.enum], for: "values"), let values = spec.stringList("values", in: what, &diagnostics) else { return nil }
            return .codes(Dictionary(values.map { ($0.0, $0.0) }, uniquingKeysWith: { a, _ in a }), unknown: nil)
        case "zone":
            guard requireType([.datetime], for: "zone") else { return nil }
            return parseZone(spec["zone"]!, in: what).map(Conversion.zone)
        case "trim":
            guard requireType([.string], for: "trim") else { return nil }
            return spec.optionalBool("trim", in: what, &diagnostics) == true ? .text([.trim]) : Conversion.none
        case "transform":
            guard requireType([.string], for: "transform"), let listed = spec.stringList("transform", in: what, &diagnostics) else { return nil }
            var transforms: [TextTransform] = []
            for (name, location) in listed {
                guard let transform = TextTransform(rawValue: name) else {
                    diagnostics.error(
                        "'transform' of \(what) lists '\(name)'; transforms are \(TextTransform.allCases.map(\.rawValue).joined(separator: ", "))"
                            + Suggestion.hint(for: name, among: TextTransform.allCases.map(\.rawValue)),
                        at: location)
                    return nil
                }
                if transforms.contains(transform) {
                    diagnostics.error("'transform' of \(what) lists '\(name)' twice", at: location)
                    return nil
                }
                transforms.append(transform)
            }
            if transforms.contains(.lower), transforms.contains(.upper) {
                diagnostics.error("'transform' of \(what) has both lower and upper; the last would undo the first", at: spec["transform"]!.location)
                return nil
            }
            if transforms.contains(.blankToNull), spec.optionalBool("nullable", in: what, &diagnostics) != true {
                diagnostics.error(
                    "'blank_to_null' in \(what) renders blank text as null: declare 'nullable: true'", at: spec.keyLocation("transform")!)
                return nil
            }
            return transforms.isEmpty ? Conversion.none : .text(transforms)
        case "pairs":
            guard requireType([.object], for: "pairs") else { return nil }
            let pairsWhat = "'pairs' of \(what)"
            guard let object = MappingObject(spec["pairs"]!, what: pairsWhat, allowed: ["separator", "assign"], into: &diagnostics),
                let separator = object.requireString("separator", in: pairsWhat, &diagnostics),
                let assign = object.requireString("assign", in: pairsWhat, &diagnostics)
            else { return nil }
            guard !separator.isEmpty, !assign.isEmpty, separator != assign, !separator.contains(assign), !assign.contains(separator) else {
                diagnostics.error(
                    "\(pairsWhat) needs a 'separator' between pairs and an 'assign' between key and value: two different, non-empty texts, neither inside the other",
                    at: spec["pairs"]!.location)
                return nil
            }
            return .pairs(separator: separator, assign: assign)
        case "fraction_digits", "trailing_zeros":
            guard requireType([.decimal, .number], for: used.first!) else { return nil }
            let fraction = spec.optionalInt("fraction_digits", in: what, range: 0...30, &diagnostics)
            let trailingZeros = spec.optionalBool("trailing_zeros", in: what, &diagnostics) ?? true
            if spec["fraction_digits"] != nil, fraction == nil { return nil }
            return .decimalForm(fraction: fraction, trailingZeros: trailingZeros)
        case "json":
            guard requireType([.object, .array], for: "json") else { return nil }
            return spec.optionalBool("json", in: what, &diagnostics) == true ? .json : Conversion.none
        case "id_of":
            guard requireType([.string, .integer], for: "id_of"), let target = spec.optionalString("id_of", in: what, &diagnostics) else {
                return nil
            }
            return .publicID(of: target)
        default:
            switch type {
            case .enum:
                diagnostics.error(
                    "\(what) has type enum, so it needs 'codes' (stored → public) or 'values' (the allowed values)", at: spec["type"]!.location)
                return nil
            case .object, .array:
                diagnostics.error(
                    "\(what) has type \(type.rawValue): give it nested 'fields', or 'json: true' for JSON kept in text", at: spec["type"]!.location)
                return nil
            case .boolean:
                return .boolean(trueValues: [])
            default:
                return Conversion.none
            }
        }
    }

    /// `null_when: all_null | any_null | {column: c, join: j}`; the members must then be nullable
    /// (an all-null rule needs them so; an any-null one is pointless without).
    mutating func parseNullWhen(_ node: MappingNode, members: [Field], in what: String) -> ObjectNull? {
        if let text = node.scalar {
            switch text {
            case "all_null", "any_null":
                let values = Self.valueFields(members)
                if values.isEmpty {
                    diagnostics.error("'null_when: \(text)' in \(what) needs members read from columns", at: node.location)
                    return nil
                }
                if let strict = values.first(where: { !$0.1.nullable }) {
                    diagnostics.error(
                        "'null_when: \(text)' in \(what) looks for NULL members, but '\(strict.0)' is not nullable; declare it 'nullable: true'",
                        at: node.location)
                    return nil
                }
                return text == "all_null" ? .allNull : .anyNull
            default:
                diagnostics.error(
                    "'null_when' of \(what) is all_null, any_null or {column: …}, not '\(text)'\(Suggestion.hint(for: text, among: ["all_null", "any_null"]))",
                    at: node.location)
                return nil
            }
        }
        guard let object = MappingObject(node, what: "'null_when' of \(what)", allowed: ["column", "join"], into: &diagnostics) else { return nil }
        guard let column = identifier(object, "column", in: "'null_when' of \(what)", required: true) else { return nil }
        let join = object.optionalString("join", in: "'null_when' of \(what)", &diagnostics)
        if let join, joins[join] == nil {
            diagnostics.error(
                "'null_when' of \(what) reads through join '\(join)', which 'joins' does not declare\(Suggestion.hint(for: join, among: joins.keys))",
                at: object["join"]!.location)
            return nil
        }
        return .column(join: join, column: column)
    }

    mutating func parseCodes(_ spec: MappingObject, in what: String) -> Conversion? {
        guard let object = MappingObject(spec["codes"]!, what: "'codes' of \(what)", allowed: [], into: &diagnostics) else { return nil }
        var codes: [String: String] = [:]
        var names: Set<String> = []
        for (code, keyLocation, value) in object.pairs {
            guard let publicName = value.scalar, Self.isFieldName(publicName) else {
                diagnostics.error(
                    "code \(code) of \(what) must map to a lower-case name (letters, digits, _), not \(value.scalar.map { "'\($0)'" } ?? value.kindName)",
                    at: value.location)
                continue
            }
            // Several codes may share a name (`1: open, 6: open`): the filter on it matches them all.
            names.insert(publicName)
            codes[code] = publicName
        }
        guard let unknownNode = spec["unknown"] else {
            diagnostics.error(
                "\(what) has 'codes' but no 'unknown': declare what a code missing from the table becomes (a name, or null)",
                at: spec.keyLocation("codes")!)
            return nil
        }
        if unknownNode.isNull {
            if spec.optionalBool("nullable", in: what, &diagnostics) != true {
                diagnostics.warning(
                    "\(what) is not nullable, but 'unknown: null' renders an undocumented code as null, so the document says it may be null; "
                        + "name one of its values (unknown: \(names.sorted().first ?? "unknown")) or declare 'nullable: true'",
                    at: unknownNode.location)
            }
            return .codes(codes, unknown: nil)
        }
        guard let unknown = unknownNode.scalar, Self.isFieldName(unknown) else {
            diagnostics.error("'unknown' of \(what) must be a lower-case name or null", at: unknownNode.location)
            return nil
        }
        return .codes(codes, unknown: unknown)
    }

    mutating func parseZone(_ node: MappingNode, in what: String) -> ZoneSource? {
        if let name = node.scalar {
            guard TimeZones.isKnown(name) else {
                diagnostics.error(
                    "'zone' of \(what) is '\(name)', which is not a known IANA time zone\(Suggestion.hint(for: name, among: TimeZones.common))",
                    at: node.location)
                return nil
            }
            return .fixed(name)
        }
        guard let object = MappingObject(node, what: "'zone' of \(what)", allowed: ["column", "join"], into: &diagnostics) else { return nil }
        guard let column = identifier(object, "column", in: "'zone' of \(what)", required: true) else { return nil }
        let joinName = object.optionalString("join", in: "'zone' of \(what)", &diagnostics)
        if let joinName, joins[joinName] == nil {
            diagnostics.error(
                "'zone' of \(what) reads through join '\(joinName)', which 'joins' does not declare\(Suggestion.hint(for: joinName, among: joins.keys))",
                at: object["join"]!.location)
            return nil
        }
        return .column(join: joinName, column: column)
    }

    mutating func parseEmbed(_ spec: MappingObject, in what: String) -> Embed? {
        guard let target = spec.requireString("embed", in: what, &diagnostics) else { return nil }
        guard let onNode = spec["on"] else {
            diagnostics.error("\(what) embeds '\(target)' but has no 'on' (this table's column: the target table's column)", at: spec.node.location)
            return nil
        }
        let on = parsePairs(onNode, in: what)
        let many = spec.optionalBool("many", in: what, &diagnostics) ?? false
        let order = columns(spec, "order", in: what) ?? []
        if !many, spec["order"] != nil {
            diagnostics.error("'order' in \(what) only applies to to-many embeds ('many: true')", at: spec.keyLocation("order")!)
        }
        var include = false
        if let includeText = spec.optionalString("include", in: what, &diagnostics) {
            switch includeText {
            case "always": include = false
            case "optional": include = true
            default: diagnostics.error("'include' in \(what) must be always or optional", at: spec["include"]!.location)
            }
        }
        let fields = spec.stringList("fields", in: what, &diagnostics)?.map(\.0)
        var envelope: ListEnvelope?
        if let node = spec["envelope"] {
            if !many {
                diagnostics.error("'envelope' in \(what) only applies to to-many embeds ('many: true')", at: spec.keyLocation("envelope")!)
            } else if let parsed = ListEnvelope.parse(node, into: &diagnostics) {
                if let cursor = parsed.nextCursorMember {
                    diagnostics.error(
                        "an embedded list carries every row, so its envelope takes no 'next_cursor' role (member '\(cursor)'); has_more is always false",
                        at: node.location)
                } else {
                    envelope = parsed
                }
            }
        }
        let expandable = spec.optionalBool("expandable", in: what, &diagnostics) ?? false
        if expandable {
            if many {
                diagnostics.error(
                    "'expandable' in \(what) is for to-one embeds: a list has no single id to show instead", at: spec.keyLocation("expandable")!)
                return nil
            }
            if spec["include"] != nil, !include {
                diagnostics.error(
                    "'expandable' in \(what) shows the id unless the partner asks for the object, so it cannot be 'include: always'",
                    at: spec.keyLocation("include")!)
                return nil
            }
            if on.count != 1 {
                diagnostics.error("'expandable' in \(what) needs 'on' to pair one column with the target's id column", at: spec.keyLocation("on")!)
                return nil
            }
        }
        return Embed(
            target: target, on: on, many: many, order: order, fields: fields, optional: include || expandable, envelope: envelope,
            expandable: expandable)
    }

    static let filterKeys = ["field", "op", "operators", "syntax", "case_sensitive", "max_length", "repeat"]

    /// `filters:`: each key is the query parameter's name. A list of operators filters the field
    /// of that name in Portico's syntax; a mapping says which field, which operators and how the
    /// parameter carries them. Names (bracket forms included) may not collide.
    mutating func parseFilters(_ node: MappingNode, fields: [Field]) -> [String: Filter] {
        guard let object = MappingObject(node, what: "'filters'", allowed: [], into: &diagnostics) else { return [:] }
        let values = Dictionary(Self.valueFields(fields), uniquingKeysWith: { a, _ in a })
        var filters: [String: Filter] = [:]
        var taken: [String: String] = [:]
        for (parameter, keyLocation, value) in object.pairs {
            guard Self.isParameterName(parameter) else {
                diagnostics.error(
                    "filter parameter '\(parameter)' must be 1 to 64 letters, digits and _ - . [ ] (as a query string carries it unescaped)",
                    at: keyLocation)
                continue
            }
            var spec: MappingObject?
            if case .map = value.value {
                spec = MappingObject(value, what: "filter '\(parameter)'", allowed: Self.filterKeys, into: &diagnostics)
                if spec == nil { continue }
            }
            let path = spec.flatMap { $0.optionalString("field", in: "filter '\(parameter)'", &diagnostics) } ?? parameter
            let fieldAt = spec?["field"]?.location ?? keyLocation
            guard let field = values[path] ?? embedded?.values[path] else {
                if embedded == nil, Self.throughEmbed(path, fields) {
                    deferredFilters = true
                    continue
                }
                if let reason = embedded?.refused[path] {
                    diagnostics.error("filter '\(parameter)' cannot filter '\(path)': \(reason)", at: fieldAt)
                    continue
                }
                let what = spec?["field"] == nil ? "filter '\(path)' names" : "filter '\(parameter)' filters '\(path)', which is"
                let known = values.keys.sorted() + (embedded?.values.keys.sorted() ?? [])
                diagnostics.error("\(what) no value field of '\(name)'\(Suggestion.hint(for: path, among: known))", at: fieldAt)
                continue
            }
            guard let (operators, syntax) = filterOperators(parameter, spec: spec, value: value, field: field) else { continue }
            let caseSensitive = spec?.optionalBool("case_sensitive", in: "filter '\(parameter)'", &diagnostics) ?? false
            if caseSensitive, field.type != .string || field.conversion != .none || !operators.allSatisfy({ $0 == .eq || $0 == .in }) {
                diagnostics.error(
                    "filter '\(parameter)': 'case_sensitive' is for eq and in on a string field stored as it is shown",
                    at: spec!["case_sensitive"]!.location)
                continue
            }
            let maxLength = spec?.optionalInt("max_length", in: "filter '\(parameter)'", range: 1...4096, &diagnostics)
            let repeats = spec?.optionalBool("repeat", in: "filter '\(parameter)'", &diagnostics) ?? parameter.hasSuffix("[]")
            if repeats, syntax != .fixed(.in) {
                diagnostics.error(
                    "filter '\(parameter)' repeats once per value, which takes 'op: in'"
                        + (parameter.hasSuffix("[]") ? " (its name ends with [])" : ""),
                    at: spec?["repeat"]?.location ?? keyLocation)
                continue
            }
            let filter = Filter(
                field: path, operators: operators, parameter: parameter, syntax: syntax, caseSensitive: caseSensitive, maxLength: maxLength,
                repeats: repeats)
            var collides = false
            for (name, _) in filter.parameterNames {
                if Filter.reservedParameters.contains(name) {
                    diagnostics.error("filter '\(parameter)' answers to '\(name)', one of Portico's own parameters", at: keyLocation)
                    collides = true
                } else if let other = taken[name] {
                    diagnostics.error("filter '\(parameter)' answers to '\(name)', as filter '\(other)' does", at: keyLocation)
                    collides = true
                }
                taken[name] = parameter
            }
            if !collides { filters[parameter] = filter }
        }
        return filters
    }

    /// Whether a dotted path starts with an embed's name: a field of its target, known on the second pass.
    static func throughEmbed(_ path: String, _ fields: [Field]) -> Bool {
        guard let dot = path.firstIndex(of: ".") else { return false }
        return fields.contains { field in
            if case .embed = field.kind { return field.name == path[..<dot] }
            return false
        }
    }

    static func isParameterName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64
            && text.utf8.allSatisfy { ASCIIPattern.isLetter($0) || ASCIIPattern.isDigit($0) || "_-.[]".utf8.contains($0) }
    }

    /// The operators, from a list or from `op`/`operators`, and how the parameter carries them.
    mutating func filterOperators(
        _ parameter: String, spec: MappingObject?, value: MappingNode, field: ValueField
    ) -> ([Filter.Operator], Filter.Syntax)? {
        let what = "filter '\(parameter)'"
        var syntax = Filter.Syntax.portico
        var node = value
        if let spec {
            switch (spec["op"], spec["operators"]) {
            case (let op?, nil): node = op
            case (nil, let list?): node = list
            default:
                diagnostics.error("\(what) needs either 'op' (one operator, fixed by the name) or 'operators'", at: spec.node.location)
                return nil
            }
            if let text = spec.optionalString("syntax", in: what, &diagnostics) {
                guard text == "portico" || text == "bracket", spec["op"] == nil else {
                    diagnostics.error(
                        spec["op"] != nil
                            ? "\(what): 'syntax' goes with 'operators'; 'op' fixes the operator by the name"
                            : "\(what): 'syntax' is portico (name=op:value) or bracket (name[op]=value)\(Suggestion.hint(for: text, among: ["portico", "bracket"]))",
                        at: spec["syntax"]!.location)
                    return nil
                }
                if text == "bracket" { syntax = .bracket }
            }
        }
        let list = node.scalar.map { [$0] } ?? node.list?.compactMap(\.scalar)
        guard let list, !list.isEmpty else {
            diagnostics.error(
                "\(what) must list its operators (\(Filter.Operator.allCases.map(\.rawValue).joined(separator: ", ")))", at: node.location)
            return nil
        }
        var operators: [Filter.Operator] = []
        for text in list {
            guard let op = Filter.Operator(rawValue: text) else {
                diagnostics.error(
                    "\(what) has unknown operator '\(text)'\(Suggestion.hint(for: text, among: Filter.Operator.allCases.map(\.rawValue)))",
                    at: node.location)
                continue
            }
            if let problem = Self.operatorProblem(op, field) {
                diagnostics.error("\(what) cannot use '\(text)': \(problem)", at: node.location)
                continue
            }
            operators.append(op)
        }
        guard !operators.isEmpty else { return nil }
        if spec?["op"] != nil {
            guard operators.count == 1 else {
                diagnostics.error("\(what): 'op' takes one operator; use 'operators' for several", at: node.location)
                return nil
            }
            syntax = .fixed(operators[0])
        }
        return (Array(Set(operators)).sorted(), syntax)
    }

    static func operatorProblem(_ op: Filter.Operator, _ field: ValueField) -> String? {
        if field.conversion == .json || field.type == .object || field.type == .array { return "JSON values cannot be filtered" }
        switch op {
        case .eq, .in:
            return field.type == .boolean && op == .in ? "a boolean takes eq only" : nil
        case .gt, .gte, .lt, .lte:
            return [.integer, .decimal, .number, .date, .datetime].contains(field.type)
                ? nil
                : "ranges need an integer, decimal, number, date or datetime field, not \(field.type.rawValue)"
        case .prefix:
            if field.type == .string, case .text(let transforms) = field.conversion, transforms.contains(.trim) {
                return "prefix needs an untrimmed string field"
            }
            return field.type == .string ? nil : "prefix needs an untrimmed string field"
        }
    }

    /// `sort:` — value fields, or the public id (which sorts by its key column).
    mutating func parseSort(_ top: MappingObject, fields: [Field], id: PublicID?) -> [String] {
        guard let items = top.stringList("sort", in: "resource '\(name)'", &diagnostics) else { return [] }
        let values = Dictionary(Self.valueFields(fields), uniquingKeysWith: { a, _ in a })
        var keys: [String] = []
        for (path, location) in items {
            if let id, path == id.member {
                if id.isComposite {
                    diagnostics.error("sort key '\(path)' joins several key columns; sort by one of its fields instead", at: location)
                } else {
                    keys.append(path)
                }
                continue
            }
            guard let field = values[path] else {
                diagnostics.error(
                    "sort key '\(path)' names no value field of '\(name)'\(Suggestion.hint(for: path, among: values.keys.sorted() + (id.map { [$0.member] } ?? [])))",
                    at: location)
                continue
            }
            if field.nullable {
                diagnostics.error("sort key '\(path)' is nullable; keyset pages need non-null sort keys", at: location)
                continue
            }
            if field.conversion == .json || field.type == .object || field.type == .array {
                diagnostics.error("sort key '\(path)' is JSON and cannot be sorted", at: location)
                continue
            }
            if field.derived != nil {
                diagnostics.error("sort key '\(path)' is computed from two columns; sort by a stored column", at: location)
                continue
            }
            keys.append(path)
        }
        return keys
    }
}

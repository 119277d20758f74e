/// Reads one mapping file into a ``Resource``, checking everything that can be checked inside
/// the file. References to other resources are checked afterwards by ``CatalogCompiler``.
struct ResourceParser {
    let name: String
    let file: String
    var diagnostics = DiagnosticCollector()
    /// Join names declared in `joins`, for fields, tenant and zones to refer to.
    var joins: [String: Join] = [:]
    /// The fields of to-one embeds filters may name (`customer.name`), once the targets are
    /// parsed: nil on the first pass, which only notes that a filter names one (``deferredFilters``).
    var embedded: (values: [String: ValueField], refused: [String: String])?
    /// Whether a filter names a field through an embed: the compiler parses the file again with ``embedded``.
    var deferredFilters = false
    /// The version's `time:`, for datetime fields that declare none.
    var time: TimeFormat = .standard

    static let topLevelKeys = [
        "description", "scope", "table", "key", "where", "tenant", "id", "joins", "fields", "filters", "sort", "page",
        "keyset", "sync", "endpoint", "deprecated", "sunset", "path", "envelope", "parent", "csv",
    ]

    init(name: String, file: String) {
        self.name = name
        self.file = file
    }

    mutating func parse(_ root: MappingNode) -> Resource? {
        let whole = "resource '\(name)'"
        guard let top = MappingObject(root, what: whole, allowed: Self.topLevelKeys, into: &diagnostics) else { return nil }
        let scope = top.requireString("scope", in: whole, &diagnostics)
        if let scope, !ASCIIPattern.isScope(scope), let at = top["scope"] {
            diagnostics.error("scope '\(scope)' must be lower-case letters, digits and . _ : -", at: at.location)
        }
        let table = identifier(top, "table", in: whole, required: true)
        let key = columns(top, "key", in: whole) ?? []
        if top["key"] == nil { diagnostics.error("\(whole) needs 'key' (its primary key columns)", at: root.location) }
        if let parsedJoins = top["joins"] { joins = parseJoins(parsedJoins) }
        let predicates = top["where"].map { parsePredicates($0) } ?? []
        let tenant = parseTenant(top, root: root)
        let isEndpoint = top.optionalBool("endpoint", in: whole, &diagnostics) ?? true
        let id = top["id"].flatMap { parseID($0, key: key) }
        if isEndpoint, top["id"] == nil {
            diagnostics.error("\(whole) needs 'id' (the public id: column, prefix, pad); or set 'endpoint: false'", at: root.location)
        }
        var fields: [Field] = []
        if let node = top["fields"] {
            fields = parseFields(node, in: whole)
        } else {
            diagnostics.error("\(whole) needs 'fields'", at: root.location)
        }
        if let member = id?.member, let clash = fields.first(where: { $0.name == member }) {
            diagnostics.error(
                "field '\(member)' is reserved: the public id from 'id' is always the first field, named '\(member)'", at: clash.location)
        }
        let filters = top["filters"].map { parseFilters($0, fields: fields) } ?? [:]
        let sortKeys = parseSort(top, fields: fields, id: id)
        let page = parsePage(top)
        let sync = identifier(top, "sync", in: whole, required: false)
        let keyset = parseKeyset(top, key: key, sync: sync, fields: fields)
        let deprecation = parseDeprecation(top, in: whole)
        let path = parsePath(top, isEndpoint: isEndpoint)
        let envelope = top["envelope"].flatMap { ListEnvelope.parse($0, into: &diagnostics) }
        let parent = top["parent"].flatMap { parseParent($0, isEndpoint: isEndpoint) }
        let csv = top["csv"].map { parseCSV($0, allowColumns: true) } ?? CSVSettings()
        guard !diagnostics.hasErrors, let scope, let table else { return nil }
        var resource = Resource(
            name: name, description: top.optionalString("description", in: whole, &diagnostics), scope: scope, table: table,
            key: key, predicates: predicates, tenant: tenant ?? .none, id: id, joins: joins, fields: fields, filters: filters,
            sortKeys: sortKeys, page: page, keyset: keyset, syncColumn: sync, isEndpoint: isEndpoint, deprecation: deprecation,
            location: root.location, keyLocations: Dictionary(top.pairs.map { ($0.key, $0.keyLocation) }, uniquingKeysWith: { a, _ in a }),
            path: path, envelope: envelope, parent: parent
        )
        resource.csv = csv
        return resource
    }

    // MARK: - Names

    static func isIdentifier(_ text: String) -> Bool {
        text.utf8.count <= 64 && ASCIIPattern.isIdentifier(text)
    }

    static func isFieldName(_ text: String) -> Bool {
        text.utf8.count <= 64 && ASCIIPattern.isLowerName(text)
    }

    /// A table or column name: letters, digits and `_` only, so it can be quoted safely.
    mutating func identifier(_ object: MappingObject, _ key: String, in what: String, required: Bool) -> String? {
        let text = required ? object.requireString(key, in: what, &diagnostics) : object.optionalString(key, in: what, &diagnostics)
        guard let text else { return nil }
        guard Self.isIdentifier(text) else {
            diagnostics.error(
                "'\(text)' is not a valid \(key == "table" ? "table" : "column") name (letters, digits and _; at most 64)", at: object[key]!.location)
            return nil
        }
        return text
    }

    mutating func columns(_ object: MappingObject, _ key: String, in what: String) -> [String]? {
        guard let items = object.stringList(key, in: what, &diagnostics) else { return nil }
        var result: [String] = []
        for (text, location) in items {
            if Self.isIdentifier(text) {
                result.append(text)
            } else {
                diagnostics.error("'\(text)' is not a valid column name (letters, digits and _; at most 64)", at: location)
            }
        }
        return result
    }

    // MARK: - Source, joins, tenant, id

    mutating func parseJoins(_ node: MappingNode) -> [String: Join] {
        guard let object = MappingObject(node, what: "'joins'", allowed: [], into: &diagnostics) else { return [:] }
        var result: [String: Join] = [:]
        for (joinName, keyLocation, value) in object.pairs {
            guard Self.isFieldName(joinName) else {
                diagnostics.error("join name '\(joinName)' must be lower-case letters, digits and _", at: keyLocation)
                continue
            }
            let what = "join '\(joinName)'"
            guard let spec = MappingObject(value, what: what, allowed: ["table", "on"], into: &diagnostics) else { continue }
            let table = identifier(spec, "table", in: what, required: true)
            let on = spec["on"].map { parsePairs($0, in: what) }
            if spec["on"] == nil { diagnostics.error("\(what) needs 'on' (this table's column: the joined table's column)", at: value.location) }
            if let table, let on, !on.isEmpty { result[joinName] = Join(table: table, on: on) }
        }
        return result
    }

    mutating func parsePairs(_ node: MappingNode, in what: String) -> [ColumnPair] {
        guard let object = MappingObject(node, what: "'on' of \(what)", allowed: [], into: &diagnostics) else { return [] }
        var pairs: [ColumnPair] = []
        for (local, keyLocation, value) in object.pairs {
            guard Self.isIdentifier(local) else {
                diagnostics.error("'\(local)' is not a valid column name (letters, digits and _; at most 64)", at: keyLocation)
                continue
            }
            guard let remote = value.scalar, Self.isIdentifier(remote) else {
                diagnostics.error(
                    "'on' of \(what) maps '\(local)' to \(value.scalar.map { "'\($0)', which is not a valid column name" } ?? value.kindName)",
                    at: value.location)
                continue
            }
            pairs.append(ColumnPair(local: local, remote: remote))
        }
        if pairs.isEmpty, object.pairs.isEmpty { diagnostics.error("'on' of \(what) must pair at least one column", at: node.location) }
        return pairs
    }

    mutating func parsePredicates(_ node: MappingNode) -> [StaticPredicate] {
        guard let items = node.list else {
            diagnostics.error("'where' must be a list of conditions, not \(node.kindName)", at: node.location)
            return []
        }
        var result: [StaticPredicate] = []
        let operators = StaticPredicate.Operator.allCases.map(\.rawValue)
        for item in items {
            guard let object = MappingObject(item, what: "a 'where' condition", allowed: ["column"] + operators, into: &diagnostics) else { continue }
            guard let column = identifier(object, "column", in: "a 'where' condition", required: true) else { continue }
            let used = operators.filter { object[$0] != nil }
            guard used.count == 1, let op = StaticPredicate.Operator(rawValue: used[0]), let valueNode = object[used[0]] else {
                diagnostics.error("a 'where' condition needs exactly one of \(operators.joined(separator: ", "))", at: item.location)
                continue
            }
            var values: [String] = []
            switch op {
            case .in, .not_in:
                guard let list = valueNode.list, !list.isEmpty, list.allSatisfy({ $0.scalar != nil }) else {
                    diagnostics.error("'\(op.rawValue)' takes a non-empty list of values", at: valueNode.location)
                    continue
                }
                values = list.compactMap(\.scalar)
            case .is_null:
                guard let flag = valueNode.scalar, flag == "true" || flag == "false" else {
                    diagnostics.error("'is_null' takes true or false", at: valueNode.location)
                    continue
                }
                values = [flag]
            case .eq, .ne:
                guard let value = valueNode.scalar else {
                    diagnostics.error("'\(op.rawValue)' takes one value, not \(valueNode.kindName)", at: valueNode.location)
                    continue
                }
                values = [value]
            }
            result.append(StaticPredicate(column: column, op: op, values: values))
        }
        return result
    }

    mutating func parseTenant(_ top: MappingObject, root: MappingNode) -> TenantRule? {
        guard let node = top["tenant"] else {
            diagnostics.error(
                "resource '\(name)' needs 'tenant': the column naming the account a row belongs to, or 'none' for shared reference data",
                at: root.location)
            return nil
        }
        if node.scalar == "none" { return TenantRule.none }
        guard let object = MappingObject(node, what: "'tenant'", allowed: ["column", "join"], into: &diagnostics) else { return nil }
        guard let column = identifier(object, "column", in: "'tenant'", required: true) else { return nil }
        guard let joinName = object.optionalString("join", in: "'tenant'", &diagnostics) else { return .column(column) }
        guard joins[joinName] != nil else {
            diagnostics.error(
                "'tenant' uses join '\(joinName)', which 'joins' does not declare\(Suggestion.hint(for: joinName, among: joins.keys))",
                at: object["join"]!.location)
            return nil
        }
        return .joined(join: joinName, column: column)
    }

    mutating func parseID(_ node: MappingNode, key: [String]) -> PublicID? {
        guard
            let object = MappingObject(
                node, what: "'id'", allowed: ["column", "columns", "separator", "prefix", "pad", "encoding", "type", "name"], into: &diagnostics)
        else { return nil }
        // One key column, or (`columns:`) every column of a composite key, joined by a separator.
        let idColumns: [String]
        if object["columns"] != nil {
            if object["column"] != nil {
                diagnostics.error("'id' takes 'column' (one key column) or 'columns' (a composite key), not both", at: object.keyLocation("columns")!)
                return nil
            }
            guard let listed = columns(object, "columns", in: "'id'"), !listed.isEmpty else { return nil }
            idColumns = listed
            if !key.isEmpty, key != listed {
                diagnostics.error(
                    "'id' columns must be the key's columns in order (key is \(key.joined(separator: ", ")))", at: object["columns"]!.location)
            }
        } else {
            guard let column = identifier(object, "column", in: "'id'", required: true) else { return nil }
            idColumns = [column]
            if !key.isEmpty, key != [column] {
                let hint = key.count > 1 ? "; a composite key's id names them all: columns: [\(key.joined(separator: ", "))]" : ""
                diagnostics.error(
                    "'id' column '\(column)' must be the single key column (key is \(key.joined(separator: ", ")))\(hint)",
                    at: object["column"]!.location)
            }
        }
        let composite = idColumns.count > 1
        let prefix = object.optionalString("prefix", in: "'id'", &diagnostics) ?? ""
        if !ASCIIPattern.isPrefix(prefix) {
            diagnostics.error("'id' prefix '\(prefix)' may hold only letters, digits, - and _ (it appears in URLs)", at: object["prefix"]!.location)
        }
        let pad = object.optionalInt("pad", in: "'id'", range: 0...20, &diagnostics) ?? 0
        var encoding = PublicID.Encoding.decimal
        if let text = object.optionalString("encoding", in: "'id'", &diagnostics) {
            guard let parsed = PublicID.Encoding(rawValue: text) else {
                diagnostics.error(
                    "'id' encoding '\(text)' is decimal, base36 or text\(Suggestion.hint(for: text, among: PublicID.Encoding.allCases.map(\.rawValue)))",
                    at: object["encoding"]!.location)
                return nil
            }
            encoding = parsed
        }
        var isInteger = false
        if let type = object.optionalString("type", in: "'id'", &diagnostics) {
            switch type {
            case "string": isInteger = false
            case "integer": isInteger = true
            default:
                diagnostics.error(
                    "'id' type '\(type)' is string (the default) or integer\(Suggestion.hint(for: type, among: ["string", "integer"]))",
                    at: object["type"]!.location)
                return nil
            }
        }
        if isInteger, let extra = ["prefix", "pad", "encoding", "columns", "separator"].first(where: { object[$0] != nil }) {
            diagnostics.error(
                "an integer 'id' is the key's number as it is, so it takes no '\(extra)'; use type: string for a prefixed, padded, base36, text or composite id",
                at: object.keyLocation(extra)!)
            return nil
        }
        if encoding == .text, let extra = composite ? "columns" : object["pad"] != nil ? "pad" : nil {
            diagnostics.error(
                "a text 'id' is one key column's own text (a natural key), so it takes no '\(extra)'", at: object.keyLocation(extra)!)
            return nil
        }
        if composite, object["pad"] != nil {
            diagnostics.error("a composite 'id' writes each part's digits as they are, so it takes no 'pad'", at: object.keyLocation("pad")!)
            return nil
        }
        var separator = ""
        if composite {
            guard let text = object.optionalString("separator", in: "'id'", &diagnostics) else {
                diagnostics.error(
                    "a composite 'id' needs a 'separator' between its parts (for example '-L' in WO-10-L2)", at: object.keyLocation("columns")!)
                return nil
            }
            // Reversible: the separator starts with a character no part's digits can hold.
            let digits = encoding == .base36 ? "0123456789abcdefghijklmnopqrstuvwxyz" : "0123456789"
            guard !text.isEmpty, ASCIIPattern.isPrefix(text), let first = text.first, !digits.contains(first) else {
                diagnostics.error(
                    "'id' separator '\(text)' must be letters, digits, - or _, starting with a character that is not a \(encoding.rawValue) digit, so the parts can be told apart",
                    at: object["separator"]!.location)
                return nil
            }
            separator = text
        } else if object["separator"] != nil {
            diagnostics.error(
                "'separator' joins the parts of a composite 'id' (columns: [...]); one column has none", at: object.keyLocation("separator")!)
            return nil
        }
        let member = object.optionalString("name", in: "'id'", &diagnostics) ?? "id"
        guard Self.isFieldName(member) else {
            diagnostics.error("'id' name '\(member)' must be lower-case letters, digits and _, starting with a letter", at: object["name"]!.location)
            return nil
        }
        return PublicID(
            columns: idColumns, separator: separator, prefix: prefix, padding: pad, encoding: encoding, isInteger: isInteger, member: member)
    }

    // MARK: - Paging, order, deprecation, path

    /// `parent: {resource: customers, on: {cust_id: cust_id}}`: this table's column → the parent's key column.
    mutating func parseParent(_ node: MappingNode, isEndpoint: Bool) -> ParentLink? {
        guard let object = MappingObject(node, what: "'parent'", allowed: ["resource", "on"], into: &diagnostics) else { return nil }
        guard isEndpoint else {
            diagnostics.error("'parent' is for served resources; this one has 'endpoint: false'", at: node.location)
            return nil
        }
        let resource = object.requireString("resource", in: "'parent'", &diagnostics)
        guard let onNode = object["on"] else {
            diagnostics.error("'parent' needs 'on': this table's column and the parent's key column, such as {cust_id: cust_id}", at: node.location)
            return nil
        }
        let pairs = parsePairs(onNode, in: "'parent'")
        guard let resource, !pairs.isEmpty else { return nil }
        guard pairs.count == 1 else {
            diagnostics.error("'on' of 'parent' pairs one column with the parent's key (its public id's column)", at: onNode.location)
            return nil
        }
        return ParentLink(resource: resource, column: pairs[0].local, parentColumn: pairs[0].remote)
    }

    /// The path segment (`path:`); its uniqueness in the version is checked by ``CatalogCompiler``.
    mutating func parsePath(_ top: MappingObject, isEndpoint: Bool) -> String? {
        guard let text = top.optionalString("path", in: "resource '\(name)'", &diagnostics), let at = top["path"]?.location else { return nil }
        guard isEndpoint else {
            diagnostics.error("'path' is for served resources; this one has 'endpoint: false'", at: at)
            return nil
        }
        guard ASCIIPattern.isPathSegment(text) else {
            diagnostics.error(
                "'path' '\(text)' must be one path segment of letters, digits and - . _ ~ ! $ & ' ( ) * + , ; = : @ (no /, no . or ..)", at: at)
            return nil
        }
        if CatalogCompiler.reservedSegments.contains(text) {
            diagnostics.error("'path' '\(text)' is reserved (/api/<version>/\(text) is Portico's own)", at: at)
            return nil
        }
        return text
    }

    mutating func parsePage(_ top: MappingObject) -> PageSize {
        guard let node = top["page"] else { return PageSize(defaultLimit: 50, maxLimit: 200) }
        guard let object = MappingObject(node, what: "'page'", allowed: ["default", "max", "order", "cursor"], into: &diagnostics) else {
            return PageSize(defaultLimit: 50, maxLimit: 200)
        }
        let maximum = object.optionalInt("max", in: "'page'", range: 1...1000, &diagnostics) ?? 200
        let initial = object.optionalInt("default", in: "'page'", range: 1...1000, &diagnostics) ?? min(50, maximum)
        if initial > maximum {
            diagnostics.error("'page' default \(initial) is larger than max \(maximum)", at: object["default"]!.location)
        }
        var descending = false
        if let order = object.optionalString("order", in: "'page'", &diagnostics) {
            if order == "desc" || order == "asc" {
                descending = order == "desc"
            } else {
                diagnostics.error(
                    "'page' order '\(order)' is asc or desc (the keyset's direction when no sort is asked for)\(Suggestion.hint(for: order, among: ["asc", "desc"]))",
                    at: object["order"]!.location)
            }
        }
        var cursor = PageSize.CursorForm.opaque
        if let form = object.optionalString("cursor", in: "'page'", &diagnostics) {
            if let parsed = PageSize.CursorForm(rawValue: form) {
                cursor = parsed
            } else {
                diagnostics.error(
                    "'page' cursor '\(form)' is opaque (Portico's signed cursor) or object_id (starting_after / ending_before)"
                        + Suggestion.hint(for: form, among: ["opaque", "object_id"]),
                    at: object["cursor"]!.location)
            }
        }
        if cursor == .objectID, top["id"] == nil {
            diagnostics.error("'page' cursor object_id needs the resource's public 'id'", at: object["cursor"]!.location)
        }
        return PageSize(defaultLimit: initial, maxLimit: maximum, descending: descending, cursor: cursor)
    }

    mutating func parseKeyset(_ top: MappingObject, key: [String], sync: String?, fields: [Field]) -> [String] {
        let mapped = Set(Self.valueFields(fields).compactMap { $0.1.join == nil ? $0.1.column : nil })
        guard let keyset = columns(top, "keyset", in: "resource '\(name)'") else {
            if let sync, let at = top["sync"] {
                diagnostics.error("'sync' needs a 'keyset' that starts with '\(sync)' and ends with the key", at: at.location)
            }
            return key
        }
        let at = top["keyset"]!.location
        if !key.isEmpty, Array(keyset.suffix(key.count)) != key {
            diagnostics.error("'keyset' must end with the key (\(key.joined(separator: ", "))) so that it orders rows uniquely", at: at)
        }
        for column in keyset where !key.contains(column) && !mapped.contains(column) {
            diagnostics.error(
                "keyset column '\(column)' is neither a key column nor mapped by a field\(Suggestion.hint(for: column, among: mapped))", at: at)
        }
        if let sync, keyset.first != sync, let syncAt = top["sync"] {
            diagnostics.error(
                "'sync' column '\(sync)' must be the first keyset column, so incremental sync walks in keyset order", at: syncAt.location)
        }
        return keyset
    }

    mutating func parseDeprecation(_ object: MappingObject, in what: String) -> Deprecation? {
        let deprecated = object.optionalBool("deprecated", in: what, &diagnostics) ?? false
        let sunset = object.optionalString("sunset", in: what, &diagnostics)
        if let sunset, sunset.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) == nil {
            diagnostics.error("'sunset' must be a date as YYYY-MM-DD", at: object["sunset"]!.location)
        }
        if sunset != nil, !deprecated {
            diagnostics.error("'sunset' needs 'deprecated: true'", at: object["sunset"]!.location)
        }
        return deprecated ? Deprecation(sunset: sunset, note: nil) : nil
    }

    /// Every value field with its dotted path, objects flattened.
    static func valueFields(_ fields: [Field], prefix: String = "") -> [(String, ValueField)] {
        fields.flatMap { field -> [(String, ValueField)] in
            switch field.kind {
            case .value(let value): [(prefix + field.name, value)]
            case .object(let children): valueFields(children, prefix: prefix + field.name + ".")
            case .embed, .constant: []
            }
        }
    }
}

/// Compares a compiled catalog with the live product schema: what `portico check --database`
/// reports when the product's schema drifted under a mapping.
///
/// Errors: a missing table or column, a type the conversion cannot read, a nullable column (or
/// one holding zero dates) behind a non-null field. Warnings: a keyset no index supports, a
/// local `DATETIME` read without a zone.
public enum SchemaCheck {
    public static func check(_ catalog: Catalog, against schema: ProductSchema) -> [Diagnostic] {
        var diagnostics = DiagnosticCollector()
        for name in catalog.resourceNames {
            var checker = ResourceCheck(resource: catalog.resources[name]!, catalog: catalog, schema: schema)
            checker.run()
            diagnostics.append(contentsOf: checker.diagnostics.diagnostics)
        }
        return diagnostics.diagnostics.sorted()
    }
}

private struct ResourceCheck {
    let resource: Resource
    let catalog: Catalog
    let schema: ProductSchema
    var diagnostics = DiagnosticCollector()

    mutating func run() {
        guard let table = table(resource.table, at: resource.location(of: "table")) else { return }
        for column in resource.key { _ = self.column(column, in: table, at: resource.location(of: "key")) }
        for predicate in resource.predicates { _ = column(predicate.column, in: table, at: resource.location(of: "where")) }
        var joined: [String: ProductSchema.Table] = [:]
        for (name, join) in resource.joins.sorted(by: { $0.key < $1.key }) {
            let at = resource.location(of: "joins")
            guard let target = self.table(join.table, at: at) else { continue }
            joined[name] = target
            for pair in join.on {
                _ = column(pair.local, in: table, at: at)
                _ = column(pair.remote, in: target, at: at)
            }
        }
        switch resource.tenant {
        case .none: break
        case .column(let name): _ = column(name, in: table, at: resource.location(of: "tenant"))
        case .joined(let join, let name):
            if let target = joined[join] { _ = column(name, in: target, at: resource.location(of: "tenant")) }
        }
        if let id = resource.id {
            for name in id.columns {
                guard let idColumn = column(name, in: table, at: resource.location(of: "id")) else { continue }
                if id.encoding == .text, !idColumn.isText {
                    error(
                        "id column '\(name)' is \(idColumn.columnType); a text id (a natural key) needs a CHAR or VARCHAR key",
                        at: resource.location(of: "id"))
                } else if id.encoding != .text, !idColumn.isInteger {
                    error(
                        "id column '\(name)' is \(idColumn.columnType); \(id.encoding.rawValue) ids need an integer key (encoding: text shows a text key as it is)",
                        at: resource.location(of: "id"))
                }
            }
        }
        checkFields(resource.fields, table: table, joined: joined)
        // A CSV profile's own value columns read the row like fields: the same checks.
        for profile in resource.csv.profiles { checkFields(profile.valueFields, table: table, joined: joined) }
        checkKeyset(table)
    }

    // MARK: - Lookups

    mutating func table(_ name: String, at location: Location) -> ProductSchema.Table? {
        guard let table = schema.table(name) else {
            error("table '\(name)' does not exist in schema '\(schema.name)'\(Suggestion.hint(for: name, among: schema.tables.keys))", at: location)
            return nil
        }
        return table
    }

    mutating func column(_ name: String, in table: ProductSchema.Table, at location: Location) -> ProductSchema.Column? {
        guard let column = table.column(name) else {
            error(
                "column '\(name)' does not exist in table '\(table.name)'\(Suggestion.hint(for: name, among: table.columns.map(\.name)))",
                at: location)
            return nil
        }
        return column
    }

    mutating func error(_ message: String, at location: Location) { diagnostics.error(message, at: location) }

    // MARK: - Fields

    mutating func checkFields(_ fields: [Field], table: ProductSchema.Table, joined: [String: ProductSchema.Table]) {
        for field in fields {
            switch field.kind {
            case .object(let children):
                checkFields(children, table: table, joined: joined)
                if case .column(let join, let name)? = field.nullWhen, join == nil || joined[join!] != nil {
                    _ = column(name, in: join.flatMap { joined[$0] } ?? table, at: field.location)
                }
            case .value(let value):
                let source = value.join.flatMap { joined[$0] } ?? table
                if value.join != nil, joined[value.join!] == nil { continue }
                guard let column = column(value.column, in: source, at: field.location) else { continue }
                if let derived = value.derived {
                    guard let other = self.column(derived.other, in: source, at: field.location) else { continue }
                    checkDerived(field, value, [column, other])
                    continue
                }
                checkType(field, value, column)
                if case .zone(.column(let join, let zoneColumn)) = value.conversion {
                    let zoneTable = join.flatMap { joined[$0] } ?? table
                    if let zone = self.column(zoneColumn, in: zoneTable, at: field.location), !zone.isText {
                        error(
                            "zone column '\(zoneColumn)' of field '\(field.name)' is \(zone.columnType); it must hold zone names as text",
                            at: field.location)
                    }
                }
            case .embed(let embed):
                guard let target = catalog.resources[embed.target], let targetTable = schema.table(target.table) else { continue }
                for pair in embed.on {
                    _ = column(pair.local, in: table, at: field.location)
                    _ = column(pair.remote, in: targetTable, at: field.location)
                }
                for order in embed.order {
                    _ = column(order.hasPrefix("-") ? String(order.dropFirst()) : order, in: targetTable, at: field.location)
                }
            case .constant: break
            }
        }
    }

    mutating func checkType(_ field: Field, _ value: ValueField, _ column: ProductSchema.Column) {
        let at = field.location
        func mismatch(_ needs: String) {
            error(
                "field '\(field.name)' (\(value.type.rawValue)\(conversionName(value.conversion))\(timeName(value))) cannot read column '\(column.name)' of type \(column.columnType); it needs \(needs)",
                at: at)
        }
        switch value.conversion {
        case .cents:
            if !column.isInteger { mismatch("an integer column of minor units") }
        case .boolean(let trueValues):
            if trueValues.isEmpty, !(column.isInteger || column.dataType == "bit") {
                mismatch("an integer or BIT column (or 'true_values' for text)")
            }
            if !trueValues.isEmpty, !column.isText { mismatch("a text or ENUM column") }
        case .codes:
            if !(column.isInteger || column.isText) { mismatch("an integer or text column of codes") }
        case .zone:
            if column.dataType == "timestamp" {
                error(
                    "field '\(field.name)' declares a zone, but '\(column.name)' is a TIMESTAMP, which is read in UTC already; remove 'zone'", at: at)
            } else if column.dataType != "datetime", column.dataType != "date" {
                mismatch("a DATETIME column, or a DATE (read as its local midnight)")
            }
        case .text:
            if !column.isText { mismatch("a text column") }
        case .pairs:
            if !column.isText { mismatch("a text column of key-value pairs") }
        case .decimalForm:
            if !(column.dataType == "decimal" || column.isInteger || ["float", "double"].contains(column.dataType)) { mismatch("a numeric column") }
        case .json:
            if !column.isText { mismatch("a text or JSON column") }
        case .publicID:
            if !column.isInteger { mismatch("an integer key column") }
        case .none:
            switch value.type {
            case .integer:
                if let scale = column.decimalScale {
                    if scale > 0, !value.nullable {
                        error(
                            "field '\(field.name)' (integer) reads DECIMAL '\(column.name)' (\(column.columnType)), whose values with a fraction render as null: declare 'nullable: true', or type decimal",
                            at: at)
                    }
                } else if !(column.isInteger || column.dataType == "bit") {
                    mismatch("an integer column, or a DECIMAL whose values are whole")
                }
            case .decimal: if !(column.dataType == "decimal" || column.isInteger) { mismatch("a DECIMAL or integer column") }
            case .number: if !(["float", "double", "decimal"].contains(column.dataType) || column.isInteger) { mismatch("a numeric column") }
            case .date: if !column.isTemporal { mismatch("a DATE, DATETIME or TIMESTAMP column") }
            case .datetime:
                if column.dataType == "datetime" {
                    diagnostics.warning(
                        "field '\(field.name)' reads DATETIME '\(column.name)' as UTC; if it holds local time, declare 'zone'", at: at)
                } else if column.dataType == "date" {
                    mismatch("a DATETIME or TIMESTAMP column, or 'zone' to read a DATE as its local midnight")
                } else if column.dataType != "timestamp" {
                    mismatch("a DATETIME or TIMESTAMP column")
                }
            case .string, .enum, .boolean, .object, .array: break
            }
        }
        if !value.nullable, value.join == nil {
            if column.isNullable {
                error("column '\(column.name)' is nullable but field '\(field.name)' is not: declare 'nullable: true'", at: at)
            } else if column.isTemporal, column.defaultsToZeroDate {
                error(
                    "column '\(column.name)' defaults to the zero date, which is rendered as null: declare 'nullable: true' on field '\(field.name)'",
                    at: at)
            }
        }
    }

    func conversionName(_ conversion: Conversion) -> String {
        switch conversion {
        case .none: ""
        case .cents: " with scale"
        case .boolean(let trueValues): trueValues.isEmpty ? "" : " with true_values"
        case .codes: " with codes"
        case .zone: " with zone"
        case .text(let transforms): " with transform [\(transforms.map(\.rawValue).joined(separator: ", "))]"
        case .pairs: " with pairs"
        case .decimalForm: " with fraction_digits/trailing_zeros"
        case .json: " with json"
        case .publicID: " with id_of"
        }
    }

    /// Both columns of a sum or difference are numeric; a NULL in either makes the value null.
    mutating func checkDerived(_ field: Field, _ value: ValueField, _ columns: [ProductSchema.Column]) {
        let operation = value.derived!.operation.rawValue
        for column in columns where !(column.isInteger || ["decimal", "float", "double"].contains(column.dataType)) {
            error(
                "field '\(field.name)' (\(value.type.rawValue), the \(operation) of \(columns.map(\.name).joined(separator: " and "))) cannot read column '\(column.name)' of type \(column.columnType); it needs a numeric column",
                at: field.location)
        }
        if case .cents = value.conversion, let column = columns.first(where: { !$0.isInteger }) {
            error("field '\(field.name)' has 'scale' (integer minor units), but '\(column.name)' is \(column.columnType)", at: field.location)
        }
        if !value.nullable, let column = columns.first(where: \.isNullable) {
            error(
                "column '\(column.name)' is nullable, so the \(operation) of field '\(field.name)' can be null: declare 'nullable: true'",
                at: field.location)
        }
    }

    /// The declared time form, when it is not the default.
    func timeName(_ value: ValueField) -> String {
        guard value.type == .datetime, value.time != .standard else { return "" }
        switch value.time {
        case .epochSeconds: return ", as epoch_seconds"
        case .epochMilliseconds: return ", as epoch_milliseconds"
        case .rfc3339(let fraction, let zulu):
            return ", as RFC 3339" + (fraction.map { " with \($0) fraction digits" } ?? "") + (zulu ? "" : " and +00:00")
        }
    }

    // MARK: - Keyset

    /// A keyset is supported when some index starts with it, or with the tenant column and then
    /// it. InnoDB secondary indexes end with the primary key, so that suffix counts too.
    mutating func checkKeyset(_ table: ProductSchema.Table) {
        for name in resource.keyset {
            if let column = self.column(name, in: table, at: resource.location(of: "keyset")), column.isNullable {
                error(
                    "keyset column '\(name)' is nullable; cursors compare keyset values, so they must be NOT NULL",
                    at: resource.location(of: "keyset"))
            }
        }
        if let sync = resource.syncColumn { _ = column(sync, in: table, at: resource.location(of: "sync")) }
        let keyset = resource.keyset.map { $0.lowercased() }
        var tenantPrefix: [String] = []
        if case .column(let tenant) = resource.tenant { tenantPrefix = [tenant.lowercased()] }
        let primary = table.primaryKey.map { $0.lowercased() }
        let supported = table.indexes.contains { name, columns in
            var full = columns.map { $0.lowercased() }
            if name != "PRIMARY" { full += primary.filter { !full.contains($0) } }
            return full.starts(with: keyset) || full.starts(with: tenantPrefix + keyset)
        }
        if !supported {
            let suggestion = (tenantPrefix + resource.keyset).joined(separator: ", ")
            diagnostics.warning(
                "no index of '\(table.name)' supports keyset (\(resource.keyset.joined(separator: ", "))); pages will sort every matching row. Add an index on (\(suggestion))",
                at: resource.location(of: "keyset"))
        }
    }
}

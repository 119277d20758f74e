import Foundation

/// Writes a starting mapping for a product table: every column typed, names made
/// partner-friendly, key and likely tenant column guessed, and a `decide:` comment wherever a
/// human must choose (zones of local times, code tables, public ids of references).
///
/// The output compiles as it is, so `portico check --database` can run on it at once.
public enum MappingScaffold {
    /// Column names that usually hold the owning account.
    static let tenantNames = ["acct_id", "account_id", "tenant_id", "merchant_id", "company_id", "org_id"]
    /// Abbreviations legacy schemas use, spelt out for partners.
    static let words = [
        "acct": "account", "cust": "customer", "prod": "product", "inv": "invoice", "descr": "description", "desc": "description",
        "qty": "quantity", "pct": "percent", "amt": "amount", "no": "number", "num": "number", "nr": "number", "tz": "time_zone",
        "addr": "address", "cnt": "count", "g": "grams", "kg": "kilograms", "dt": "date", "ts": "timestamp", "ship": "shipping",
    ]

    public static func render(table: ProductSchema.Table, schema: String, version: String) -> String {
        let resource = resourceName(table.name)
        var out = "# Scaffolded by `portico scaffold --table \(table.name) --version \(version)` from \(schema).\(table.name).\n"
        out += "# Read every line marked 'decide:' before publishing: partners will depend on these names and types.\n"
        out += "description: \(resource.replacingOccurrences(of: "_", with: " ").capitalizedFirst) # decide: say what this is, for partners\n"
        out += "scope: \(resource):read\n"
        out += "table: \(table.name)\n"
        let key = table.primaryKey
        let tenant = table.columns.first { tenantNames.contains($0.name.lowercased()) }
        out += "key: \(key.count == 1 ? key[0] : "[\(key.joined(separator: ", "))]")\n"
        if let tenant {
            out += "tenant: {column: \(tenant.name)} # decide: guessed from the name; is this the account that owns the row?\n"
        } else {
            out += "tenant: none # decide: no tenant column found. 'none' shows every row to every partner with the scope;\n"
            out += "             # for rows owned through another table, declare a join and tenant: {join: …, column: …}\n"
        }
        let singleIntegerKey = key.count == 1 && table.column(key[0])?.isInteger == true
        if singleIntegerKey {
            let prefix = String(resource.filter(\.isLetter).prefix(3)).uppercased()
            out += "id: {column: \(key[0]), prefix: \(prefix)-, pad: 8} # decide: the public id's prefix and padding\n"
        } else {
            out += "endpoint: false # the key is not a single integer, so this resource has no public id; embed it in another\n"
        }
        out += "fields:\n"
        var used: Set<String> = ["id"]
        for column in table.columns {
            if singleIntegerKey && column.name == key[0] { continue }
            if column.name == tenant?.name { continue }
            var name = fieldName(column.name)
            if column.isTemporal, name.hasSuffix("ed"), !name.contains("_") {
                name += column.dataType == "date" ? "_on" : "_at"  // placed → placed_at, issued → issued_on
            }
            while used.contains(name) { name += "_value" }
            used.insert(name)
            out += field(name, column, keyColumns: key)
        }
        if singleIntegerKey, let sync = syncColumn(table) {
            out += "keyset: [\(sync.name), \(key[0])]\n"
            out += "sync: \(sync.name)\n"
        }
        out += "# filters: {field: [eq, in, gt, gte, lt, lte, prefix]}   decide: what partners may filter on\n"
        out += "# sort: [field, …]                                       decide: what partners may sort by\n"
        return out
    }

    public static func resourceName(_ table: String) -> String {
        var name = snake(table)
        if name.first?.isLetter != true { name = "r_" + name }
        return name
    }

    /// `cust_id` → `customer_id`, `unit_price_cents` → `unit_price`, `CreatedAt` → `created_at`.
    static func fieldName(_ column: String) -> String {
        var parts = snake(column).split(separator: "_").map(String.init)
        if parts.count > 1, ["cents", "cd", "flag", "yn"].contains(parts.last!) { parts.removeLast() }
        if parts.count > 1, parts.first == "is" { parts.removeFirst() }
        if parts == ["created"] || parts == ["modified"] || parts == ["updated"] {
            return parts[0] == "created" ? "created_at" : "updated_at"
        }
        let name = parts.map { words[$0] ?? $0 }.joined(separator: "_")
        return name.first?.isLetter == true ? name : "f_" + name
    }

    private static func snake(_ text: String) -> String {
        var out = ""
        for (index, ch) in text.enumerated() {
            if ch.isUppercase, index > 0, !out.hasSuffix("_") { out += "_" }
            out += ch.isLetter || ch.isNumber ? String(ch).lowercased() : "_"
        }
        while out.contains("__") { out = out.replacingOccurrences(of: "__", with: "_") }
        return out.trimmingCharacters(in: CharacterSet(charactersIn: "_"))
    }

    private static func syncColumn(_ table: ProductSchema.Table) -> ProductSchema.Column? {
        table.columns.first {
            $0.dataType == "timestamp" && !$0.isNullable
                && ["updated", "modified", "updated_at", "modified_at", "last_modified"].contains($0.name.lowercased())
        }
    }

    private static func field(_ name: String, _ column: ProductSchema.Column, keyColumns: [String]) -> String {
        let nullable = column.isNullable || (column.isTemporal && column.defaultsToZeroDate)
        var spec = "column: \(column.name)"
        var note: String?
        let lower = column.name.lowercased()
        switch column.dataType {
        case "tinyint" where column.columnType.hasPrefix("tinyint(1)") || lower.hasPrefix("is_") || lower.hasPrefix("has_"):
            spec += ", type: boolean"
        case "bit" where column.columnType == "bit(1)":
            spec += ", type: boolean"
        case _ where column.isInteger && lower.hasSuffix("_cents"):
            spec += ", type: decimal, scale: 2"
            note = "decide: cents shown as a decimal string; or type: integer for minor units"
        case _ where column.isInteger && (lower.hasSuffix("_cd") || lower.hasSuffix("_code") || lower.contains("status")):
            spec += ", type: integer"
            note = "decide: a code table? type: enum, codes: {0: …}, unknown: …"
        case _ where column.isInteger || column.dataType == "bit":
            spec += ", type: integer"
            if lower.hasSuffix("_id") && !keyColumns.contains(column.name) {
                note = "decide: a reference? id_of: <resource> shows that resource's public id"
            }
        case "decimal": spec += ", type: decimal"
        case "float", "double": spec += ", type: number"
        case "date": spec += ", type: date"
        case "datetime":
            spec += ", type: datetime"
            note = "decide: DATETIME holds local time? add zone: Europe/Berlin (or {column: …})"
        case "timestamp": spec += ", type: datetime"
        case "enum":
            let values = enumValues(column.columnType)
            if Set(values.map { $0.uppercased() }) == ["Y", "N"] {
                spec += ", type: boolean, true_values: [\"\(values.first { $0.uppercased() == "Y" }!)\"]"
            } else {
                spec += ", type: enum, values: [\(values.map { "\"\(yamlEscape($0))\"" }.joined(separator: ", "))]"
            }
        case "json":
            spec += ", type: object, json: true"
        case "char":
            spec += ", type: string, trim: true"
        case "varchar", "tinytext", "text", "mediumtext", "longtext", "set":
            spec += ", type: string"
            if ["attrs", "attributes", "meta", "metadata", "json", "data", "extra"].contains(where: { lower.contains($0) }) {
                note = "decide: JSON kept in text? type: object, json: true"
            }
        default:
            return "  # \(name): not mapped: column '\(column.name)' is \(column.columnType) (binary or spatial)\n"
        }
        if nullable { spec += ", nullable: true" }
        return "  \(name): {\(spec)}" + (note.map { " # \($0)" } ?? "") + "\n"
    }

    /// `enum('Y','N')` → `["Y", "N"]`.
    static func enumValues(_ columnType: String) -> [String] {
        guard let open = columnType.firstIndex(of: "("), let close = columnType.lastIndex(of: ")") else { return [] }
        var values: [String] = []
        var current = ""
        var inQuote = false
        let chars = Array(columnType[columnType.index(after: open)..<close])
        var i = 0
        while i < chars.count {
            let ch = chars[i]
            if ch == "'" {
                if inQuote, i + 1 < chars.count, chars[i + 1] == "'" {
                    current.append("'")
                    i += 2
                    continue
                }
                inQuote.toggle()
                if !inQuote {
                    values.append(current)
                    current = ""
                }
            } else if inQuote {
                current.append(ch)
            }
            i += 1
        }
        return values
    }

    private static func yamlEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}

extension String {
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

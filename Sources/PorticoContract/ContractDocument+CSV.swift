import PorticoCatalog

/// What the document says about CSV: the `profile` parameter of resources that declare CSV
/// profiles, and each profile's dialect and columns (`x-csv-profiles` on the `text/csv` media type).
extension ContractDocument {
    /// The `text/csv` media type; with the resource's profiles listed when it has any.
    static func csvContent(_ resource: Resource) -> JSONNode {
        var media: [String: JSONNode] = ["schema": .object(["type": .string("string")])]
        if !resource.csv.profiles.isEmpty { media["x-csv-profiles"] = .array(resource.csv.profiles.map(profileNode)) }
        return .object(media)
    }

    /// `profile`, for resources with CSV profiles.
    static func profileParameter(_ resource: Resource) -> JSONNode? {
        guard !resource.csv.profiles.isEmpty else { return nil }
        let names = [CSVProfile.standard.name] + resource.csv.profiles.map(\.name)
        let described = resource.csv.profiles.map { profile in
            "`\(profile.name)`" + (profile.description.map { ": \($0)" } ?? "")
        }
        return query(
            ParameterNames.standard.profile,
            "How CSV is written (with format=csv, or as `profile` in Accept: text/csv; left out for JSON): `default` is Portico's own; "
                + described.joined(separator: "; ")
                + ". Each profile's columns are listed under x-csv-profiles of text/csv; `fields` does not change them.",
            .object(["type": .string("string"), "enum": .array(names.map { .string($0) })]))
    }

    static func profileNode(_ profile: CSVProfile) -> JSONNode {
        var node: [String: JSONNode] = [
            "name": .string(profile.name), "delimiter": .string(profile.delimiterName), "quoting": .string(profile.quoting.rawValue),
            "line_ending": .string(profile.lineEnding.rawValue), "encoding": .string(profile.encoding.rawValue), "header": .bool(profile.header),
            "zone": .string(profile.zone.rawValue), "decimal_separator": .string(String(UnicodeScalar(profile.decimalSeparator))),
            "true": .string(profile.trueText), "false": .string(profile.falseText), "null": .string(profile.nullText),
            "formula_guard": .bool(profile.formulaGuard),
        ]
        if let description = profile.description { node["description"] = .string(description) }
        if let datetime = profile.datetime { node["datetime"] = .string(datetime.text) }
        if let date = profile.date { node["date"] = .string(date.text) }
        if let columns = profile.columns {
            node["columns"] = .array(
                columns.map { column in
                    var entry: [String: JSONNode] = ["header": .string(column.header)]
                    switch column.source {
                    case .field(let name): entry["field"] = .string(name)
                    case .value(let field):
                        if case .value(let value) = field.kind { entry["type"] = .string(value.type.rawValue) }
                    }
                    entry["formula_guard"] = .bool(column.formulaGuard ?? profile.formulaGuard)
                    return .object(entry)
                })
        }
        return .object(node)
    }
}

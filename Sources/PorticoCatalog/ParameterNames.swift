/// The names of Portico's own query parameters in one version, as its contract writes them
/// (`parameters:` in `_version.yaml`): `page_size` for `limit`, `expand[]` for `include`.
///
/// ```yaml
/// parameters: {limit: page_size, include: "expand[]", cursor: page_token}
/// ```
///
/// A name that ends with `[]` (for `fields` and `include`, which take lists) is given once per
/// value (`expand[]=customer&expand[]=lines`); the others take a comma-separated list once.
/// `format` keeps its name: it chooses the representation before any version is known.
public struct ParameterNames: Sendable, Hashable {
    public var limit = "limit"
    public var cursor = "cursor"
    public var fields = "fields"
    public var include = "include"
    public var sort = "sort"
    public var updatedSince = "updated_since"
    public var startingAfter = "starting_after"
    public var endingBefore = "ending_before"
    public let format = "format"
    /// Chooses a CSV profile; a parameter only of resources that declare profiles (`csv:`).
    public let profile = "profile"

    public init() {}

    public static let standard = ParameterNames()

    /// Every name, for collisions with filters.
    public var all: [String] { [limit, cursor, fields, include, sort, updatedSince, startingAfter, endingBefore, format] }

    /// Whether a list parameter is repeated once per value (`expand[]`).
    public func repeats(_ name: String) -> Bool { name.hasSuffix("[]") }

    static let keys = ["limit", "cursor", "fields", "include", "sort", "updated_since", "starting_after", "ending_before"]

    static func parse(_ node: MappingNode, into diagnostics: inout DiagnosticCollector) -> ParameterNames {
        var names = ParameterNames()
        guard let object = MappingObject(node, what: "'parameters'", allowed: keys, into: &diagnostics) else { return names }
        var taken: [String: String] = ["format": "format"]
        for (key, _, value) in object.pairs {
            guard let name = value.scalar, ResourceParser.isParameterName(name) else {
                diagnostics.error(
                    "'parameters' gives '\(key)' the name '\(value.scalar ?? value.kindName)'; a name is 1 to 64 letters, digits and _ - . [ ]",
                    at: value.location)
                continue
            }
            if name.hasSuffix("[]"), key != "fields", key != "include" {
                diagnostics.error("'\(name)' repeats once per value, which only the list parameters fields and include do", at: value.location)
                continue
            }
            if let other = taken[name] {
                diagnostics.error("'parameters' gives '\(key)' the name '\(name)', which '\(other)' has already", at: value.location)
                continue
            }
            taken[name] = key
            switch key {
            case "limit": names.limit = name
            case "cursor": names.cursor = name
            case "fields": names.fields = name
            case "include": names.include = name
            case "sort": names.sort = name
            case "updated_since": names.updatedSince = name
            case "starting_after": names.startingAfter = name
            default: names.endingBefore = name
            }
        }
        // Defaults keep their names unless renamed: a rename must not land on another default.
        for key in keys where object[key] == nil {
            let name = key
            if let other = taken[name], other != key {
                diagnostics.error(
                    "'parameters' gives '\(other)' the name '\(name)', which '\(key)' keeps; rename '\(key)' too", at: object[other]!.location)
            }
        }
        return names
    }
}

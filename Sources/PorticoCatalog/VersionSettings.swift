import Yams

/// A version's own settings, from `mappings/<version>/_version.yaml` (all optional):
///
/// ```yaml
/// title: Tradeflow partner API
/// description: Orders, customers and invoices of the merchants you are connected to.
/// published: true            # partners rely on it: `portico contract lock` refuses breaking changes
/// deprecated: 2026-11-01     # since when (sends Deprecation, RFC 9745)
/// sunset: 2027-06-30         # when it goes away (sends Sunset, RFC 8594); needs deprecated
/// ```
public struct VersionSettings: Sendable, Equatable {
    public var title: String
    public var description: String?
    public var published: Bool
    /// `YYYY-MM-DD` the version was deprecated on.
    public var deprecatedOn: String?
    /// `YYYY-MM-DD` after which it is withdrawn.
    public var sunset: String?

    public init(
        title: String = "Partner API", description: String? = nil, published: Bool = false, deprecatedOn: String? = nil, sunset: String? = nil
    ) {
        self.title = title
        self.description = description
        self.published = published
        self.deprecatedOn = deprecatedOn
        self.sunset = sunset
    }

    public static let fileName = "_version"
    static let keys = ["title", "description", "published", "deprecated", "sunset"]

    static func parse(_ source: CatalogCompiler.Source, into diagnostics: inout DiagnosticCollector) -> VersionSettings {
        let start = Location(file: source.path, line: 1, column: 1)
        guard let root = try? Yams.compose(yaml: source.text, .basic) else {
            diagnostics.error("not valid YAML (or empty)", at: start)
            return VersionSettings()
        }
        let node = MappingNode(root, file: source.path)
        guard let object = MappingObject(node, what: "the version settings", allowed: keys, into: &diagnostics) else { return VersionSettings() }
        var settings = VersionSettings()
        if let title = object.optionalString("title", in: "the version settings", &diagnostics) { settings.title = title }
        settings.description = object.optionalString("description", in: "the version settings", &diagnostics)
        settings.published = object.optionalBool("published", in: "the version settings", &diagnostics) ?? false
        for key in ["deprecated", "sunset"] {
            guard let value = object.optionalString(key, in: "the version settings", &diagnostics) else { continue }
            guard value.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil else {
                diagnostics.error("'\(key)' must be a date as YYYY-MM-DD", at: object[key]!.location)
                continue
            }
            if key == "deprecated" { settings.deprecatedOn = value } else { settings.sunset = value }
        }
        if settings.sunset != nil, settings.deprecatedOn == nil {
            diagnostics.error("'sunset' needs 'deprecated' (the date the version was deprecated)", at: object["sunset"]!.location)
        }
        return settings
    }
}

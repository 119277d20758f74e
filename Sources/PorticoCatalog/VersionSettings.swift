import Yams

/// A version's own settings, from `mappings/<version>/_version.yaml` (all optional):
///
/// ```yaml
/// title: Tradeflow partner API
/// description: Orders, customers and invoices of the merchants you are connected to.
/// published: true            # partners rely on it: `portico contract lock` refuses breaking changes
/// deprecated: 2026-11-01     # since when (sends Deprecation, RFC 9745)
/// sunset: 2027-06-30         # when it goes away (sends Sunset, RFC 8594); needs deprecated
/// base_path: /partner/v1     # where its resources are served (default /api/<version>)
/// envelope: {items: documents, next: next_cursor}   # every list's envelope (see ListEnvelope)
/// errors: {format: json, body: {message: detail}}   # how errors are worded (see ErrorVocabulary)
/// extras: {formats: [json], conditional: false, usage: false}   # Portico's additions (see SurfaceExtras)
/// security: {BearerAuth: bearer}   # the document's security scheme names (see SecuritySchemeNames)
/// time: epoch_seconds        # how datetimes are written unless a field says (see TimeFormat)
/// ```
public struct VersionSettings: Sendable, Equatable {
    public var title: String
    public var description: String?
    public var published: Bool
    /// `YYYY-MM-DD` the version was deprecated on.
    public var deprecatedOn: String?
    /// `YYYY-MM-DD` after which it is withdrawn.
    public var sunset: String?
    /// Where the version's resources live when not at `/api/<version>`, such as `/v1`; never ends with `/`.
    public var basePath: String?
    /// Where `base_path` was written, for diagnostics that span versions.
    public var basePathLocation: Location?
    /// The envelope of every list of the version that does not declare its own.
    public var envelope: ListEnvelope?
    /// Where `envelope` was written.
    public var envelopeLocation: Location?
    /// The names of Portico's own query parameters (``ParameterNames/standard`` when not declared).
    public var parameters: ParameterNames = .standard
    /// How the version's errors are worded (``ErrorVocabulary/standard`` when not declared).
    public var errors: ErrorVocabulary = .standard
    /// What Portico adds to the surface (``SurfaceExtras/standard`` when not declared).
    public var extras: SurfaceExtras = .standard
    /// The security schemes' names in the document (``SecuritySchemeNames/standard`` when not declared).
    public var security: SecuritySchemeNames = .standard
    /// How datetime fields are written when they declare no `time:` (``TimeFormat/standard`` when not declared).
    public var time: TimeFormat = .standard
    /// CSV profiles every resource has (formatting only, no columns) and the export file name.
    public var csv = CSVSettings()

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
    static let keys = [
        "title", "description", "published", "deprecated", "sunset", "base_path", "envelope", "errors", "parameters", "extras", "security",
        "time", "csv",
    ]

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
        if let node = object["base_path"] {
            settings.basePathLocation = node.location
            settings.basePath = parseBasePath(node, into: &diagnostics)
        }
        if let node = object["envelope"] {
            settings.envelope = ListEnvelope.parse(node, into: &diagnostics)
            settings.envelopeLocation = node.location
        }
        if let node = object["parameters"] { settings.parameters = ParameterNames.parse(node, into: &diagnostics) }
        if let node = object["errors"] { settings.errors = ErrorVocabulary.parse(node, into: &diagnostics) ?? .standard }
        if let node = object["extras"] { settings.extras = SurfaceExtras.parse(node, into: &diagnostics) }
        if let node = object["security"] { settings.security = SecuritySchemeNames.parse(node, into: &diagnostics) }
        if let node = object["time"] { settings.time = TimeFormat.parse(node, in: "the version settings", into: &diagnostics) ?? .standard }
        if let node = object["csv"] {
            var parser = ResourceParser(name: VersionSettings.fileName, file: source.path)
            settings.csv = parser.parseCSV(node, allowColumns: false)
            diagnostics.append(contentsOf: parser.diagnostics.diagnostics)
        }
        if settings.sunset != nil, settings.deprecatedOn == nil {
            diagnostics.error("'sunset' needs 'deprecated' (the date the version was deprecated)", at: object["sunset"]!.location)
        }
        return settings
    }

    /// Top-level path segments Portico serves itself: no version's base path may start with one.
    public static let reservedRoots: Set<String> = ["docs", "oauth", "healthz", "readyz", "metrics", "admin", ".well-known"]

    static func parseBasePath(_ node: MappingNode, into diagnostics: inout DiagnosticCollector) -> String? {
        guard let text = node.scalar else {
            diagnostics.error("'base_path' must be a path such as /v1, not \(node.kindName)", at: node.location)
            return nil
        }
        let segments = text.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard text.hasPrefix("/"), text.utf8.count <= 200, !segments.isEmpty, segments.allSatisfy({ ASCIIPattern.isPathSegment(String($0)) })
        else {
            diagnostics.error(
                "'base_path' '\(text)' must start with / and be segments of letters, digits and - . _ ~ ! $ & ' ( ) * + , ; = : @ "
                    + "(no empty segment, no trailing /, no . or ..; at most 200 bytes)",
                at: node.location)
            return nil
        }
        if let root = segments.first, reservedRoots.contains(String(root)) {
            diagnostics.error("'base_path' '\(text)' starts with /\(root), which Portico serves itself", at: node.location)
            return nil
        }
        return text
    }
}

/// What Portico adds to a version's surface besides its resources (`extras:` in
/// `_version.yaml`), each on by default. A version that serves a contract agreed elsewhere
/// switches off what that contract does not have, so the generated document is the contract
/// and the server offers nothing it does not describe.
///
/// ```yaml
/// extras:
///   formats: [json]       # the representations served: json, and csv and ndjson (default all three)
///   conditional: false    # ETag on reads, If-None-Match answered 304 (default true)
///   usage: false          # GET /api/<version>/usage, the partner's limits (default true)
///   fields: false         # sparse field sets (`fields=`); without them every document lists
///                         # all its members as required (default true)
/// ```
///
/// With `formats: [json]`, `format` is an unknown parameter (a 400 naming it) and an `Accept`
/// that admits only CSV or NDJSON is a 406.
public struct SurfaceExtras: Sendable, Equatable {
    public var csv = true
    public var ndjson = true
    public var conditional = true
    public var usage = true
    public var sparseFields = true

    public init() {}

    public static let standard = SurfaceExtras()

    /// Whether the `format` parameter exists: only when there is more than JSON to choose.
    public var formatParameter: Bool { csv || ndjson }

    static let keys = ["formats", "conditional", "usage", "fields"]
    static let formats = ["json", "csv", "ndjson"]

    static func parse(_ node: MappingNode, into diagnostics: inout DiagnosticCollector) -> SurfaceExtras {
        var extras = SurfaceExtras()
        guard let object = MappingObject(node, what: "'extras'", allowed: keys, into: &diagnostics) else { return extras }
        if let listed = object.stringList("formats", in: "'extras'", &diagnostics) {
            var names: Set<String> = []
            for (name, location) in listed {
                guard formats.contains(name) else {
                    diagnostics.error(
                        "'extras' lists the format '\(name)'; formats are json, csv and ndjson" + Suggestion.hint(for: name, among: formats),
                        at: location)
                    continue
                }
                names.insert(name)
            }
            if !names.contains("json"), let node = object["formats"] {
                diagnostics.error("'formats' in 'extras' must include json: every read can be answered in JSON", at: node.location)
            }
            extras.csv = names.contains("csv")
            extras.ndjson = names.contains("ndjson")
        }
        if let flag = object.optionalBool("conditional", in: "'extras'", &diagnostics) { extras.conditional = flag }
        if let flag = object.optionalBool("usage", in: "'extras'", &diagnostics) { extras.usage = flag }
        if let flag = object.optionalBool("fields", in: "'extras'", &diagnostics) { extras.sparseFields = flag }
        return extras
    }
}

import Foundation
import Yams

/// Compiles `mappings/<version>/*.yaml` into one ``Catalog`` per version.
///
/// Every problem in every file is reported, not just the first. A version with any error gets
/// no catalog, so it is never served.
///
/// ```swift
/// let result = CatalogCompiler.compile(directory: "mappings")
/// for diagnostic in result.diagnostics { print(diagnostic) }   // mappings/v1/orders.yaml:12:5: error: …
/// let v1 = result.catalogs["v1"]
/// ```
public enum CatalogCompiler {
    public struct Result: Sendable {
        /// The versions that compiled without an error: only these may be served.
        public let catalogs: [String: Catalog]
        public let diagnostics: [Diagnostic]
        /// Every version's resources whose own files have no error, even where another file
        /// of the version has one: what `portico check --database` can still compare with the
        /// product schema, so one file's typo does not hide the others' drift. Never served.
        public var checkable: [String: Catalog] = [:]
        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

        init(catalogs: [String: Catalog], diagnostics: [Diagnostic], checkable: [String: Catalog]? = nil) {
            self.catalogs = catalogs
            self.diagnostics = diagnostics
            self.checkable = checkable ?? catalogs
        }
    }

    /// Resource names Portico's own endpoints use.
    public static let reservedNames: Set<String> = ["usage", "openapi"]
    /// Path segments Portico's own endpoints use under `/api/<version>`.
    public static let reservedSegments: Set<String> = ["usage", "openapi.json", "openapi.yaml"]

    /// One mapping file's text and the path diagnostics name.
    public struct Source: Sendable {
        public let path: String
        public let text: String

        public init(path: String, text: String) {
            self.path = path
            self.text = text
        }
    }

    /// Compiles every version directory (`v1`, `v2`, …) under `directory`.
    ///
    /// - Parameter directory: the mappings directory.
    /// - Returns: the versions that compiled, and every diagnostic of every file; never throws.
    public static func compile(directory: String) -> Result {
        var diagnostics = DiagnosticCollector()
        var catalogs: [String: Catalog] = [:]
        var checkable: [String: Catalog] = [:]
        let manager = FileManager.default
        guard let entries = try? manager.contentsOfDirectory(atPath: directory) else {
            diagnostics.error("cannot read the mappings directory", at: Location(file: directory, line: 0, column: 0))
            return Result(catalogs: [:], diagnostics: diagnostics.diagnostics)
        }
        let versions = entries.filter { $0.wholeMatch(of: /v[1-9][0-9]*/) != nil }.sorted()
        if versions.isEmpty {
            diagnostics.error("no version directories (v1, v2, …) found", at: Location(file: directory, line: 0, column: 0))
        }
        for version in versions {
            let folder = "\(directory)/\(version)"
            let files = ((try? manager.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
            let sources = files.compactMap { file -> Source? in
                let path = "\(folder)/\(file)"
                guard let data = manager.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                    diagnostics.error("cannot read the file as UTF-8 text", at: Location(file: path, line: 0, column: 0))
                    return nil
                }
                return Source(path: path, text: text)
            }
            let result = compile(version: version, sources: sources)
            diagnostics.append(contentsOf: result.diagnostics)
            if let catalog = result.catalogs[version] { catalogs[version] = catalog }
            if let catalog = result.checkable[version] { checkable[version] = catalog }
        }
        for version in checkBasePaths(catalogs, into: &diagnostics) { catalogs[version] = nil }
        return Result(catalogs: catalogs, diagnostics: diagnostics.diagnostics.sorted(), checkable: checkable)
    }

    /// Compiles one version from its files' texts.
    ///
    /// - Parameters:
    ///   - version: the version's name (`v1`).
    ///   - sources: its files; each file's name is its resource's name, `_version.yaml` its settings.
    public static func compile(version: String, sources: [Source]) -> Result {
        var diagnostics = DiagnosticCollector()
        var resources: [String: Resource] = [:]
        var proxies: [String: ProxyRoute] = [:]
        var deferred: [(name: String, path: String, node: MappingNode)] = []
        var settings = VersionSettings()
        var sources = sources
        if let index = sources.firstIndex(where: {
            (($0.path as NSString).lastPathComponent as NSString).deletingPathExtension == VersionSettings.fileName
        }) {
            settings = VersionSettings.parse(sources.remove(at: index), into: &diagnostics)
        }
        if sources.isEmpty {
            diagnostics.error("version \(version) has no mapping files", at: Location(file: version, line: 0, column: 0))
        }
        for source in sources {
            let name = ((source.path as NSString).lastPathComponent as NSString).deletingPathExtension
            let fileStart = Location(file: source.path, line: 1, column: 1)
            guard ResourceParser.isFieldName(name) else {
                diagnostics.error("file name '\(name)' must be the resource name: lower-case letters, digits and _", at: fileStart)
                continue
            }
            guard !CatalogCompiler.reservedNames.contains(name) else {
                diagnostics.error("'\(name)' is reserved (/api/<version>/\(name) is Portico's own); name the file otherwise", at: fileStart)
                continue
            }
            let root: Node
            do {
                guard let parsed = try Yams.compose(yaml: source.text, .basic) else {
                    diagnostics.error("the file is empty", at: fileStart)
                    continue
                }
                root = parsed
            } catch let error as YamlError {
                diagnostics.error(yamlMessage(error), at: yamlLocation(error, file: source.path))
                continue
            } catch {
                diagnostics.error("not valid YAML", at: fileStart)
                continue
            }
            let node = MappingNode(root, file: source.path)
            if ProxyParser.isProxy(node) {
                var parser = ProxyParser(name: name, file: source.path)
                if let route = parser.parse(node) { proxies[name] = route }
                diagnostics.append(contentsOf: parser.diagnostics.diagnostics)
                continue
            }
            var parser = ResourceParser(name: name, file: source.path)
            parser.time = settings.time
            let resource = parser.parse(node)
            // A filter through an embed needs the target parsed: this file is read again below.
            if parser.deferredFilters {
                deferred.append((name, source.path, node))
            } else {
                diagnostics.append(contentsOf: parser.diagnostics.diagnostics)
            }
            if let resource { resources[name] = resource }
        }
        for (name, path, node) in deferred {
            var parser = ResourceParser(name: name, file: path)
            parser.time = settings.time
            parser.embedded = Catalog.embedFilterFields(resources[name]?.fields ?? [], resources: resources)
            let resource = parser.parse(node)
            diagnostics.append(contentsOf: parser.diagnostics.diagnostics)
            resources[name] = resource
        }
        if diagnostics.hasErrors == false || !resources.isEmpty {
            CrossReferences(resources: resources).check(into: &diagnostics)
            checkPaths(resources, into: &diagnostics)
            checkPaging(resources, settings, into: &diagnostics)
            checkParameterNames(resources, settings, into: &diagnostics)
            checkProxyPaths(proxies, resources, into: &diagnostics)
        }
        for name in resources.keys {
            resources[name]!.csv = resources[name]!.csv.over(settings.csv)
            CSVColumns(resources: resources).check(resources[name]!, into: &diagnostics)
        }
        let sorted = diagnostics.diagnostics.sorted()
        let failed = sorted.contains { $0.severity == .error }
        let catalog = Catalog(version: version, resources: resources, settings: settings, proxies: proxies)
        guard failed else { return Result(catalogs: [version: catalog], diagnostics: sorted) }
        let broken = Set(sorted.filter { $0.severity == .error }.map(\.file))
        let clean = resources.filter { !broken.contains($0.value.location.file) }
        return Result(catalogs: [:], diagnostics: sorted, checkable: [version: Catalog(version: version, resources: clean, settings: settings)])
    }

    /// A proxied route's first segment is its own: no resource answers there, nor Portico, and
    /// two proxied routes under one segment differ in length or in a constant segment.
    static func checkProxyPaths(_ proxies: [String: ProxyRoute], _ resources: [String: Resource], into diagnostics: inout DiagnosticCollector) {
        let segments = Set(resources.values.filter { $0.isEndpoint && $0.parent == nil }.map(\.path))
        for route in proxies.values.sorted(by: { $0.name < $1.name }) {
            if segments.contains(route.segment) {
                diagnostics.error(
                    "'\(route.segment)' is already a resource's path segment; a proxied route needs a segment of its own", at: route.location)
            }
            if reservedSegments.contains(route.segment) {
                diagnostics.error("'\(route.segment)' is Portico's own under /api/<version>; choose another first segment", at: route.location)
            }
            for other in proxies.values where other.name < route.name && other.segments.count == route.segments.count {
                let same = zip(other.segments, route.segments).allSatisfy { a, b in
                    if case .constant(let x) = a, case .constant(let y) = b { return x == y }
                    return true
                }
                if same { diagnostics.error("proxied routes '\(other.name)' and '\(route.name)' answer at the same paths", at: route.location) }
            }
        }
    }

    /// Two served resources may not answer at the same path; the diagnostic goes to a file that wrote `path:`.
    static func checkPaths(_ resources: [String: Resource], into diagnostics: inout DiagnosticCollector) {
        var owners: [String: Resource] = [:]
        for name in resources.keys.sorted() {
            guard let resource = resources[name], resource.isEndpoint else { continue }
            // Sub-collections share a segment space per parent.
            let place = resource.parent.map { "\($0.resource)/\(resource.path)" } ?? resource.path
            guard let owner = owners[place] else {
                owners[place] = resource
                continue
            }
            let (reported, other) = resource.keyLocations["path"] != nil ? (resource, owner) : (owner, resource)
            diagnostics.error(
                "resource '\(reported.name)' is served at path segment '\(resource.path)', as '\(other.name)' is; give one of them another 'path'",
                at: reported.location(of: "path"))
        }
    }

    /// A list a partner pages with Portico's cursor needs the envelope member that carries it;
    /// with object-id cursors (`starting_after`) it may do without.
    static func checkPaging(_ resources: [String: Resource], _ settings: VersionSettings, into diagnostics: inout DiagnosticCollector) {
        for name in resources.keys.sorted() {
            guard let resource = resources[name], resource.isEndpoint, resource.page.cursor == .opaque else { continue }
            let envelope = resource.envelope ?? settings.envelope ?? .standard
            guard envelope.nextCursorMember == nil else { continue }
            let declared = resource.envelope != nil
            let at = declared ? resource.location(of: "envelope") : (settings.envelopeLocation ?? resource.location)
            diagnostics.error(
                (declared ? "'envelope'" : "the version's 'envelope'")
                    + " has no member with the role 'next_cursor', so '\(name)' could not be paged; add one, or page by object ids ('page: {cursor: object_id}')",
                at: at)
        }
    }

    /// A filter may not answer to a name the version gave one of Portico's own parameters.
    static func checkParameterNames(_ resources: [String: Resource], _ settings: VersionSettings, into diagnostics: inout DiagnosticCollector) {
        let own = Set(settings.parameters.all)
        for name in resources.keys.sorted() {
            guard let resource = resources[name] else { continue }
            for parameter in resource.filterParameters.keys.sorted() where own.contains(parameter) {
                diagnostics.error(
                    "filter '\(resource.filterParameters[parameter]!.filter)' answers to '\(parameter)', which _version.yaml's 'parameters' gives to one of Portico's own",
                    at: resource.location(of: "filters"))
            }
        }
    }

    /// No two versions may serve under the same base path, or one under the other's. Each
    /// conflict is reported on a version that declared `base_path`.
    ///
    /// - Returns: the versions whose base path conflicts (they are not served).
    static func checkBasePaths(_ catalogs: [String: Catalog], into diagnostics: inout DiagnosticCollector) -> Set<String> {
        var conflicting: Set<String> = []
        let versions = catalogs.keys.sorted()
        for (index, version) in versions.enumerated() {
            for other in versions[(index + 1)...] {
                let (a, b) = (catalogs[version]!, catalogs[other]!)
                let (baseA, baseB) = (a.basePath + "/", b.basePath + "/")
                guard baseA.hasPrefix(baseB) || baseB.hasPrefix(baseA) else { continue }
                let (reported, against) = b.settings.basePathLocation != nil ? (b, a) : (a, b)
                guard let at = reported.settings.basePathLocation else { continue }
                let relation =
                    baseA == baseB ? "is also" : (reported.basePath + "/").hasPrefix(against.basePath + "/") ? "lies under" : "contains"
                diagnostics.error(
                    "'base_path' '\(reported.basePath)' \(relation) \(against.version)'s base path '\(against.basePath)'; each version needs a path of its own",
                    at: at)
                conflicting.insert(reported.version)
            }
        }
        return conflicting
    }

    private static func yamlMessage(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _), .composer(let context, let problem, _, _):
            return "not valid YAML: \(problem)\(context.map { " \($0.text)" } ?? "")"
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")): each key may appear once"
        default:
            return "not valid YAML"
        }
    }

    private static func yamlLocation(_ error: YamlError, file: String) -> Location {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return Location(file: file, line: mark.line, column: mark.column)
        case .duplicatedKeysInMapping(_, let context):
            return Location(file: file, line: context.mark.line, column: context.mark.column)
        default:
            return Location(file: file, line: 0, column: 0)
        }
    }
}

/// Checks what spans resources: embed targets and their fields, `id_of` targets.
struct CrossReferences {
    let resources: [String: Resource]

    func check(into diagnostics: inout DiagnosticCollector) {
        for name in resources.keys.sorted() {
            check(resources[name]!.fields, of: resources[name]!, into: &diagnostics)
            if let link = resources[name]!.parent { checkParent(link, of: resources[name]!, into: &diagnostics) }
        }
    }

    /// A sub-collection hangs under a served, top-level resource, on that resource's key.
    private func checkParent(_ link: ParentLink, of resource: Resource, into diagnostics: inout DiagnosticCollector) {
        let at = resource.location(of: "parent")
        guard let parent = resources[link.resource] else {
            diagnostics.error(
                "'parent' names '\(link.resource)', which is not a resource of this version\(Suggestion.hint(for: link.resource, among: resources.keys))",
                at: at)
            return
        }
        if parent.name == resource.name {
            diagnostics.error("'parent' names the resource itself", at: at)
        } else if !parent.isEndpoint || parent.id == nil {
            diagnostics.error("'parent' '\(parent.name)' is not served (it has 'endpoint: false'), so it has no items to list under", at: at)
        } else if parent.parent != nil {
            diagnostics.error("'parent' '\(parent.name)' is itself a sub-collection; sub-collections nest one level", at: at)
        } else if let id = parent.id, !id.isNumeric {
            diagnostics.error(
                "'parent' '\(parent.name)' has a \(id.isComposite ? "composite" : "text") id; a sub-collection hangs under a parent whose id is one number",
                at: at)
        } else if link.parentColumn != parent.id?.column {
            diagnostics.error(
                "'on' of 'parent' must name '\(parent.name)''s key column '\(parent.id?.column ?? "")', not '\(link.parentColumn)' (the public id in the path is that key)",
                at: at)
        }
    }

    private func check(_ fields: [Field], of resource: Resource, into diagnostics: inout DiagnosticCollector) {
        for field in fields {
            switch field.kind {
            case .object(let children):
                check(children, of: resource, into: &diagnostics)
            case .value(let value):
                if case .publicID(let target) = value.conversion {
                    if let other = resources[target] {
                        if other.id == nil {
                            diagnostics.error("field '\(field.name)' formats ids of '\(target)', which has no public 'id'", at: field.location)
                        } else if other.id?.isComposite == true {
                            diagnostics.error(
                                "field '\(field.name)' formats ids of '\(target)', whose id joins several key columns; one column cannot hold it (embed '\(target)' with fields: [id] instead)",
                                at: field.location)
                        } else if let id = other.id, id.isInteger != (value.type == .integer) {
                            diagnostics.error(
                                "field '\(field.name)' formats ids of '\(target)', whose ids are \(id.isInteger ? "integers" : "strings"): declare type \(id.isInteger ? "integer" : "string")",
                                at: field.location)
                        }
                    } else {
                        diagnostics.error(
                            "field '\(field.name)' formats ids of '\(target)', which is not a resource of this version\(Suggestion.hint(for: target, among: resources.keys))",
                            at: field.location)
                    }
                }
            case .embed(let embed):
                checkEmbed(embed, field: field, of: resource, into: &diagnostics)
            case .constant: break
            }
        }
    }

    private func checkEmbed(_ embed: Embed, field: Field, of resource: Resource, into diagnostics: inout DiagnosticCollector) {
        guard let target = resources[embed.target] else {
            diagnostics.error(
                "field '\(field.name)' embeds '\(embed.target)', which is not a resource of this version\(Suggestion.hint(for: embed.target, among: resources.keys))",
                at: field.location)
            return
        }
        if embed.target == resource.name {
            diagnostics.error("field '\(field.name)' embeds its own resource", at: field.location)
            return
        }
        if embed.expandable, target.id?.isComposite == true {
            diagnostics.error(
                "field '\(field.name)' is expandable, but '\(target.name)''s id joins several key columns, which one column cannot show",
                at: field.location)
            return
        }
        if embed.expandable, target.id?.column != embed.on.first?.remote {
            diagnostics.error(
                "field '\(field.name)' is expandable, so 'on' must pair its column with '\(target.name)''s id column '\(target.id?.column ?? "")' (its id is shown from it)",
                at: field.location)
            return
        }
        let available = (target.id.map { [$0.member] } ?? []) + target.fields.map(\.name)
        let selected = embed.fields ?? available
        for name in selected where !available.contains(name) {
            diagnostics.error(
                "field '\(field.name)' selects '\(name)' from '\(target.name)', which has no such field\(Suggestion.hint(for: name, among: available))",
                at: field.location)
        }
        for child in target.fields where selected.contains(child.name) {
            if case .embed = child.kind {
                diagnostics.error(
                    "field '\(field.name)' embeds '\(target.name)' with its own embed '\(child.name)'; embeds nest one level only (select fields without it)",
                    at: field.location)
            }
        }
        if embed.many, embed.order.isEmpty {
            diagnostics.warning("field '\(field.name)' lists '\(target.name)' without 'order'; its items come in key order", at: field.location)
        }
    }
}

public import PorticoCatalog
import PorticoContract
import PorticoQuery
import Synchronization

/// Every served API version: its compiled catalog and a planner for it.
public struct CatalogSet: Sendable {
    public let catalogs: [String: Catalog]
    /// What a request reads of each version, made once per set.
    let served: [String: ServedVersion]
    /// Each version's OpenAPI document and docs page, made on first request.
    let contracts = ContractCache()

    /// The versions served under a base path of their own, longest path first.
    let ownBasePaths: [(path: String, version: String)]
    /// Whether some version words its errors its own way (most sets: none, and no request looks).
    let hasOwnErrorVocabulary: Bool

    public init(_ catalogs: [String: Catalog]) {
        self.catalogs = catalogs
        served = catalogs.mapValues(ServedVersion.init)
        ownBasePaths = catalogs.values.filter(\.hasOwnBasePath).map { ($0.basePath, $0.version) }.sorted { $0.path.count > $1.path.count }
        hasOwnErrorVocabulary = catalogs.values.contains { $0.settings.errors != .standard }
    }

    /// The version a path belongs to: under its own base path, or `/api/<version>/…` (its
    /// resources, usage and contract), whether or not anything answers there.
    func version(owning path: Substring) -> Catalog? {
        for (base, version) in ownBasePaths where path == base || path.hasPrefix(base + "/") { return catalogs[version] }
        guard path.hasPrefix("/api/") else { return nil }
        let version = path.dropFirst("/api/".count).prefix { $0 != "/" }
        return catalogs[String(version)]
    }

    /// Compiles `directory`; returns the diagnostics instead when any version has an error,
    /// so a catalog that does not validate is never served.
    public static func load(directory: String) -> Result<CatalogSet, CatalogLoadError> {
        let result = CatalogCompiler.compile(directory: directory)
        if result.hasErrors || result.catalogs.isEmpty { return .failure(CatalogLoadError(diagnostics: result.diagnostics)) }
        return .success(CatalogSet(result.catalogs))
    }

    /// Every scope some resource of some version requires, sorted.
    public var scopes: [String] {
        Set(catalogs.values.flatMap { $0.resources.values.map(\.scope) + $0.proxies.values.map(\.scope) }).sorted()
    }

    public var versions: [String] { catalogs.keys.sorted { $0.count == $1.count ? $0 < $1 : $0.count < $1.count } }
}

/// Generated documents, per version, for one catalog set.
final class ContractCache: Sendable {
    struct Entry: Sendable {
        let json: [UInt8]
        let yaml: [UInt8]
        let html: [UInt8]
    }

    private let entries = Mutex<[String: Entry]>([:])

    func entry(_ catalog: Catalog) throws -> Entry {
        if let cached = entries.withLock({ $0[catalog.version] }) { return cached }
        let document = try Contract.document(catalog)
        let entry = Entry(json: Array(document.jsonText.utf8), yaml: Array(document.yamlText.utf8), html: Array(DocsPage.render(catalog).utf8))
        entries.withLock { $0[catalog.version] = entry }
        return entry
    }
}

public struct CatalogLoadError: Error, CustomStringConvertible {
    public let diagnostics: [Diagnostic]
    public var description: String {
        diagnostics.isEmpty ? "no mappings found" : diagnostics.map(\.description).joined(separator: "\n")
    }
}

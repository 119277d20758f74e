public import PorticoCatalog
import PorticoQuery
import Synchronization

/// Every served API version: its compiled catalog and a planner for it.
public struct CatalogSet: Sendable {
    public let catalogs: [String: Catalog]
    let planners: [String: ReadPlanner]

    public init(_ catalogs: [String: Catalog]) {
        self.catalogs = catalogs
        planners = catalogs.mapValues(ReadPlanner.init)
    }

    /// Compiles `directory`; returns the diagnostics instead when any version has an error,
    /// so a catalog that does not validate is never served.
    public static func load(directory: String) -> Result<CatalogSet, CatalogLoadError> {
        let result = CatalogCompiler.compile(directory: directory)
        if result.hasErrors || result.catalogs.isEmpty { return .failure(CatalogLoadError(diagnostics: result.diagnostics)) }
        return .success(CatalogSet(result.catalogs))
    }

    /// Every scope some resource of some version requires, sorted.
    public var scopes: [String] { Set(catalogs.values.flatMap { $0.resources.values.map(\.scope) }).sorted() }

    public var versions: [String] { catalogs.keys.sorted { $0.count == $1.count ? $0 < $1 : $0.count < $1.count } }
}

/// The catalogs being served, swapped atomically by a reload.
public final class CatalogStore: Sendable {
    private let state: Mutex<CatalogSet>

    public init(_ catalogs: CatalogSet) { state = Mutex(catalogs) }

    public var current: CatalogSet { state.withLock { $0 } }

    public func replace(with catalogs: CatalogSet) { state.withLock { $0 = catalogs } }
}

public struct CatalogLoadError: Error, CustomStringConvertible {
    public let diagnostics: [Diagnostic]
    public var description: String {
        diagnostics.isEmpty ? "no mappings found" : diagnostics.map(\.description).joined(separator: "\n")
    }
}

import HTTPTypes
import PorticoCatalog
import PorticoQuery

/// One version of a catalog set as requests read it: its catalog, its planner and what its
/// settings make of every response, made once per set. A class, so a request's route holds
/// one reference: `Catalog` and `ReadPlanner` are structs of many references, and copying them
/// into each route (and releasing them after) cost more than the lookups they saved.
final class ServedVersion: Sendable {
    let catalog: Catalog
    let planner: ReadPlanner
    /// The version's name for `limit` (`limit` unless it renames it).
    let limitName: String
    /// `Deprecation` and `Sunset` when the version is deprecated (``VersionHeadersMiddleware``).
    let lifecycleHeaders: HTTPFields?
    /// The 403 of each resource, by name, to a credential without its scope: the same for
    /// every such request, and dearer to build (two interpolations, a header) than the rest of
    /// the refusal.
    let scopeRefusals: [String: Problem]
    /// The same for each proxied route.
    let proxyScopeRefusals: [String: Problem]

    init(_ catalog: Catalog) {
        self.catalog = catalog
        planner = ReadPlanner(catalog: catalog)
        limitName = catalog.settings.parameters.limit
        lifecycleHeaders = VersionHeadersMiddleware.fields(catalog.settings)
        scopeRefusals = catalog.resources.mapValues { Problem.insufficientScope(reading: $0.name, scope: $0.scope) }
        proxyScopeRefusals = catalog.proxies.mapValues { Problem.insufficientScope(reading: $0.name, scope: $0.scope) }
    }
}

import HTTPTypes
import Hummingbird
import PorticoCatalog

/// Serves the versions that declare a `base_path` of their own: a request for one of their
/// resources (`/v1/service-tickets/42`) continues as `/api/<version>/service-tickets/42`, so
/// routing, limits and the read pipeline are the ones every version uses, and the context
/// records that it came the declared way (the same resource under `/api/<version>` is a 404).
///
/// It also records the error vocabulary of the version the path belongs to, so that every
/// error of the request, thrown or returned, before routing or after, is worded the version's way.
///
/// It wraps the router, since Hummingbird matches routes before any middleware runs; the
/// context keeps the path the partner sent (``PorticoRequestContext/publicPath``) for errors.
/// Only a declared resource segment is mapped: Portico's own endpoints (usage, the contract)
/// stay at `/api/<version>` and nothing else appears under the base path.
struct BasePathResponder<Router: HTTPResponder>: HTTPResponder where Router.Context == PorticoRequestContext {
    let router: Router
    let catalogs: CatalogStore

    func respond(to request: Request, context: PorticoRequestContext) async throws -> Response {
        let set = catalogs.current
        if set.hasOwnErrorVocabulary, let catalog = set.version(owning: request.uri.path[...]) {
            context.trace.errorVocabulary = catalog.settings.errors
        }
        guard !set.ownBasePaths.isEmpty, let path = request.head.path, let target = Self.rewrite(path, in: set) else {
            return try await router.respond(to: request, context: context)
        }
        var head = request.head
        head.path = target
        var context = context
        context.publicPath = request.uri.path
        return try await router.respond(to: Request(head: head, body: request.body), context: context)
    }

    /// The `/api/<version>/…` path a request under a version's own base path continues as, or
    /// nil when the path is not a resource of such a version.
    static func rewrite(_ path: String, in set: CatalogSet) -> String? {
        let pathEnd = path.firstIndex(of: "?") ?? path.endIndex
        for (base, version) in set.ownBasePaths {
            guard path[..<pathEnd].hasPrefix(base + "/"), let catalog = set.catalogs[version] else { continue }
            let rest = path[path.index(path.startIndex, offsetBy: base.count + 1)...]
            let segmentEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            let segment = String(rest[..<segmentEnd])
            guard catalog.resourcesBySegment[segment] != nil || catalog.proxiesBySegment[segment] != nil else { return nil }
            return "/api/\(version)/" + rest
        }
        return nil
    }
}

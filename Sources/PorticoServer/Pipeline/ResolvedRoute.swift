import Foundation
import Hummingbird
import PorticoCatalog
import PorticoQuery

/// What an `/api` request asks for, decided once, right after routing, by
/// ``RouteResolutionMiddleware``: the version and its catalog snapshot, the resource, list or
/// item or usage, and the representation. Every later stage and middleware reads it; nothing
/// downstream parses the path or the representation again.
///
/// Resolution never refuses: an unknown version or resource is recorded as such, and the read
/// handler answers 404 after authentication, as DESIGN.md's pipeline orders it.
///
/// A class, so the context that holds it copies one reference at each middleware; the catalog,
/// planner and resource are looked up once here rather than at each stage that asks.
final class ResolvedRoute: Sendable {
    enum Target: Sendable, Equatable {
        /// `GET /api/{version}/{resource}`: a page, or an export (``isExport``).
        case list
        /// `GET /api/{version}/{resource}/{id}`, with the id as the partner wrote it.
        case item(id: String)
        /// `GET /api/{version}/{resource}/{id}/{sub}`: a page of a sub-collection of the item.
        case subList(parentID: String)
        /// `GET /api/{version}/usage`.
        case usage

        /// A page or an export: a list or a sub-collection.
        var isList: Bool {
            switch self {
            case .list, .subList: true
            case .item, .usage: false
            }
        }
    }

    let version: String
    let target: Target
    var isList: Bool { target.isList }
    /// The catalogs this request reads: one snapshot, since a reload may swap them meanwhile.
    let catalogs: CatalogSet
    /// The resource's path segment as the path gives it (it may not exist); for a
    /// sub-collection, the parent's.
    let resourceName: String
    /// A sub-collection's segment under its parent's item.
    let subSegment: String?
    /// Whether the request came through the version's own base path (``BasePathResponder``)
    /// rather than `/api/<version>`: a version with its own base path serves resources only there.
    let viaBasePath: Bool
    /// The format asked for by `format=` or `Accept` (JSON when neither names another).
    let format: ApiRequest.Format
    /// A list that streams every row (NDJSON or CSV without `limit`): it costs more and holds its slot longer.
    let isExport: Bool
    /// Whether `Accept` admits a media type the version serves; a read that it does not is a 406.
    let acceptable: Bool

    /// The proxied route the path names, with its raw parameter values (``Gateway``).
    let proxy: ProxyMatch?

    /// The version's catalog and planner, if the set serves the version.
    let served: ServedVersion?
    /// The served resource the path names, if there is one.
    let resource: Resource?

    /// A sub-collection's parent resource.
    var parentResource: Resource? {
        guard subSegment != nil, let catalog = served?.catalog, let name = catalog.resourcesBySegment[resourceName] else { return nil }
        return catalog.resources[name]
    }

    /// The scope a request with this method needs, and the name its refusal gives, when the
    /// route serves the method: a mapped resource's for GET and HEAD, a proxied route's for the
    /// methods it declares. Nil for anything else (usage, unknown paths, refused methods), which
    /// later stages answer as before.
    func scopeNeeded(_ method: HTTPRequest.Method) -> (name: String, scope: String)? {
        if let proxy { return proxy.route.methods.contains(method.rawValue) ? (proxy.route.name, proxy.route.scope) : nil }
        guard method == .get || method == .head, let resource else { return nil }
        return (resource.name, resource.scope)
    }

    /// The 403 for a credential without the scope ``scopeNeeded(_:)`` named: the version's,
    /// made once per catalog set.
    func scopeRefusal(_ needed: (name: String, scope: String)) -> Problem {
        let made = proxy == nil ? served?.scopeRefusals[needed.name] : served?.proxyScopeRefusals[needed.name]
        return made ?? .insufficientScope(reading: needed.name, scope: needed.scope)
    }

    /// The names of Portico's own query parameters in this version.
    var parameterNames: ParameterNames { served?.catalog.settings.parameters ?? .standard }
    /// What Portico adds to this version's surface.
    var extras: SurfaceExtras { served?.catalog.settings.extras ?? .standard }

    /// The envelope of the resource's pages.
    func envelope(_ resource: Resource) -> ListEnvelope { served?.catalog.envelope(resource) ?? .standard }
    /// The resource's list path, as the contract names it.
    func listPath(_ resource: Resource) -> String {
        guard case .subList(let parentID) = target else { return served?.catalog.listPath(resource) ?? "" }
        return served?.catalog.listPath(resource, parentID: parentID) ?? ""
    }

    /// The resource a path's segments name in `catalog`, if it serves one there.
    static func resource(in catalog: Catalog, segment: String, sub: String?, viaBasePath: Bool) -> Resource? {
        guard catalog.hasOwnBasePath == viaBasePath, let name = catalog.resourcesBySegment[segment] else { return nil }
        guard let sub else { return catalog.resources[name] }
        return catalog.subResourcesBySegment[name]?[sub].flatMap { catalog.resources[$0] }
    }

    /// The labels logs and metrics use: only names the catalog knows, so callers cannot make up labels.
    var labels: (version: String, resource: String)? {
        guard served != nil else { return nil }
        if target == .usage { return (version, "usage") }
        if let proxy { return (version, proxy.route.name) }
        return resource.map { (version, $0.name) }
    }

    init(_ request: Request, path: ReadPath, catalogs: CatalogSet, usage: Bool, viaBasePath: Bool = false) {
        self.viaBasePath = viaBasePath
        version = path.version.map(String.init) ?? ""
        let resourceName = usage ? "" : path.resource.map(String.init) ?? ""
        let subSegment = path.sub.map(String.init)
        self.resourceName = resourceName
        self.subSegment = subSegment
        // The id segment as text (`VLV.3%2F4` is the natural key `VLV.3/4`); a malformed escape stays as it is, and matches no id.
        // (A byte search: Foundation's `contains` on strings is a locale-aware search, costlier than the rest of this.)
        let rawID = path.id.map(String.init)
        let id = rawID.map { $0.utf8.contains(UInt8(ascii: "%")) ? $0.removingPercentEncoding ?? $0 : $0 }
        target =
            usage ? .usage : subSegment != nil ? .subList(parentID: id ?? "") : id.map { .item(id: $0) } ?? .list
        self.catalogs = catalogs
        let served = catalogs.served[version]
        self.served = served
        resource = served.flatMap { Self.resource(in: $0.catalog, segment: resourceName, sub: subSegment, viaBasePath: viaBasePath) }
        // Only a path whose first segment a proxied route owns is matched: no work for the others.
        if let served, served.catalog.proxiesBySegment[resourceName] != nil, served.catalog.hasOwnBasePath == viaBasePath {
            proxy = ProxyMatch.find([resourceName, rawID, subSegment].compactMap { $0 }, in: served.catalog)
        } else {
            proxy = nil
        }
        (format, isExport, acceptable) = Representation.decide(
            request, list: target.isList, limitName: served?.limitName ?? "limit", extras: served?.catalog.settings.extras ?? .standard)
    }
}

/// The first middleware of the `/api` group: routing has matched by then, so the path's
/// parameters are known. Puts the ``ResolvedRoute`` in the context and its labels in the trace.
struct RouteResolutionMiddleware: RouterMiddleware {
    typealias Context = PorticoRequestContext
    let catalogs: CatalogStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let route = ResolvedRoute(
            request, path: context.readPath ?? ReadPath(context.parameters), catalogs: catalogs.current,
            usage: context.endpointPath?.hasSuffix("/usage") == true, viaBasePath: context.viaBasePath)
        if let labels = route.labels { context.trace.route(version: labels.version, resource: labels.resource) }
        context.route = route
        // The route holds what the segments said; the context, copied at each middleware below, need not.
        context.readPath = nil
        return try await next(request, context)
    }
}

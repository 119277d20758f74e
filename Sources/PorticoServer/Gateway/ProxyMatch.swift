import PorticoCatalog

/// A request path matched against a version's proxied routes: the route, and each path
/// parameter's value as the partner sent it (still percent-encoded).
struct ProxyMatch: Sendable {
    let route: ProxyRoute
    let values: [String: String]

    /// The proxied route of `catalog` that `segments` (the path under the version, raw) names, if any.
    static func find(_ segments: [String], in catalog: Catalog) -> ProxyMatch? {
        guard let first = segments.first, let names = catalog.proxiesBySegment[first] else { return nil }
        for name in names {
            guard let route = catalog.proxies[name], route.segments.count == segments.count else { continue }
            var values: [String: String] = [:]
            let matches = zip(route.segments, segments).allSatisfy { template, given in
                switch template {
                case .constant(let text): return text == given
                case .parameter(let parameter):
                    values[parameter] = given
                    return true
                }
            }
            if matches { return ProxyMatch(route: route, values: values) }
        }
        return nil
    }
}

import Hummingbird
import NIOCore
import PorticoCatalog
import PorticoContract

/// `Deprecation` (RFC 9745) and `Sunset` (RFC 8594) on every response of a deprecated version.
struct VersionHeadersMiddleware: RouterMiddleware {
    typealias Context = PorticoRequestContext
    let catalogs: CatalogStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Runs after routing: every route of the `api` group has the `:version` parameter.
        guard let version = context.parameters.get("version"), let settings = catalogs.current.catalogs[version]?.settings,
            settings.deprecatedOn != nil
        else {
            return try await next(request, context)
        }
        do {
            var response = try await next(request, context)
            Self.add(settings, to: &response.headers)
            return response
        } catch var problem as Problem {
            Self.add(settings, to: &problem.headers)
            throw problem
        }
    }

    static func add(_ settings: VersionSettings, to headers: inout HTTPFields) {
        if let since = settings.deprecatedOn, let seconds = HTTPDates.epochSeconds(since) {
            headers[.deprecation] = "@\(seconds)"
        }
        if let sunset = settings.sunset, let seconds = HTTPDates.epochSeconds(sunset) {
            headers[.sunset] = HTTPDates.imfFixdate(seconds + 86_399)
        }
    }
}

import Hummingbird
import NIOCore
import PorticoCatalog
import PorticoContract

/// `Deprecation` (RFC 9745) and `Sunset` (RFC 8594) on every response of a deprecated version.
struct VersionHeadersMiddleware: RouterMiddleware {
    typealias Context = PorticoRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Runs after the route's resolution: every route of the `api` group has one.
        guard let fields = context.route?.served?.lifecycleHeaders else {
            return try await next(request, context)
        }
        do {
            var response = try await next(request, context)
            for field in fields { response.headers[field.name] = field.value }
            return response
        } catch var problem as Problem {
            for field in fields { problem.headers[field.name] = field.value }
            throw problem
        }
    }

    /// The headers of a deprecated version (nil for one that is not), made once per catalog
    /// set: parsing and formatting the dates on every response cost more than the rest of it.
    static func fields(_ settings: VersionSettings) -> HTTPFields? {
        guard settings.deprecatedOn != nil else { return nil }
        var headers = HTTPFields()
        if let since = settings.deprecatedOn, let seconds = HTTPDates.epochSeconds(since) {
            headers[.deprecation] = "@\(seconds)"
        }
        if let sunset = settings.sunset, let seconds = HTTPDates.epochSeconds(sunset) {
            headers[.sunset] = HTTPDates.imfFixdate(seconds + 86_399)
        }
        return headers
    }
}

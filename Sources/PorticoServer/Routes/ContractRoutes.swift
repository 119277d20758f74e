import Hummingbird
import NIOCore
import PorticoCatalog
import PorticoContract

/// The contract, public like any API documentation (no credential needed):
///
/// - `GET /api/{version}/openapi.json` and `.yaml`: the version's OpenAPI 3.1 document;
/// - `GET /docs`: the versions; `GET /docs/{version}`: the document as a readable page,
///   self-contained (no script or asset from elsewhere).
struct ContractRoutes {
    let catalogs: CatalogStore

    func register(on router: Router<PorticoRequestContext>) {
        for (suffix, contentType) in [("json", "application/json"), ("yaml", "application/yaml")] {
            router.get("/api/:version/openapi.\(suffix)") { _, context in
                let entry = try entry(context)
                return Self.response(suffix == "json" ? entry.json : entry.yaml, contentType)
            }
        }
        router.get("/docs") { _, _ in
            let versions = catalogs.current.versions
            return Self.response(Array(DocsPage.index(versions.compactMap { catalogs.current.catalogs[$0] }).utf8), "text/html; charset=utf-8")
        }
        router.get("/docs/:version") { _, context in
            Self.response(try entry(context).html, "text/html; charset=utf-8")
        }
    }

    func entry(_ context: PorticoRequestContext) throws -> ContractCache.Entry {
        let set = catalogs.current
        let version = context.parameters.get("version") ?? ""
        guard let catalog = set.catalogs[version] else {
            throw Problem(status: .notFound, kind: "not-found", title: "Not Found",
                          detail: "There is no API version '\(version)'. Versions: \(set.versions.joined(separator: ", ")).")
        }
        do {
            return try set.contracts.entry(catalog)
        } catch {
            throw Problem.internalError
        }
    }

    static func response(_ bytes: [UInt8], _ contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType, .cacheControl: "public, max-age=300",
                                        .init("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'"],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// `Deprecation` (RFC 9745) and `Sunset` (RFC 8594) on every response of a deprecated version.
struct VersionHeadersMiddleware: RouterMiddleware {
    typealias Context = PorticoRequestContext
    let catalogs: CatalogStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Runs after routing: every route of the `api` group has the `:version` parameter.
        guard let version = context.parameters.get("version"), let settings = catalogs.current.catalogs[version]?.settings,
              settings.deprecatedOn != nil else {
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

/// Dates for headers, without Foundation formatters.
enum HTTPDates {
    /// `YYYY-MM-DD` at 00:00 UTC as Unix seconds.
    static func epochSeconds(_ date: String) -> Int? {
        let parts = date.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        let (y, m, d) = (parts[0] - (parts[1] <= 2 ? 1 : 0), parts[1], parts[2])
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return (era * 146_097 + doe - 719_468) * 86_400
    }

    /// RFC 9110 IMF-fixdate: `Wed, 30 Jun 2027 23:59:59 GMT`.
    static func imfFixdate(_ seconds: Int) -> String {
        let days = seconds / 86_400
        let rest = seconds % 86_400
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days % 7]
        let z = days + 719_468
        let era = z / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekday), \(two(day)) \(names[month - 1]) \(year) \(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60)) GMT"
    }
}

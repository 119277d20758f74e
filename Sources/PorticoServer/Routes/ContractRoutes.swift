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
    /// The document's forms, served at `/api/{version}/openapi.<suffix>`.
    static var documents: [(suffix: String, contentType: String)] { [("json", "application/json"), ("yaml", "application/yaml")] }

    func register(on router: Router<PorticoRequestContext>) {
        for (suffix, contentType) in Self.documents {
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
            throw Problem.unknownVersion(version, in: set)
        }
        do {
            return try set.contracts.entry(catalog)
        } catch {
            throw Problem.internalError
        }
    }

    static func response(_ bytes: [UInt8], _ contentType: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: contentType, .cacheControl: "public, max-age=300",
                .init("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

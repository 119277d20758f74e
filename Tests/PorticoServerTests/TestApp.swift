import Hummingbird
import Logging
import NIOCore
import PorticoAccess
import PorticoCatalog
import PorticoContract
import PorticoMySQL
import PorticoQuery
import PorticoServer
import PorticoTestSupport
import ServiceLifecycle
import Synchronization
import Testing

/// The application as `portico serve` builds it, on the demo mappings and a given pool.
enum TestApp {
    static let catalogs: CatalogSet = {
        guard case .success(let set) = CatalogSet.load(directory: "\(TestDatabase.repositoryRoot)/mappings") else {
            fatalError("the demo mappings do not compile; CatalogTests says why")
        }
        return set
    }()

    static let cursors = CursorCodec(secret: Array("test-cursor-secret-0123456789abcdef".utf8))

    static var quietLogger: Logger {
        var logger = Logger(label: "portico.tests")
        logger.logLevel = .critical
        return logger
    }

    static func build(pool: MySQLConnectionPool, principal: Principal? = nil) -> some ApplicationProtocol {
        let read = ReadSettings(catalogs: catalogs, cursors: cursors, developmentPrincipal: principal)
        return application(settings: .init(port: 0), read: read, pool: pool, logger: quietLogger)
    }
}

extension TestApp {
    /// An application on mappings of a test's own, over a scratch schema `setup` fills (it gets
    /// the admin connection, already on the schema), reading as `principal`. `body` gets the
    /// same connection, to compare what the API answers with what SQL says.
    static func withScratchApp(
        _ name: String, mappings: [CatalogCompiler.Source], principal: Principal,
        setup: (MySQLConnection) async throws -> Void, _ body: (MySQLConnection, any ApplicationProtocol) async throws -> Void
    ) async throws {
        try await TestDatabase.withScratchSchema(name) { admin in
            try await setup(admin)
            let schema = try await admin.query("SELECT DATABASE()").rows[0][0].text ?? ""
            let compiled = CatalogCompiler.compile(version: "v1", sources: mappings)
            try #require(compiled.catalogs["v1"] != nil, "\(compiled.diagnostics)")
            let pool = MySQLConnectionPool(configuration: TestDatabase.admin(database: schema), logger: quietLogger)
            let read = ReadSettings(catalogs: CatalogSet(compiled.catalogs), cursors: cursors, developmentPrincipal: principal)
            try await body(admin, application(settings: .init(port: 0), read: read, pool: pool, logger: quietLogger))
            await pool.close()
        }
    }

    /// `PorticoApplication.build` with every response checked against the contract of the
    /// catalogs it serves: a response that drifts from the document fails the test that got it.
    static func application(
        settings: ServerSettings, read: ReadSettings, pool: MySQLConnectionPool, services: [any Service] = [], logger: Logger,
        lifecycle: Lifecycle = Lifecycle(), accessLogger: Logger? = nil
    ) -> some ApplicationProtocol {
        PorticoApplication.build(
            settings: settings, read: read, pool: pool, services: services, logger: logger, lifecycle: lifecycle,
            accessLogger: accessLogger, inspector: ContractInspector(catalogs: read.catalogs, limited: read.limits != nil))
    }
}

/// Validates each response against the OpenAPI document of its version.
struct ContractInspector: RouterMiddleware {
    typealias Context = PorticoRequestContext
    let validators: [String: ResponseValidator]

    /// The demo catalogs' documents, made once: OpenAPIKit's check takes a while in debug builds.
    static let demoDocuments: [String: JSONNode] = TestApp.catalogs.catalogs.compactMapValues { try? Contract.document($0) }

    init(catalogs: CatalogSet, limited: Bool) {
        let isDemo =
            Set(catalogs.catalogs.keys) == Set(TestApp.catalogs.catalogs.keys)
            && catalogs.catalogs.allSatisfy { Set($0.value.resources.keys) == Set(TestApp.catalogs.catalogs[$0.key]?.resources.keys ?? [:].keys) }
        validators = catalogs.catalogs.compactMapValues { catalog in
            let document = isDemo ? Self.demoDocuments[catalog.version] : try? Contract.document(catalog)
            return document.map { ResponseValidator(document: $0, requireLimitHeaders: limited) }
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        let path = request.uri.path
        let parts = path.split(separator: "/")
        // A version may live under a base path of its own: then the document that covers the path is its.
        let byVersion = parts.count >= 2 && parts[0] == "api" ? validators[String(parts[1])] : nil
        guard let validator = byVersion ?? validators.values.first(where: { $0.covers(path) }), validator.covers(path) else { return response }
        var body: [UInt8] = []
        // A gzipped JSON page streams without a length: it is checked as the partner decodes it.
        let gzipped = response.headers[.contentEncoding] == "gzip"
        let isPage = response.headers[.contentType].map { $0.hasPrefix("application/json") || $0.hasPrefix("application/problem+json") } ?? false
        if response.body.contentLength != nil || (gzipped && isPage) {
            let collector = CollectingWriter()
            try await response.body.write(collector)
            body = collector.bytes
            response.body = .init(byteBuffer: ByteBuffer(bytes: body))
            if gzipped {
                guard let decoded = Gzip.decompress(body) else {
                    Issue.record("a gzip response to \(path) is not a valid gzip stream")
                    return response
                }
                body = decoded
            }
        }
        let headers = Dictionary(response.headers.map { ($0.name.canonicalName, $0.value) }, uniquingKeysWith: { a, _ in a })
        let problems = validator.validate(method: request.method.rawValue, path: path, status: response.status.code, headers: headers, body: body)
        for problem in problems { Issue.record("response does not match the contract: \(problem)") }
        return response
    }
}

/// Collects a response body that is small enough to have a length.
final class CollectingWriter: ResponseBodyWriter, @unchecked Sendable {
    var bytes: [UInt8] = []
    func write(_ buffer: ByteBuffer) async throws { bytes += buffer.readableBytesView }
    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

/// What an access test starts from: pools on the product and on Portico's (migrated) schema, an
/// authenticator with empty caches, and a partner of its own.
struct AccessFixture {
    let product: MySQLConnectionPool
    let state: MySQLConnectionPool
    let store: PartnerStore
    let partner: String
    let authenticator: Authenticator

    /// - Parameter prefix: the start of the partner's code (a random suffix keeps tests apart).
    init(partner prefix: String) async throws {
        product = MySQLConnectionPool(configuration: try TestDatabase.product(), logger: TestApp.quietLogger)
        state = MySQLConnectionPool(configuration: try TestDatabase.state(), logger: TestApp.quietLogger)
        _ = try await StateSchema.migrate(state, productSchema: "tradeflow")
        store = PartnerStore(pool: state)
        partner = "\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
        _ = try await store.addPartner(code: partner, name: nil)
        authenticator = Authenticator(
            store: MySQLAccessStore(statePool: state, productPool: product, tenantSource: .grants), logger: TestApp.quietLogger)
    }

    /// A new key of the partner's with `orders:read`.
    func issueKey() async throws -> ApiKey { try await store.issueKey(partner: partner, scopes: ["orders:read"], expires: nil) }
}

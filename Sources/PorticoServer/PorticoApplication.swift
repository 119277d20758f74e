public import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
import PorticoAccess
public import PorticoMySQL
public import ServiceLifecycle
import Synchronization

/// Where Portico listens, and the connection-level defences (see ``ConnectionGuard``).
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// Seconds a client has to send a request's head.
    public var headerTimeout: Int = 10
    /// Seconds an idle keep-alive connection is kept.
    public var idleTimeout: Int = 60
    /// Largest request head (all header fields), bytes.
    public var maxHeaderBytes: Int = 16_384
    /// Largest request body, bytes (only the token endpoint reads one).
    public var maxBodyBytes: Int = 4096
    /// Connections served at once; more wait in the listen backlog.
    public var maxConnections: Int = 1024

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }

    var http1: HTTP1Channel.Configuration {
        let headerTimeout = TimeAmount.seconds(Int64(headerTimeout))
        return HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionGuard(headerTimeout: headerTimeout)],
            idleTimeout: .seconds(Int64(idleTimeout)),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: maxHeaderBytes, maxHeaderListSize: maxHeaderBytes, maxHeaderFieldCount: 200))
    }
}

/// Shared by the listeners: whether the process is draining, and its metrics.
public final class Lifecycle: Sendable {
    private let drainingFlag = Atomic<Bool>(false)
    public let metrics: ServerMetrics?

    public init(metrics: ServerMetrics? = nil) { self.metrics = metrics }

    public var isDraining: Bool { drainingFlag.load(ordering: .relaxed) }
    public func startDraining() { drainingFlag.store(true, ordering: .relaxed) }
}

/// Builds the Hummingbird application: routes, unknown paths as problems, and the services it
/// runs (the database pool) under one service group with graceful shutdown on SIGTERM/SIGINT.
///
/// ```swift
/// let app = PorticoApplication.build(settings: .init(port: 8080), read: read, pool: pool, logger: logger)
/// try await app.runService()
/// ```
public enum PorticoApplication {
    public static func build(
        settings: ServerSettings, read: ReadSettings, pool: MySQLConnectionPool, services: [any Service] = [], logger: Logger,
        lifecycle: Lifecycle = Lifecycle(), accessLogger: Logger? = nil,
        inspector: (any MiddlewareProtocol<Request, Response, PorticoRequestContext>)? = nil
    ) -> some ApplicationProtocol {
        let router = Router(context: PorticoRequestContext.self)
        // Outermost, so it sees every response as the client will (tests check them against the contract).
        if let inspector { router.add(middleware: inspector) }
        router.addMiddleware {
            AccessLogMiddleware(logger: accessLogger ?? logger, metrics: lifecycle.metrics, catalogs: read.catalogStore)
            EdgeMiddleware(maxBodyBytes: settings.maxBodyBytes)
        }
        HealthRoutes(pool: pool, lifecycle: lifecycle, namesComponents: false).register(on: router)
        if let issuer = read.authenticator?.tokenIssuer {
            TokenRoutes(issuer: issuer, limits: read.limits, scopes: read.catalogs.scopes, maxBody: settings.maxBodyBytes, logger: logger)
                .register(on: router)
        }
        ReadRoutes(handler: ReadHandler(settings: read, pool: pool, logger: logger)).register(on: router)
        return Application(
            router: router,
            server: .http1(configuration: settings.http1),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "Portico",
                                 availableConnectionsDelegate: MaximumAvailableConnections(settings.maxConnections)),
            services: [pool] + services,
            logger: logger
        )
    }
}

/// What is refused at the edge, before and after routing:
/// - a declared body over the limit, before anything reads it: `413`. The token endpoint
///   answers its own way (an RFC 6749 `invalid_request`), so it is left to it;
/// - a path no route matches: a problem document (`404`, or `405` for a method other than
///   GET or HEAD under `/api/`, which is read-only) instead of an empty 404.
struct EdgeMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path != "/oauth/token", let length = request.headers.value(.contentLength).flatMap(Int.init), length > maxBodyBytes {
            throw Problem(status: .contentTooLarge, kind: "body-too-large", title: "Content Too Large",
                          detail: "Request bodies may be at most \(maxBodyBytes) bytes.")
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            if request.uri.path.hasPrefix("/api/"), request.method != .get, request.method != .head {
                throw Problem.methodNotAllowed(request.method.rawValue)
            }
            throw Problem.notFound(request.uri.path)
        }
    }
}

public import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
import PorticoAccess
public import PorticoMySQL
public import ServiceLifecycle
import Synchronization

/// Builds the Hummingbird application: routes, unknown paths as problems, and the services it
/// runs (the database pool) under one service group with graceful shutdown on SIGTERM/SIGINT.
///
/// ```swift
/// let app = PorticoApplication.build(settings: .init(port: 8080), read: read, pool: pool, logger: logger)
/// try await app.runService()
/// ```
public enum PorticoApplication {
    /// The application on the MySQL pool, which it also runs as a service.
    public static func build(
        settings: ServerSettings, read: ReadSettings, pool: MySQLConnectionPool, services: [any Service] = [], logger: Logger,
        lifecycle: Lifecycle = Lifecycle(), accessLogger: Logger? = nil,
        inspector: (any MiddlewareProtocol<Request, Response, PorticoRequestContext>)? = nil
    ) -> some ApplicationProtocol {
        build(
            settings: settings, read: read, executor: pool, services: [pool] + services, logger: logger, lifecycle: lifecycle,
            accessLogger: accessLogger, inspector: inspector)
    }

    /// The application on any executor (an in-memory one in unit tests).
    ///
    /// - Parameters:
    ///   - settings: where to listen, and the connection-level limits.
    ///   - read: catalogs, cursors, credentials and limits.
    ///   - executor: where planned reads run.
    ///   - services: what runs beside the server (pools, quota flushing), shut down after it.
    ///   - inspector: an outermost middleware that sees every response (tests validate them against the contract).
    ///   - gateway: the proxied routes' gateway, when not the standard one (on the process environment).
    public static func build<Executor: ReadExecutor>(
        settings: ServerSettings, read: ReadSettings, executor: Executor, services: [any Service] = [], logger: Logger,
        lifecycle: Lifecycle = Lifecycle(), accessLogger: Logger? = nil,
        inspector: (any MiddlewareProtocol<Request, Response, PorticoRequestContext>)? = nil, gateway: Gateway? = nil
    ) -> some ApplicationProtocol {
        let router = Router(context: PorticoRequestContext.self)
        // The inspector outermost, so it sees every response as the client will (tests check them against the contract).
        let outer: [any MiddlewareProtocol<Request, Response, PorticoRequestContext>] =
            (inspector.map { [$0] } ?? []) + [
                AccessLogMiddleware(logger: accessLogger ?? logger, metrics: lifecycle.metrics),
                EdgeMiddleware(maxBodyBytes: settings.maxBodyBytes),
            ]
        for stage in outer { router.add(middleware: stage) }
        HealthRoutes(database: executor, lifecycle: lifecycle, namesComponents: false).register(on: router)
        if let issuer = read.authenticator?.tokenIssuer {
            TokenRoutes(issuer: issuer, limits: read.limits, scopes: read.catalogs.scopes, maxBody: settings.maxBodyBytes, logger: logger)
                .register(on: router)
        }
        let gateway =
            gateway
            ?? Gateway(
                logger: logger, trustedProxies: read.limits?.settings.trustedProxies ?? [], health: lifecycle.upstreams, metrics: lifecycle.metrics)
        let reads = ReadRoutes(handler: ReadHandler(settings: read, executor: executor, logger: logger), gateway: gateway)
            .register(on: router, outer: outer)
        return Application(
            responder: BasePathResponder(
                router: ReadPathResponder(router: router.buildResponder(), reads: reads), catalogs: read.catalogStore),
            server: .http1(configuration: settings.http1),
            configuration: .init(
                address: .hostname(settings.host, port: settings.port), serverName: "Portico",
                availableConnectionsDelegate: MaximumAvailableConnections(settings.maxConnections)),
            services: services + [gateway],
            logger: logger
        )
    }
}

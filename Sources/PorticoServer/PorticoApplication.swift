public import Hummingbird
import PorticoAccess
public import Logging
public import PorticoMySQL
public import ServiceLifecycle

/// Where Portico listens.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// Builds the Hummingbird application: routes, unknown paths as problems, and the services it
/// runs (the database pool) under one service group with graceful shutdown on SIGTERM/SIGINT.
///
/// ```swift
/// let app = PorticoApplication.build(settings: .init(port: 8080), pool: pool, logger: logger)
/// try await app.runService()
/// ```
public enum PorticoApplication {
    public static func build(
        settings: ServerSettings, read: ReadSettings, pool: MySQLConnectionPool, services: [any Service] = [], logger: Logger
    ) -> some ApplicationProtocol {
        let router = Router(context: PorticoRequestContext.self)
        router.addMiddleware {
            RequestIDMiddleware()
            NotFoundMiddleware()
        }
        HealthRoutes(pool: pool).register(on: router)
        if let issuer = read.authenticator?.tokenIssuer {
            TokenRoutes(issuer: issuer, limits: read.limits, scopes: read.catalogs.scopes, logger: logger).register(on: router)
        }
        ReadRoutes(handler: ReadHandler(settings: read, pool: pool, logger: logger)).register(on: router)
        return Application(
            router: router,
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "Portico"),
            services: [pool] + services,
            logger: logger
        )
    }
}

/// Answers unmatched paths with a problem document instead of an empty 404.
struct NotFoundMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            throw Problem.notFound(request.uri.path)
        }
    }
}

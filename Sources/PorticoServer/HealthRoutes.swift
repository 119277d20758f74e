import Hummingbird
import NIOCore
import PorticoMySQL

/// Liveness and readiness, for load balancers and orchestrators.
///
/// - `GET /healthz`: 200 while the process serves HTTP at all; it never touches the database.
/// - `GET /readyz`: 200 when a database connection answers a ping within the pool's acquire
///   timeout and the process is not draining, else a 503 problem with `Retry-After`, so a
///   balancer stops sending traffic until the database is back (or moves to other instances).
struct HealthRoutes {
    let pool: MySQLConnectionPool
    let lifecycle: Lifecycle

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/healthz") { _, _ in
            Self.json(#"{"status":"ok"}"#)
        }
        router.get("/readyz") { _, _ -> Response in
            guard !lifecycle.isDraining else {
                throw Problem.unavailable("This instance is shutting down; use another.", retryAfter: 5)
            }
            guard await pool.isHealthy() else {
                throw Problem.unavailable("The product database is not reachable; retry shortly.", retryAfter: 5)
            }
            return Self.json(#"{"status":"ready","database":"ok"}"#)
        }
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

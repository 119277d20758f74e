import Hummingbird
import NIOCore
import PorticoMySQL

/// Liveness and readiness, for load balancers and orchestrators.
///
/// - `GET /healthz`: 200 while the process serves HTTP at all; it never touches the database.
/// - `GET /readyz`: 200 when a database connection answers a ping within the pool's acquire
///   timeout and the process is not draining, else a 503 problem with `Retry-After`, so a
///   balancer stops sending traffic until the database is back (or moves to other instances).
///   With `gateway.readiness_includes_upstreams`, also a 503 while a proxied route has every
///   upstream target ejected (``UpstreamHealth``).
///
/// The admin listener names what is not ready (`database`); the public listener, which anyone
/// can reach, answers with the bare status only, so it tells outsiders nothing about the
/// components behind it. Probes should use the admin listener where they can reach it.
struct HealthRoutes {
    let database: any ReadExecutor
    let lifecycle: Lifecycle
    /// Whether answers name components (the admin listener) or give only the status (public).
    let namesComponents: Bool

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/healthz") { _, _ in
            Self.json(#"{"status":"ok"}"#)
        }
        router.get("/readyz") { _, _ -> Response in
            guard !lifecycle.isDraining else {
                throw Problem.unavailable("This instance is shutting down; use another.", retryAfter: 5)
            }
            guard await database.isHealthy() else {
                throw Problem.unavailable(
                    namesComponents ? "The product database is not reachable; retry shortly." : "Not ready; retry shortly.",
                    retryAfter: 5)
            }
            if lifecycle.readinessIncludesUpstreams, case let down = lifecycle.upstreams.unavailableRoutes, !down.isEmpty {
                throw Problem.unavailable(
                    namesComponents
                        ? "Every upstream target of \(down.joined(separator: ", ")) is ejected after failures; retry shortly."
                        : "Not ready; retry shortly.", retryAfter: 5)
            }
            return Self.json(namesComponents ? #"{"status":"ready","database":"ok"}"# : #"{"status":"ready"}"#)
        }
    }

    static func json(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

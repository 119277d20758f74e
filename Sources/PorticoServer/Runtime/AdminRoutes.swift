import Hummingbird
import Logging
import NIOCore
import PorticoShape

/// The admin listener (loopback by default): `/healthz`, `/readyz`, `/metrics` (Prometheus
/// text format) and `POST /reload`. Never expose it to partners.
enum AdminRoutes {
    static func application(host: String, port: Int, runtime: PorticoRuntime) -> some ApplicationProtocol {
        let router = Router()
        HealthRoutes(database: runtime.productPool, lifecycle: runtime.lifecycle, namesComponents: true).register(on: router)
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: runtime.metrics.render())))
        }
        router.post("/reload") { _, _ in
            let outcome = runtime.reload()
            var json = "{\"result\":\"\(outcome.succeeded ? "ok" : "refused")\",\"messages\":["
            json +=
                outcome.messages.map { message -> String in
                    JSONWriter.quoted(message)
                }.joined(separator: ",") + "]}"
            return Response(
                status: outcome.succeeded ? .ok : .unprocessableContent, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "Portico-admin"),
            logger: runtime.logger
        )
        .onRunning { port in runtime.bound("admin", port) }
    }
}

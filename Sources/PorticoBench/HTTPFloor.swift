import Hummingbird
import Logging

/// The floor under every HTTP figure: Hummingbird with its default configuration and one route
/// that answers a constant 15-byte JSON body, the response `/healthz` gives. No middleware,
/// credentials, limits, database or shaping. What a request costs at least with this HTTP
/// stack on this machine; `scripts/bench` runs it under the same wrk load as P1–P5.
enum HTTPFloor {
    static let path = "/floor"

    static func serve(port: Int, logger: Logger) async throws {
        let router = Router()
        router.get(RouterPath(path)) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        try await app.runService()
    }
}

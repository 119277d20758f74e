import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A legacy product's HTTP server that misbehaves on request, started by the gateway tests on
/// a real loopback port: Basic credential, cookies and hop-by-hop headers, a slow head, a body
/// that stalls, HTML errors, a redirect to a login page, a flaky 503, a large file, a reset mid-body, a 200 KB header, and a 512 MiB file.
final class TestUpstream: Sendable {
    static let user = "portico"
    static let password = "legacy-s3cret"
    let port: Int
    private let task: Task<Void, any Error>
    private let log: Log

    /// What reached the upstream, and the gate its slow routes wait at.
    final class Log: Sendable {
        let hits = Mutex<[String: Int]>([:])
        /// The last request's headers, by lower-cased name, and its `:path`.
        let seen = Mutex<[String: String]>([:])
        /// Closed until ``TestUpstream/stop()``: the slow head and the stalled body wait here,
        /// so they stay slow however long the gateway takes, not for a time the test guesses.
        let gate = Gate()
    }

    /// The `endless` route's size (512 MiB): far more than any buffer between the upstream and a partner.
    static let endlessBytes = 8192 * 65_536

    /// Callers of ``wait()`` stay suspended until ``open()``.
    final class Gate: Sendable {
        private let state = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

        func wait() async {
            await withCheckedContinuation { continuation in
                let resume = state.withLock { state -> Bool in
                    if state.open { return true }
                    state.waiting.append(continuation)
                    return false
                }
                if resume { continuation.resume() }
            }
        }

        func open() {
            let waiting = state.withLock { state in
                state.open = true
                defer { state.waiting = [] }
                return state.waiting
            }
            for continuation in waiting { continuation.resume() }
        }
    }

    private init(port: Int, task: Task<Void, any Error>, log: Log) {
        self.port = port
        self.task = task
        self.log = log
    }

    /// How many requests reached a route (`flaky`, `files`, …).
    func count(_ route: String) -> Int { log.hits.withLock { $0[route] ?? 0 } }
    /// The last request's headers, by lower-cased name, and its `:path`.
    func lastHeaders() -> [String: String] { log.seen.withLock { $0 } }

    static func start() async throws -> TestUpstream {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let log = Log()
        let router = Router()
        let expected = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        @Sendable func record(_ route: String, _ request: Request) throws {
            log.hits.withLock { $0[route, default: 0] += 1 }
            log.seen.withLock { seen in
                seen = [:]
                for field in request.headers { seen[field.name.canonicalName] = field.value }
                seen[":path"] = request.uri.description
            }
            guard request.headers[.authorization] == expected else {
                throw HTTPError(.unauthorized)
            }
        }
        router.head("files/:account/:name") { request, _ -> Response in
            try record("files", request)
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentLength: "30"])
        }
        router.get("files/:account/:name") { request, context -> Response in
            try record("files", request)
            let name = context.parameters.get("name") ?? ""
            let account = context.parameters.get("account") ?? ""
            guard !name.hasPrefix("missing") else {
                return Response(
                    status: .notFound, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: "<h1>Not here</h1>")))
            }
            let text = "account,file\n\(account),\(name)\n"
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8", .eTag: "\"v1\"", .setCookie: "session=legacy; HttpOnly", .server: "LegacyApache/2.2",
                    .init("X-Powered-By")!: "PHP/5.3", .init("Keep-Alive")!: "timeout=5", .init("X-Internal-Host")!: "db-7.internal",
                    .cacheControl: "private, max-age=60",
                ],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("slow/:account/:name") { request, _ -> Response in
            try record("slow", request)
            await log.gate.wait()
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "late")))
        }
        router.get("stall/:account/:name") { request, _ -> Response in
            try record("stall", request)
            return Response(
                status: .ok, headers: [.contentType: "text/csv"],
                body: ResponseBody(contentLength: 100_000) { writer in
                    try await writer.write(ByteBuffer(repeating: UInt8(ascii: "x"), count: 10_000))
                    await log.gate.wait()
                    try await writer.finish(nil)
                })
        }
        router.get("error/:account/:name") { request, _ -> Response in
            try record("error", request)
            return Response(
                status: .internalServerError, headers: [.contentType: "text/html"],
                body: .init(byteBuffer: ByteBuffer(string: "<html>Fatal error: stack trace at /var/www/export.php:12</html>")))
        }
        router.get("redirect/:account/:name") { request, _ -> Response in
            try record("redirect", request)
            return Response(status: .found, headers: [.location: "/login?next=/exports"])
        }
        router.get("flaky/:account/:name") { request, _ -> Response in
            try record("flaky", request)
            let n = log.hits.withLock { $0["flaky"] ?? 0 }
            if n % 2 == 1 { return Response(status: .serviceUnavailable) }
            return Response(status: .ok, headers: [.contentType: "text/csv"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("big/:account/:name") { request, _ -> Response in
            try record("big", request)
            let chunk = ByteBuffer(repeating: UInt8(ascii: "a"), count: 65_536)
            return Response(
                status: .ok, headers: [.contentType: "text/csv"],
                body: ResponseBody(contentLength: 128 * 65_536) { writer in
                    for _ in 0..<128 { try await writer.write(chunk) }
                    try await writer.finish(nil)
                })
        }
        router.get("legacy/products/:id") { request, context -> Response in
            try record("legacy", request)
            let id = context.parameters.get("id") ?? ""
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"id":"\#(id)","sku":"SKU-1","title":"Product 1"}"#)))
        }
        router.get("reset/:account/:name") { request, _ -> Response in
            try record("reset", request)
            return Response(
                status: .ok, headers: [.contentType: "text/csv"],
                body: ResponseBody(contentLength: 100_000) { writer in
                    try await writer.write(ByteBuffer(repeating: UInt8(ascii: "x"), count: 10_000))
                    throw HTTPError(.internalServerError)  // Hummingbird closes the connection mid-body
                })
        }
        router.get("shortreset/:account/:name") { request, _ -> Response in
            try record("shortreset", request)
            return Response(
                status: .ok, headers: [.contentType: "text/csv"],
                body: ResponseBody(contentLength: 1_000) { writer in
                    try await writer.write(ByteBuffer(repeating: UInt8(ascii: "x"), count: 100))
                    throw HTTPError(.internalServerError)
                })
        }
        router.get("huge/:account/:name") { request, _ -> Response in
            try record("huge", request)
            return Response(
                status: .ok, headers: [.contentType: "text/csv", .init("X-Padding")!: String(repeating: "p", count: 200_000)],
                body: .init(byteBuffer: ByteBuffer(string: "a\n")))
        }
        router.get("endless/:account/:name") { request, _ -> Response in
            try record("endless", request)
            let chunk = ByteBuffer(repeating: UInt8(ascii: "e"), count: 65_536)
            return Response(
                status: .ok, headers: [.contentType: "text/csv"],
                body: ResponseBody(contentLength: endlessBytes) { writer in
                    for _ in 0..<(endlessBytes / 65_536) {
                        try await writer.write(chunk)
                    }
                    try await writer.finish(nil)
                })
        }
        var logger = Logger(label: "test-upstream")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                if let port = channel.localAddress?.port { continuation.yield(port) }
                continuation.finish()
            }, logger: logger)
        let task = Task { try await app.runService() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw HTTPError(.internalServerError) }
        return TestUpstream(port: port, task: task, log: log)
    }

    func stop() async {
        log.gate.open()
        task.cancel()
        _ = await task.result
    }
}

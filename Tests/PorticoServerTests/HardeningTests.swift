import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoMySQL
import PorticoServer
import PorticoTestSupport
import Testing

/// Connection-level defaults, over real sockets: slow headers, oversized heads, request
/// smuggling shapes, pipelining, bodies.
@Suite("HTTP hardening")
struct HardeningTests {
    static func withServer(_ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        var settings = ServerSettings(port: 0)
        settings.headerTimeout = 1
        settings.maxHeaderBytes = 4096
        settings.maxBodyBytes = 100
        let pool = MySQLConnectionPool(configuration: try TestDatabase.product(), logger: TestApp.quietLogger)
        let read = ReadSettings(catalogs: TestApp.catalogs, cursors: TestApp.cursors, developmentPrincipal: ReadApiTests.acme)
        let app = TestApp.application(settings: settings, read: read, pool: pool, logger: TestApp.quietLogger)
        try await app.test(.live) { client in try await body(try #require(client.port)) }
    }

    @Test("a client that trickles its headers is cut off with 408 at the header deadline")
    func slowHeaders() async throws {
        try await Self.withServer { port in
            // The trickle would complete after 8 s; the 1 s deadline must cut it long before.
            let chunks = ["GET /healthz HTTP/1.1\r\n"] + Array(repeating: "X-Slow: 1\r\n", count: 20) + ["\r\n"]
            let exchange = await RawHTTP.exchange(port: port, chunks, pause: 0.4)
            #expect(exchange.received.hasPrefix("HTTP/1.1 408 Request Timeout"), "\(exchange.received)")
            #expect(exchange.firstByte > 0.9 && exchange.firstByte < 5, "cut after \(exchange.firstByte) s")
            // A connection that sends nothing at all is closed the same way.
            let silent = await RawHTTP.exchange(port: port, [])
            #expect(silent.received.hasPrefix("HTTP/1.1 408") && silent.firstByte < 5)
            // A prompt client on the same server is served.
            let prompt = await RawHTTP.exchange(port: port, ["GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"])
            #expect(prompt.received.hasPrefix("HTTP/1.1 200 OK"))
        }
    }

    @Test("on a keep-alive connection each head has its own deadline, counted from its first byte")
    func keepAliveDeadlines() async throws {
        try await Self.withServer { port in
            let (outcome, trickled) = await withCheckedContinuation { (continuation: CheckedContinuation<([String], Double), Never>) in
                Thread { continuation.resume(returning: Self.keepAliveSession(port: port)) }.start()
            }
            #expect(outcome.count == 3, "\(outcome)")
            #expect(outcome.first?.hasPrefix("HTTP/1.1 200") == true, "first: \(outcome)")
            // Idle for longer than the header deadline between requests is the idle timeout's
            // business: a prompt request after it is served.
            #expect(outcome.dropFirst().first?.hasPrefix("HTTP/1.1 200") == true, "after idling: \(outcome)")
            // A later head that trickles is cut off at its own deadline.
            #expect(outcome.last?.hasPrefix("HTTP/1.1 408") == true, "trickled: \(outcome)")
            #expect(trickled > 0.9 && trickled < 5, "cut \(trickled) s after the third head's first byte")
        }
    }

    /// Three requests on one connection: prompt, prompt after 1.6 s idle, then trickled.
    /// Returns what each received, and how long the third took from its first byte to its answer.
    static func keepAliveSession(port: Int) -> ([String], Double) {
        guard let fd = RawHTTP.connect(port: port) else { return ([], 0) }
        defer { close(fd) }
        var limit = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        func send(_ text: String) { _ = text.withCString { Glibc.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) } }
        func receive() -> String {
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = recv(fd, &buffer, buffer.count, 0)
            return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
        }
        var answers: [String] = []
        let request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        send(request)
        answers.append(receive())
        Thread.sleep(forTimeInterval: 1.6)
        send(request)
        answers.append(receive())
        let third = Date()
        send("GET /healthz HTTP/1.1\r\n")
        for _ in 0..<20 {  // 8 s of trickle against the 1 s deadline
            Thread.sleep(forTimeInterval: 0.4)
            var peek = [UInt8](repeating: 0, count: 1)
            if recv(fd, &peek, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) > 0 { break }
            send("X-Slow: 1\r\n")
        }
        answers.append(receive())
        return (answers, Date().timeIntervalSince(third))
    }

    @Test("a head over the size limit is 431; conflicting Content-Length and Transfer-Encoding is 400")
    func malformed() async throws {
        try await Self.withServer { port in
            let big = await RawHTTP.exchange(
                port: port, ["GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 8000))\r\n\r\n"])
            #expect(big.received.hasPrefix("HTTP/1.1 431"), "\(big.received.prefix(80))")
            let smuggle = await RawHTTP.exchange(
                port: port,
                [
                    "POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\n\r\n"
                ])
            #expect(smuggle.received.hasPrefix("HTTP/1.1 400 Bad Request"), "\(smuggle.received.prefix(80))")
            #expect(!smuggle.received.contains("200 OK"), "the smuggled request was answered")
            let body = await RawHTTP.exchange(
                port: port,
                ["GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\nConnection: close\r\n\r\n" + String(repeating: "b", count: 500)])
            #expect(body.received.hasPrefix("HTTP/1.1 413"), "\(body.received.prefix(80))")
        }
    }

    @Test("pipelined requests are answered in order")
    func pipelining() async throws {
        try await Self.withServer { port in
            let requests = (1...5).map {
                "GET \($0 == 3 ? "/nowhere" : "/api/v1/orders?limit=1&fields=id") HTTP/1.1\r\nHost: x\r\nX-Request-Id: req-\($0)\r\n\($0 == 5 ? "Connection: close\r\n" : "")\r\n"
            }
            let exchange = await RawHTTP.exchange(port: port, [requests.joined()])
            let ids = exchange.received.matches(of: /X-Request-Id: (req-\d)/).map { String($0.1) }
            #expect(ids == ["req-1", "req-2", "req-3", "req-4", "req-5"], "\(exchange.received.prefix(300))")
            let statuses = exchange.received.matches(of: /HTTP\/1.1 (\d{3})/).map { String($0.1) }
            #expect(statuses == ["200", "200", "404", "200", "200"])
        }
    }
}

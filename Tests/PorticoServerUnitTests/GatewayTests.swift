import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoAccess
import PorticoCatalog
import PorticoContract
import PorticoServer
import PorticoTestSupport
import PorticoValues
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Proxied routes against a real HTTP upstream the test starts on loopback (``TestUpstream``):
/// what a partner gets back for each way a legacy server behaves or misbehaves.
@Suite("Legacy gateway (no database)", .serialized)
struct GatewayTests {
    static let partner = Principal(partner: "acme", credentialID: nil, scopes: ["exports:read"], tenants: [.uint(1), .uint(2)], plan: nil)

    /// Timeouts for routes that must answer: generous, so a loaded machine does not turn a served file into a 504.
    static let patient = "{connect: 5s, first_byte: 30s, idle: 30s}"
    /// Timeouts for the routes whose upstream never answers in time (it waits at the test's gate).
    static let impatient = "{connect: 5s, first_byte: 300ms, idle: 300ms}"

    /// A proxied route named `name` to the upstream's `/<name>/{account}/{file}`.
    static func route(
        _ name: String, port: Int, passwordFile: String, extra: String = "", targets: String? = nil, timeouts: String = patient
    ) -> CatalogCompiler.Source {
        CatalogCompiler.Source(
            path: "mappings/v1/\(name).yaml",
            text: """
                kind: proxy
                description: Legacy \(name).
                path: \(name)/{account}/{file}
                scope: exports:read
                parameters:
                  account: {type: integer}
                  file: {pattern: '[A-Za-z0-9][A-Za-z0-9._-]{0,99}'}
                tenant: {parameter: account}
                query:
                  since: {type: date}
                upstream:
                  targets: \(targets ?? "[http://127.0.0.1:\(port)]")
                  path: /\(name)/{account}/{file}
                  credential: {basic: {user: \(TestUpstream.user), password_file: \(passwordFile)}}
                timeouts: \(timeouts)
                media_types: [text/csv]
                \(extra)
                """)
    }

    static func catalogs(_ upstream: TestUpstream, password: String = TestUpstream.password) throws -> CatalogSet {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("portico-upstream-\(UUID().uuidString)").path
        try password.write(toFile: file, atomically: true, encoding: .utf8)
        let port = upstream.port
        let sources =
            ["files", "error", "redirect", "big", "reset", "shortreset", "huge", "endless"].map { route($0, port: port, passwordFile: file) }
            + ["slow", "stall"].map { route($0, port: port, passwordFile: file, timeouts: impatient) } + [
                route("flaky", port: port, passwordFile: file, extra: "retries: {attempts: 2, statuses: [503]}"),
                // async-http-client keeps retrying a refused connection until the connect timeout:
                // a short one keeps the test short (the verdict does not depend on it).
                route(
                    "files2", port: port, passwordFile: file, targets: "[http://127.0.0.1:9, http://127.0.0.1:\(port)]",
                    timeouts: "{connect: 1s, first_byte: 30s, idle: 30s}"
                )
                .replacing(upstreamPath: "/files/{account}/{file}"),
            ]
        let compiled = CatalogCompiler.compile(version: "v1", sources: sources)
        let catalog = try #require(compiled.catalogs["v1"], "\(compiled.diagnostics)")
        return CatalogSet(["v1": catalog])
    }

    static func withGateway(
        password: String = TestUpstream.password, principal: Principal = partner, authenticator: Authenticator? = nil,
        _ body: @Sendable (TestUpstream, any TestClientProtocol) async throws -> Void
    ) async throws {
        let upstream = try await TestUpstream.start()
        let app = UnitApp.build(
            UnitApp.executor(), principal: principal, authenticator: authenticator, catalogs: try catalogs(upstream, password: password))
        do {
            try await app.test(.router) { client in try await body(upstream, client) }
        } catch {
            await upstream.stop()
            throw error
        }
        await upstream.stop()
    }

    static func problem(_ response: TestResponse) throws -> [String: Any] {
        #expect(response.headers[.contentType] == "application/problem+json")
        return try PipelineTests.json(response)
    }

    @Test("a file streams through with the upstream's own credential; the partner's credential, cookies and other headers never cross")
    func forwarding() async throws {
        let store = InMemoryAccessStore()
        store.addPartner("acme", tenants: [1])
        let key = store.issueKey(partner: "acme", scopes: ["exports:read"])
        try await Self.withGateway(authenticator: Authenticator(store: store, logger: UnitApp.quietLogger)) { upstream, client in
            let response = try await client.execute(
                uri: "/api/v1/files/1/2026-12-01.csv?since=2026-11-30", method: .get,
                headers: [
                    .authorization: "Bearer \(key.token)", .cookie: "portal=1", .accept: "text/csv",
                    .init("X-Request-Id")!: "req-7", .init("X-Custom")!: "nope", .range: "bytes=0-",
                ])
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "account,file\n1,2026-12-01.csv\n")
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8" && response.headers[.eTag] == "\"v1\"")
            #expect(response.headers[.cacheControl] == "private, max-age=60")
            for hidden in ["Set-Cookie", "Server", "X-Powered-By", "Keep-Alive", "X-Internal-Host"] {
                #expect(
                    response.headers[.init(hidden)!] == nil || hidden == "Server" && response.headers[.server] != "LegacyApache/2.2",
                    "\(hidden) reached the partner")
            }
            let seen = upstream.lastHeaders()
            #expect(seen["authorization"] == "Basic " + Data("\(TestUpstream.user):\(TestUpstream.password)".utf8).base64EncodedString())
            #expect(seen["cookie"] == nil && seen["x-custom"] == nil)
            #expect(!seen.values.contains { $0.contains(key.token) }, "the partner's key reached the upstream")
            #expect(seen["x-request-id"] == "req-7" && seen["accept"] == "text/csv" && seen["range"] == "bytes=0-")
            #expect(seen["via"] == "1.1 portico")
            #expect(seen[":path"] == "/files/1/2026-12-01.csv?since=2026-11-30")
        }
    }

    @Test(
        "a partner can never make the upstream serve another tenant or another file: every such path is the same 404, and nothing is asked",
        arguments: [
            "/api/v1/files/3/2026-12-01.csv", "/api/v1/files/01/a.csv", "/api/v1/files/1/..", "/api/v1/files/1/%2E%2E",
            "/api/v1/files/1/..%2F..%2Fetc%2Fpasswd", "/api/v1/files/1/a%2Fb.csv", "/api/v1/files/1%2F..%2F3/a.csv", "/api/v1/files/1/%00a",
            "/api/v1/files/1/.hidden", "/api/v1/files/x/a.csv",
        ])
    func tenancy(_ uri: String) async throws {
        try await Self.withGateway { upstream, client in
            let response = try await client.execute(uri: uri, method: .get)
            #expect(response.status == .notFound, "\(uri): \(String(buffer: response.body))")
            #expect(upstream.count("files") == 0, "\(uri) reached the upstream")
        }
    }

    @Test("query parameters: only the declared pass, each once and well-formed; others are 400s that name them")
    func query() async throws {
        try await Self.withGateway { upstream, client in
            for (uri, parameter) in [
                ("/api/v1/files/1/a.csv?account=3", "account"), ("/api/v1/files/1/a.csv?since=2026-11-30&since=2026-01-01", "since"),
                ("/api/v1/files/1/a.csv?since=yesterday", "since"),
            ] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .badRequest, "\(uri)")
                #expect(try Self.problem(response)["detail"].map { "\($0)".contains(parameter) } == true)
            }
            #expect(upstream.count("files") == 0)
        }
    }

    @Test("the upstream's errors never reach the partner: its 404 is Portico's 404, HTML 500s and redirects are 502s, a refused credential a 502")
    func upstreamErrors() async throws {
        try await Self.withGateway { upstream, client in
            let same: HTTPFields = [.init("X-Request-Id")!: "same"]
            let missing = try await client.execute(uri: "/api/v1/files/1/missing.csv", method: .get, headers: same)
            let other = try await client.execute(uri: "/api/v1/files/3/missing.csv", method: .get, headers: same)
            #expect(upstream.count("files") == 1, "the ungranted account reached the upstream")
            #expect(missing.status == .notFound && other.status == .notFound)
            let one = String(buffer: missing.body).replacingOccurrences(of: "/1/", with: "/N/")
            let three = String(buffer: other.body).replacingOccurrences(of: "/3/", with: "/N/")
            #expect(one == three, "an upstream 404 differs from a tenant refusal: \(one) \(three)")
            for route in ["error", "redirect"] {
                let response = try await client.execute(uri: "/api/v1/\(route)/1/a.csv", method: .get)
                #expect(response.status == .badGateway, "\(route)")
                let body = String(buffer: response.body)
                #expect(!body.contains("stack") && !body.contains("login") && !body.contains("html"), "\(route): \(body)")
                #expect(response.headers[.location] == nil)
            }
        }
        try await Self.withGateway(password: "wrong") { _, client in
            let response = try await client.execute(uri: "/api/v1/files/1/a.csv", method: .get)
            #expect(response.status == .badGateway)
        }
    }

    @Test("a slow head is a 504; a declared status is retried once on GET; a target that refuses connections is passed over")
    func timeoutsAndRetries() async throws {
        try await Self.withGateway { upstream, client in
            let slow = try await client.execute(uri: "/api/v1/slow/1/a.csv", method: .get)
            #expect(slow.status == .gatewayTimeout)
            let flaky = try await client.execute(uri: "/api/v1/flaky/1/a.csv", method: .get)
            #expect(flaky.status == .ok && upstream.count("flaky") == 2, "\(upstream.count("flaky")) tries")
            for _ in 0..<2 {
                let balanced = try await client.execute(uri: "/api/v1/files2/1/a.csv", method: .get)
                #expect(balanced.status == .ok, "\(String(buffer: balanced.body))")
            }
        }
    }

    @Test(
        "proxied routes are in the version's contract and on its docs page, with their parameters, media types and the gateway's errors; responses validate"
    )
    func contract() async throws {
        let upstream = try await TestUpstream.start()
        let set = try Self.catalogs(upstream)
        let catalog = try #require(set.catalogs["v1"])
        let document = try Contract.document(catalog)
        let text = document.jsonText
        #expect(text.contains(#""/api/v1/files/{account}/{file}""#))
        #expect(text.contains(#""get_files""#) && text.contains("#/components/responses/bad_gateway"))
        #expect(text.contains(#""^(?:[A-Za-z0-9][A-Za-z0-9._-]{0,99})$""#) && text.contains(#""text/csv""#))
        #expect(text.contains("https://portico.dev/problems/gateway-timeout"))
        let page = DocsPage.render(catalog)
        #expect(page.contains(#"<h2 id="files">files</h2>"#) && page.contains("<code>GET /api/v1/files/{account}/{file}</code>"))
        #expect(page.contains("scope <code>exports:read</code>") && page.contains("<code>text/csv</code>"))
        #expect(page.contains("<td><code>since</code></td><td>query</td>") && page.contains(##"<a href="#files">files</a>"##))
        let validator = ResponseValidator(document: document, requireLimitHeaders: false)
        try await UnitApp.build(UnitApp.executor(), principal: Self.partner, catalogs: set).test(.router) { client in
            for uri in ["/api/v1/files/1/a.csv", "/api/v1/files/3/a.csv", "/api/v1/error/1/a.csv", "/api/v1/files/1/a.csv?colour=red"] {
                let response = try await client.execute(uri: uri, method: .get)
                let headers = Dictionary(response.headers.map { ($0.name.canonicalName, $0.value) }, uniquingKeysWith: { a, _ in a })
                let path = String(uri.prefix { $0 != "?" })
                let problems = validator.validate(
                    method: "GET", path: path, status: Int(response.status.code), headers: headers, body: Array(response.body.readableBytesView))
                #expect(problems.isEmpty, "\(uri): \(problems)")
            }
        }
        await upstream.stop()
    }

    @Test("scope, methods and HEAD: a credential without the scope is a 403 before the upstream; POST is a 405; HEAD has no body")
    func scopeAndMethods() async throws {
        let other = Principal(partner: "acme", credentialID: nil, scopes: ["orders:read"], tenants: [.uint(1)], plan: nil)
        try await Self.withGateway(principal: other) { upstream, client in
            let response = try await client.execute(uri: "/api/v1/files/1/a.csv", method: .get)
            #expect(response.status == .forbidden)
            #expect(upstream.count("files") == 0)
        }
        try await Self.withGateway { upstream, client in
            let post = try await client.execute(uri: "/api/v1/files/1/a.csv", method: .post)
            #expect(post.status == .methodNotAllowed && post.headers[.allow] == "GET, HEAD")
            let head = try await client.execute(uri: "/api/v1/files/1/a.csv", method: .head)
            #expect(head.status == .ok && head.body.readableBytes == 0)
        }
    }

    @Test("a large file streams whole; a body that stalls after the head ends the exchange with an error, never as a complete file")
    func streaming() async throws {
        let upstream = try await TestUpstream.start()
        let app = UnitApp.build(UnitApp.executor(), principal: Self.partner, catalogs: try Self.catalogs(upstream))
        try await app.test(.live) { client in
            let big = try await client.execute(uri: "/api/v1/big/1/a.csv", method: .get)
            #expect(big.status == .ok && big.body.readableBytes == 128 * 65_536)
            #expect(big.headers[.contentLength] == String(128 * 65_536))
            var completed = false
            do {
                let stalled = try await client.execute(uri: "/api/v1/stall/1/a.csv", method: .get)
                completed = stalled.status == .ok && stalled.body.readableBytes == 100_000
            } catch {
                completed = false
            }
            #expect(!completed, "a stalled upstream body was delivered as if complete")
        }
        await upstream.stop()
    }
}

extension GatewayTests {
    @Test("a connection reset mid-body aborts the partner's download (a small body's is a 502); a 200 KB upstream header is a 502, not a crash")
    func brokenUpstreams() async throws {
        let upstream = try await TestUpstream.start()
        let app = UnitApp.build(UnitApp.executor(), principal: Self.partner, catalogs: try Self.catalogs(upstream))
        try await app.test(.live) { client in
            // A raw socket sees what the partner sees: the head, 10,000 bytes, then the connection closed.
            let port = try #require(client.port)
            let reader = await PartnerReader.read(port: port, path: "/api/v1/reset/1/a.csv")
            #expect(reader.head.hasPrefix("HTTP/1.1 200") && reader.head.lowercased().contains("content-length: 100000"), "\(reader.head)")
            #expect(reader.received - reader.head.utf8.count < 100_000, "a reset upstream body was delivered as if complete")
        }
        try await app.test(.router) { client in
            // A small body is read whole first, so its failure is still a problem, not an abort.
            let short = try await client.execute(uri: "/api/v1/shortreset/1/a.csv", method: .get)
            #expect(short.status == .badGateway && upstream.count("shortreset") == 1, "\(short.status)")
            let huge = try await client.execute(uri: "/api/v1/huge/1/a.csv", method: .get)
            #expect(huge.status == .badGateway)
            #expect(huge.headers[.init("X-Padding")!] == nil)
            let after = try await client.execute(uri: "/api/v1/files/1/a.csv", method: .get)
            #expect(after.status == .ok, "the gateway stopped serving after a broken upstream")
        }
        await upstream.stop()
    }

    /// What Portico may hold while a partner reads a large download slowly: a few chunks and
    /// the client's buffers (measured 6–14 MiB), never the file. The process's RSS counts it;
    /// the test upstream streams one shared buffer, and sockets' buffers are the kernel's.
    static let memoryBound = 64 << 20

    @Test("a 512 MiB download read through a small window streams whole, and the process grows by less than 64 MiB")
    func slowPartner() async throws {
        let upstream = try await TestUpstream.start()
        let app = UnitApp.build(UnitApp.executor(), principal: Self.partner, catalogs: try Self.catalogs(upstream))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let baseline = residentBytes()
            // The peak is sampled while reading, whatever the pace: a gateway that buffered the
            // body would hold all of it before the partner's first byte.
            let reader = await PartnerReader.read(port: port, path: "/api/v1/endless/1/a.csv", receiveBuffer: 65_536)
            #expect(reader.received - reader.head.utf8.count == TestUpstream.endlessBytes, "the download was not whole")
            #expect(reader.peakResident - baseline < Self.memoryBound, "memory grew by \((reader.peakResident - baseline) >> 20) MiB")
        }
        await upstream.stop()
    }
}

/// A partner on a raw socket, reading a response to its end on a thread of its own (blocking
/// calls stay off the cooperative pool): what arrived, and the process's peak memory meanwhile.
enum PartnerReader {
    struct Result: Sendable {
        /// The response head, up to the blank line.
        var head = ""
        /// Bytes received, head included.
        var received = 0
        /// The process's largest resident size seen while reading.
        var peakResident = 0
    }

    /// - Parameter receiveBuffer: a fixed receive buffer for the partner's socket.
    static func read(port: Int, path: String, receiveBuffer: Int32? = nil) async -> Result {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: run(port: port, path: path, receiveBuffer: receiveBuffer)) }.start()
        }
    }

    private static func run(port: Int, path: String, receiveBuffer: Int32?) -> Result {
        var result = Result()
        guard let fd = LoopbackSocket.connect(port: port, receiveBuffer: receiveBuffer) else { return result }
        defer { close(fd) }
        let request = "GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var start: [UInt8] = []
        var reads = 0
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            result.received += count
            if result.head.isEmpty {
                start += buffer[0..<count]
                if let end = String(decoding: start, as: UTF8.self).range(of: "\r\n\r\n") {
                    result.head = String(String(decoding: start, as: UTF8.self)[..<end.upperBound])
                }
            }
            reads += 1
            if reads % 256 == 1 { result.peakResident = max(result.peakResident, residentBytes()) }
        }
        return result
    }
}

extension CatalogCompiler.Source {
    /// The same file with another `upstream.path`.
    func replacing(upstreamPath: String) -> CatalogCompiler.Source {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.trimmingCharacters(in: .whitespaces).hasPrefix("path: /") ? "  path: \(upstreamPath)" : String(line)
        }
        return CatalogCompiler.Source(path: path, text: lines.joined(separator: "\n"))
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoAccess
import PorticoMySQL
import PorticoServer
import PorticoTestSupport
import Synchronization
import Testing

/// The demo's proxied route (`mappings/v1/exports.yaml`) against the product's real export area:
/// the nginx `scripts/db` starts with the database, behind the product's Basic credential. What
/// a partner gets must be the legacy file byte for byte, with nginx's own range, conditional
/// and compression answers passed through untouched.
@Suite("Legacy exports through the gateway (MariaDB, nginx)", .serialized)
struct LegacyExportsGatewayTests {
    static let acme = Principal(partner: "acme", scopes: ["exports:read"], tenants: [.uint(1), .uint(2)])

    let pool: MySQLConnectionPool

    init() throws {
        pool = MySQLConnectionPool(configuration: try TestDatabase.product(), options: .init(maxConnections: 2), logger: TestApp.quietLogger)
    }

    /// The export area's files, as nginx serves them.
    static let directory: String = {
        let instance = ProcessInfo.processInfo.environment["PORTICO_DB_INSTANCE"] ?? "main"
        return "\(TestDatabase.repositoryRoot)/.run/db-\(instance)/www/exports"
    }()

    /// One account's file names, newest last.
    static func files(_ account: Int) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "\(directory)/\(account)").sorted()
    }

    static func bytes(_ account: Int, _ file: String) throws -> [UInt8] {
        Array(try #require(FileManager.default.contents(atPath: "\(directory)/\(account)/\(file)")))
    }

    func withClient(_ principal: Principal = acme, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try #require(ProcessInfo.processInfo.environment["TRADEFLOW_EXPORTS_URL"] != nil, "run with `eval \"$(scripts/db env)\"`")
        let app = TestApp.build(pool: pool, principal: principal)
        try await app.test(.router, body)
        await pool.close()
    }

    /// gzip -dc, through the real tool.
    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("portico-gz-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", file]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "gzip could not decompress what the partner got")
        return Array(data)
    }

    @Test("a nightly file arrives byte for byte, with its length and validators; the product's cookie, Server and X-Powered-By do not")
    func file() async throws {
        let name = try #require(try Self.files(1).last { $0.hasPrefix("orders-") && $0.hasSuffix(".csv") })
        let expected = try Self.bytes(1, name)
        try await withClient { client in
            let response = try await client.execute(uri: "/api/v1/exports/1/\(name)", method: .get)
            #expect(response.status == .ok)
            #expect(Array(response.body.readableBytesView) == expected)
            #expect(response.headers[.contentLength] == String(expected.count))
            #expect(response.headers[.contentType] == "text/csv")
            #expect(response.headers[.eTag] != nil && response.headers[.lastModified] != nil)
            #expect(response.headers[.acceptRanges] == "bytes")
            #expect(response.headers[.setCookie] == nil && response.headers[.init("X-Powered-By")!] == nil)
            #expect(response.headers[.server].map { !$0.contains("nginx") } ?? true)
        }
    }

    @Test("Range passes through: nginx's 206 and Content-Range reach the partner, with exactly the bytes asked for")
    func range() async throws {
        let name = try #require(try Self.files(2).last { $0.hasPrefix("orders-") && $0.hasSuffix(".csv") })
        let expected = try Self.bytes(2, name)
        try await withClient { client in
            let response = try await client.execute(uri: "/api/v1/exports/2/\(name)", method: .get, headers: [.range: "bytes=10-109"])
            #expect(response.status == .partialContent)
            #expect(response.headers[.contentRange] == "bytes 10-109/\(expected.count)")
            #expect(Array(response.body.readableBytesView) == Array(expected[10...109]))
            let whole = try await client.execute(uri: "/api/v1/exports/2/\(name)", method: .get)
            let tag = try #require(whole.headers[.eTag])
            let stale = try await client.execute(
                uri: "/api/v1/exports/2/\(name)", method: .get, headers: [.range: "bytes=0-9", .ifRange: "\"not-the-tag\""])
            #expect(stale.status == .ok && stale.body.readableBytes == expected.count, "If-Range with another tag must send the whole file")
            let fresh = try await client.execute(uri: "/api/v1/exports/2/\(name)", method: .get, headers: [.range: "bytes=0-9", .ifRange: tag])
            #expect(fresh.status == .partialContent && fresh.body.readableBytes == 10)
        }
    }

    @Test("conditional requests pass through: the file's ETag or date gets nginx's 304, with no body")
    func conditional() async throws {
        let name = try #require(try Self.files(1).last { $0.hasPrefix("orders-") && $0.hasSuffix(".csv") })
        try await withClient { client in
            let first = try await client.execute(uri: "/api/v1/exports/1/\(name)", method: .get)
            let tag = try #require(first.headers[.eTag])
            let modified = try #require(first.headers[.lastModified])
            for headers: HTTPFields in [[.ifNoneMatch: tag], [.ifModifiedSince: modified]] {
                let again = try await client.execute(uri: "/api/v1/exports/1/\(name)", method: .get, headers: headers)
                #expect(again.status == .notModified, "\(headers)")
                #expect(again.body.readableBytes == 0)
                #expect(again.headers[.eTag] == tag)
            }
            let changed = try await client.execute(uri: "/api/v1/exports/1/\(name)", method: .get, headers: [.ifNoneMatch: "\"other\""])
            #expect(changed.status == .ok)
        }
    }

    @Test("compression: nginx gzips a CSV for a partner who accepts it, once; an already-gzipped night comes as the file itself")
    func compression() async throws {
        let files = try Self.files(1)
        let plain = try #require(files.last { $0.hasPrefix("orders-") && $0.hasSuffix(".csv") })
        let packed = try #require(files.first { $0.hasSuffix(".csv.gz") })
        try await withClient { client in
            let gzipped = try await client.execute(uri: "/api/v1/exports/1/\(plain)", method: .get, headers: [.acceptEncoding: "gzip"])
            #expect(gzipped.status == .ok)
            #expect(gzipped.headers[.contentEncoding] == "gzip")
            #expect(gzipped.headers[.vary]?.lowercased().contains("accept-encoding") == true)
            let body = Array(gzipped.body.readableBytesView)
            #expect(try Self.gunzip(body) == (try Self.bytes(1, plain)), "one gunzip must give the legacy file back")
            let identity = try await client.execute(uri: "/api/v1/exports/1/\(plain)", method: .get)
            #expect(identity.headers[.contentEncoding] == nil, "a partner who did not ask for gzip got it")
            let file = try await client.execute(uri: "/api/v1/exports/1/\(packed)", method: .get, headers: [.acceptEncoding: "gzip"])
            #expect(file.status == .ok && file.headers[.contentEncoding] == nil)
            #expect(file.headers[.contentType] == "application/gzip")
            #expect(Array(file.body.readableBytesView) == (try Self.bytes(1, packed)), "the .csv.gz file was altered on the way")
        }
    }

    @Test("tenancy: another account's file, a file that does not exist and a name outside the pattern are the same 404")
    func tenancy() async throws {
        let name = try #require(try Self.files(3).last { $0.hasPrefix("orders-") })
        try await withClient { client in
            var seen: Set<String> = []
            for uri in ["/api/v1/exports/3/\(name)", "/api/v1/exports/1/orders-1999-01-01.csv", "/api/v1/exports/1/..%2F3%2F\(name)"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .notFound, "\(uri)")
                var problem = try ReadApiTests.json(response)
                problem["instance"] = nil
                problem["request_id"] = nil
                #expect((problem.removeValue(forKey: "detail") as? String)?.hasPrefix("No resource at /api/v1/exports/") == true)
                let text = try JSONSerialization.data(withJSONObject: problem, options: .sortedKeys)
                seen.insert(String(decoding: text, as: UTF8.self))
            }
            #expect(seen.count == 1, "the 404s differ: \(seen)")
        }
    }

    @Test("ops see the upstream: the access line names its target, status and time; metrics count it; /usage counts the partner's bytes")
    func observability() async throws {
        let name = try #require(try Self.files(1).last { $0.hasPrefix("orders-") && $0.hasSuffix(".csv") })
        let size = try Self.bytes(1, name).count
        let log = RecordingLog()
        let metrics = ServerMetrics(version: "test", pools: [], quotas: nil)
        let read = ReadSettings(
            catalogs: TestApp.catalogs, cursors: TestApp.cursors, developmentPrincipal: Self.acme, limits: Limits(settings: .standard))
        let app = TestApp.application(
            settings: .init(port: 0), read: read, pool: pool, logger: TestApp.quietLogger, lifecycle: Lifecycle(metrics: metrics),
            accessLogger: log.logger)
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/exports/1/\(name)", method: .get)
            #expect(response.status == .ok && response.body.readableBytes == size)
            let usage = try ReadApiTests.json(try await client.execute(uri: "/api/v1/usage", method: .get))
            let transfer = try #require(usage["transfer"] as? [String: Any])
            #expect((transfer["bytes_today"] as? Int ?? 0) >= size, "\(transfer)")
        }
        await pool.close()
        let line = try #require(log.events.withLock { $0 }.first { $0.metadata["resource"] == "v1/exports" })
        let target = try #require(ProcessInfo.processInfo.environment["TRADEFLOW_EXPORTS_URL"])
        #expect(line.metadata["upstream"] == target && line.metadata["upstream_status"] == "200", "\(line.metadata)")
        #expect(line.metadata["upstream_ms"].flatMap(Double.init) != nil)
        let text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(text.contains("portico_upstream_requests_total{route=\"v1/exports\",target=\"\(target)\",status=\"200\"} 1"), "\(text)")
        #expect(text.contains("portico_upstream_bytes_total{route=\"v1/exports\",target=\"\(target)\"} \(size)"))
    }
}

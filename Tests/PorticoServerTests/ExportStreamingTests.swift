import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoAccess
import PorticoCatalog
import PorticoMySQL
import PorticoQuota
import PorticoServer
import PorticoTestSupport
import Testing

/// An NDJSON export of 100,000 rows of 1 KB (about 110 MB) read by a slow client over a real
/// socket: the server must hold only a batch or so, not the whole export.
@Suite("Export streaming over HTTP (MariaDB)", .serialized)
struct ExportStreamingTests {
    /// An app serving one resource, `big`: 100,000 rows of 1 KB in a scratch schema.
    static func withBigExport(
        _ name: String, payload: String = "REPEAT('x', 1000)", limits: Limits?,
        _ body: (any ApplicationProtocol, MySQLConnectionPool) async throws -> Void
    ) async throws {
        try await TestDatabase.withScratchSchema(name) { admin in
            try await admin.execute("CREATE TABLE big (id INT PRIMARY KEY, payload VARCHAR(1000) NOT NULL)")
            try await admin.execute("INSERT INTO big SELECT seq, \(payload) FROM seq_1_to_100000")
            let schema = try await admin.query("SELECT DATABASE()").rows[0][0].text ?? ""
            let source = CatalogCompiler.Source(
                path: "v1/big.yaml",
                text: """
                    scope: big:read
                    table: big
                    key: id
                    tenant: none
                    id: {column: id}
                    fields:
                      payload: {column: payload, type: string}
                    """)
            let catalogs = CatalogSet(CatalogCompiler.compile(version: "v1", sources: [source]).catalogs)
            let pool = MySQLConnectionPool(configuration: TestDatabase.admin(database: schema), logger: TestApp.quietLogger)
            let read = ReadSettings(
                catalogs: catalogs, cursors: TestApp.cursors, developmentPrincipal: Principal(partner: "t", tenants: []),
                limits: limits)
            try await body(TestApp.application(settings: .init(port: 0), read: read, pool: pool, logger: TestApp.quietLogger), pool)
            await pool.close()
        }
    }

    @Test("a slow reader of a large export keeps the server's memory flat (back-pressure)")
    func slowReader() async throws {
        try await Self.withBigExport("export", limits: nil) { app, _ in
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let result = await SlowReader.read(port: port, path: "/api/v1/big?format=ndjson")
                #expect(result.documents == 100_000, "\(result)")
                #expect(result.bytes > 100_000_000)
                #expect(result.growth < 48 << 20, "resident memory grew by \(result.growth >> 20) MiB during the export")
            }
        }
    }
}

extension ExportStreamingTests {
    @Test("a gzipped export to a slow reader is compressed as it streams: memory stays flat, and it decodes whole")
    func slowGzipReader() async throws {
        // Hex digests compress about 2:1, so the compressed export (about 55 MB) is far larger
        // than the socket buffers: back-pressure, not compression, has to keep memory flat.
        let digests = (0..<8).map { "SHA2(seq + \($0 * 1_000_000), 512)" }.joined(separator: ", ")
        try await Self.withBigExport("gzexport", payload: "LEFT(CONCAT(\(digests)), 1000)", limits: nil) { app, _ in
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let result = await SlowReader.read(port: port, path: "/api/v1/big?format=ndjson", headers: "Accept-Encoding: gzip\r\n", gunzip: true)
                #expect(result.head.contains("content-encoding: gzip"), "\(result.head)")
                #expect(result.head.contains("transfer-encoding: chunked") && !result.head.contains("content-length"), "\(result.head)")
                #expect(result.gzipComplete)
                #expect(result.documents == 100_000, "\(result.documents)")
                #expect(result.bytes > 40_000_000 && result.bytes < result.decoded * 3 / 4, "\(result.bytes) bytes for \(result.decoded)")
                #expect(result.growth < 24 << 20, "resident memory grew by \(result.growth >> 20) MiB during the export")
            }
        }
    }

    @Test("a client that hangs up midway ends the export: the reading ahead stops and every connection goes back")
    func hangUp() async throws {
        try await Self.withBigExport("hangup", limits: nil) { app, pool in
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let received = await HangUp.read(port: port, path: "/api/v1/big?format=ndjson", bytes: 512 * 1024)
                #expect(received >= 512 * 1024)
                // The export notices on its next write, then stops reading and releases its connections.
                #expect(try await waitUntil { pool.statistics.leased == 0 }, "\(pool.statistics)")
                #expect(try await client.execute(uri: "/api/v1/big/1", method: .get).status == .ok)
            }
        }
    }
}

/// Reads the first `bytes` of a response, then closes the socket.
enum HangUp {
    static func read(port: Int, path: String, bytes limit: Int) async -> Int {
        await withCheckedContinuation { continuation in
            Thread {
                var received = 0
                if let fd = RawHTTP.connect(port: port) {
                    let request = "GET \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    _ = request.withCString { send(fd, $0, strlen($0), 0) }
                    var buffer = [UInt8](repeating: 0, count: 16 * 1024)
                    while received < limit {
                        let count = recv(fd, &buffer, buffer.count, 0)
                        if count <= 0 { break }
                        received += count
                    }
                    close(fd)
                }
                continuation.resume(returning: received)
            }.start()
        }
    }
}

/// A blocking HTTP/1.1 client on a thread of its own that reads slowly and counts documents.
extension ExportStreamingTests {
    @Test("the in-flight cap holds while a slow export streams, and frees its slot when it ends")
    func inFlightDuringExport() async throws {
        let limits = Limits(
            settings: LimitSettings.standard.with {
                $0.maxInFlight = 1
                $0.exportCost = 1
            })
        try await Self.withBigExport("inflight", limits: limits) { app, _ in
            try await app.test(.live) { client in
                let port = try #require(client.port)
                // The reader stops after its first bytes until the test lets it go on, so the
                // export is still streaming (held by back-pressure) when the second request comes.
                let paused = DispatchSemaphore(value: 0)
                let export = Task { await SlowReader.read(port: port, path: "/api/v1/big?format=ndjson", pauseAfterFirstRead: paused) }
                #expect(try await waitUntil { limits.inFlight.current("t") == 1 }, "the export never took its slot")
                let refused = try await client.execute(uri: "/api/v1/big/1", method: .get)
                paused.signal()
                #expect(refused.status == .tooManyRequests)
                #expect(String(buffer: refused.body).contains(#""violated-policies":["in-flight"]"#))
                let result = await export.value
                #expect(result.documents == 100_000)
                #expect(try await waitUntil { limits.inFlight.current("t") == 0 }, "the export kept its slot after its last byte")
                #expect(try await client.execute(uri: "/api/v1/big/1", method: .get).status == .ok)
            }
        }
    }
}

enum SlowReader {
    struct Result: Sendable {
        var bytes = 0
        var documents = 0
        var growth = 0
        /// With `gunzip`: the head, the decoded size, and whether the gzip stream ended well.
        var head = ""
        var decoded = 0
        var gzipComplete = false
    }

    /// - Parameter pauseAfterFirstRead: if given, the reader waits for it after its first read.
    /// - Parameter headers: extra request header lines, each ending in CRLF.
    /// - Parameter gunzip: whether the body is gzip to decode (and count documents in) as it comes.
    static func read(
        port: Int, path: String, headers: String = "", gunzip: Bool = false, pauseAfterFirstRead: DispatchSemaphore? = nil
    ) async -> Result {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: run(port: port, path: path, headers: headers, gunzip: gunzip, pause: pauseAfterFirstRead)) }
                .start()
        }
    }

    private static func run(port: Int, path: String, headers: String, gunzip: Bool, pause: DispatchSemaphore?) -> Result {
        var result = Result()
        guard let fd = RawHTTP.connect(port: port) else { return result }
        defer { close(fd) }
        let request = "GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\(headers)\r\n"
        // The baseline is taken before the server starts: a server that built the export in
        // memory first would already have grown by the time the first bytes arrive.
        let baseline = residentBytes()
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var previous: UInt8 = 0
        var peak = baseline
        var reads = 0
        var chunked = ChunkedBody()
        let decoder = GzipDecoder()
        while true {
            let received = recv(fd, &buffer, buffer.count, 0)
            if received <= 0 { break }
            result.bytes += received
            let count = { (bytes: ArraySlice<UInt8>) in
                for byte in bytes {
                    if byte == 0x0A && previous == 0x7D { result.documents += 1 }  // "}\n" ends a document
                    previous = byte
                }
            }
            if gunzip {
                chunked.feed(buffer[0..<received]) { piece in
                    decoder.feed(piece) { plain in
                        result.decoded += plain.count
                        count(plain[...])
                    }
                }
            } else {
                count(buffer[0..<received])
            }
            reads += 1
            if reads == 1 { pause?.wait() }
            if reads % 256 == 1 {
                peak = max(peak, residentBytes())
                usleep(2_000)  // a slow client: the server must wait, not buffer
            }
            if reads % 16 == 0 { usleep(500) }
        }
        result.growth = max(0, peak - baseline)
        result.head = chunked.head ?? ""
        result.gzipComplete = chunked.complete && decoder.finished && !decoder.failed
        return result
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoAccess
import PorticoMySQL
import PorticoServer
import PorticoShape
import PorticoTestSupport
import Synchronization
import Testing

/// The export's read-ahead over a real row stream: order, completeness, how far it reads
/// ahead, and what happens when it is stopped early or a batch's embeds fail.
@Suite("Export read-ahead (MariaDB)", .serialized)
struct ExportReadAheadTests {
    static func pool(connections: Int = 2) -> MySQLConnectionPool {
        MySQLConnectionPool(
            configuration: TestDatabase.admin(database: "tradeflow"), options: .init(maxConnections: connections),
            logger: TestDatabase.logger)
    }

    /// Reads every batch of `seq_1_to_<total>`; returns the values in the order they came, and
    /// how many batches had been loaded when the first one had been consumed for a while.
    static func readAll(total: Int, batchSize: Int, depth: Int, expectAhead: Int? = nil) async throws -> (values: [Int64], loadedAfterFirst: Int) {
        let pool = pool()
        let loaded = Mutex(0)
        let result = try await pool.withRowStream("SELECT seq FROM seq_1_to_\(total)", batchSize: batchSize) { stream in
            let loadEmbeds: @Sendable ([MySQLRow]) async throws -> [EmbedRows] = { _ in
                loaded.withLock { $0 += 1 }
                return []
            }
            var values: [Int64] = []
            var loadedAfterFirst = 0
            try await ExportReadAhead.reading(stream, batchSize: batchSize, depth: depth, loadEmbeds: loadEmbeds) { batches in
                while case let batch = try await batches.next(), !batch.rows.isEmpty {
                    #expect(batch.rows.count <= batchSize)
                    values += batch.rows.map { $0[0].int64 ?? -1 }
                    if values.count == batch.rows.count, let expectAhead {
                        // Wait until the read-ahead has loaded what it may, however slowly the
                        // machine runs; then give it a moment to load one more if it wrongly would.
                        // (The moment can only miss an over-read on a loaded machine, never invent one.)
                        try await waitUntil { loaded.withLock { $0 } >= expectAhead }
                        try await Task.sleep(for: .milliseconds(100))
                        loadedAfterFirst = loaded.withLock { $0 }
                    }
                }
            }
            return (values, loadedAfterFirst)
        }
        await pool.close()
        return result
    }

    @Test("batches come complete and in order, ending on a short batch or an exact multiple", arguments: [1003, 1000, 7])
    func order(total: Int) async throws {
        let (values, _) = try await Self.readAll(total: total, batchSize: 10, depth: 2)
        #expect(values == (1...Int64(total)).map { $0 })
    }

    @Test("while one batch is written, exactly `depth` more are read, never more", arguments: [1, 2, 3])
    func bounded(depth: Int) async throws {
        let (_, loaded) = try await Self.readAll(total: 1000, batchSize: 10, depth: depth, expectAhead: 1 + depth)
        #expect(loaded == 1 + depth)
    }

    @Test("leaving midway stops the reading, and the stream's connection serves the next query")
    func closeEarly() async throws {
        let pool = Self.pool(connections: 1)
        let first = try await pool.withRowStream("SELECT seq FROM seq_1_to_100000", batchSize: 100) { stream in
            try await ExportReadAhead.reading(stream, batchSize: 100, loadEmbeds: { _ in [] }) { batches in
                let first = try await batches.next().rows.first?[0].int64
                _ = try await batches.next()
                return first
            }
        }
        #expect(first == 1)
        #expect(try await pool.query("SELECT 41 + 1").rows[0][0].int64 == 42)
        await pool.close()
    }

    struct EmbedFailure: Error {}

    @Test("a batch whose embeds fail fails the export at that batch, not before; the connection recovers")
    func embedFailure() async throws {
        let pool = Self.pool(connections: 1)
        let delivered = Mutex(0)
        await #expect(throws: EmbedFailure.self) {
            try await pool.withRowStream("SELECT seq FROM seq_1_to_1000", batchSize: 10) { stream in
                let loadEmbeds: @Sendable ([MySQLRow]) async throws -> [EmbedRows] = { rows in
                    if rows[0][0].int64 == 31 { throw EmbedFailure() }
                    return []
                }
                try await ExportReadAhead.reading(stream, batchSize: 10, loadEmbeds: loadEmbeds) { batches in
                    while try await !batches.next().rows.isEmpty { delivered.withLock { $0 += 1 } }
                }
            }
        }
        #expect(delivered.withLock { $0 } == 3)
        #expect(try await pool.query("SELECT 41 + 1").rows[0][0].int64 == 42)
        await pool.close()
    }
}

extension ExportReadAheadTests {
    @Test("an export read seven orders at a time equals the cursor walk, document for document, with its embeds")
    func exportEqualsPages() async throws {
        let pool = Self.pool(connections: 4)
        var read = ReadSettings(
            catalogs: TestApp.catalogs, cursors: TestApp.cursors,
            developmentPrincipal: Principal(partner: "acme", tenants: [.uint(1), .uint(2)]))
        read.exportBatch = 7
        let app = TestApp.application(settings: .init(port: 0), read: read, pool: pool, logger: TestApp.quietLogger)
        try await app.test(.router) { client in
            let export = try await client.execute(uri: "/api/v2/orders?format=ndjson&include=invoices", method: .get)
            #expect(export.status == .ok)
            let documents = try String(buffer: export.body).split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? NSDictionary)
            }
            var walked: [NSDictionary] = []
            var next: String? = "/api/v2/orders?limit=50&include=invoices"
            while let uri = next {
                let page = try await client.execute(uri: uri, method: .get)
                try #require(page.status == .ok, "\(String(buffer: page.body))")
                let body = try #require(try JSONSerialization.jsonObject(with: Data(page.body.readableBytesView)) as? [String: Any])
                walked += try #require(body["data"] as? [NSDictionary])
                next = (body["next_cursor"] as? String).map {
                    "/api/v2/orders?limit=50&include=invoices&cursor=" + $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                }
            }
            #expect(documents.count > 7 * 10)
            #expect(documents.count == walked.count)
            #expect(documents == walked)
            #expect(documents.contains { ($0["lines"] as? [Any])?.isEmpty == false })
            #expect(documents.contains { ($0["invoices"] as? [Any])?.isEmpty == false })
        }
        await pool.close()
    }
}

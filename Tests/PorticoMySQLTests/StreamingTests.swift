import PorticoMySQL
import PorticoTestSupport
import Testing

@Suite("Streaming results (MariaDB)")
struct StreamingTests {
    /// 100,000 rows of 1 KB: about 100 MB if held, so a buffered read could not stay under the bound.
    @Test("streaming 100,000 rows keeps memory flat")
    func constantMemory() async throws {
        let pool = MySQLConnectionPool(configuration: TestDatabase.admin(database: "tradeflow"), logger: TestDatabase.logger)
        let (count, sum, growth) = try await pool.withRowStream(
            "SELECT seq, REPEAT('x', 1000) FROM seq_1_to_100000 WHERE seq > ?", [.int(0)], batchSize: 256
        ) { stream in
            var count = 0
            var sum: Int64 = 0
            var baseline = 0
            var peak = 0
            for try await row in stream {
                count += 1
                sum += row[0].int64 ?? 0
                if count == 5_000 { baseline = residentBytes() }
                if count % 5_000 == 0 { peak = max(peak, residentBytes()) }
            }
            return (count, sum, peak - baseline)
        }
        await pool.close()
        #expect(count == 100_000)
        #expect(sum == 5_000_050_000)
        #expect(growth < 24 << 20, "resident memory grew by \(growth >> 20) MiB while streaming")
    }

    @Test("a stream may outlast the statement time limit (an export); queries stay bound by it, before and after")
    func streamOutlastsStatementLimit() async throws {
        var config = TestDatabase.admin(database: "tradeflow")
        config.statementTimeout = .seconds(1)
        let pool = MySQLConnectionPool(configuration: config, options: .init(maxConnections: 1), logger: TestDatabase.logger)
        let slow = "SELECT seq, SLEEP(0.01) FROM seq_1_to_200"  // about 2 s
        await #expect(throws: MySQLError.self) { try await pool.query(slow) }
        let rows = try await pool.withRowStream(slow, batchSize: 50) { stream in
            var count = 0
            while true {
                let batch = try await stream.nextBatch()
                if batch.isEmpty { break }
                count += batch.count
            }
            return count
        }
        #expect(rows == 200)
        // The same (only) connection is back under the query limit.
        await #expect(throws: MySQLError.self) { try await pool.query(slow) }
        await pool.close()
    }

    @Test("a stream abandoned midway does not poison the pool")
    func abandoned() async throws {
        let pool = MySQLConnectionPool(
            configuration: TestDatabase.admin(database: "tradeflow"), options: .init(maxConnections: 1), logger: TestDatabase.logger
        )
        let firstTen = try await pool.withRowStream("SELECT seq FROM seq_1_to_100000", batchSize: 100) { stream in
            var seen: [Int64] = []
            for try await row in stream {
                seen.append(row[0].int64 ?? -1)
                if seen.count == 10 { break }
            }
            return seen
        }
        #expect(firstTen == Array(1...10))
        // The only connection was discarded, not returned with unread rows; the next query works.
        #expect(try await pool.query("SELECT 2").rows[0][0] == .int(2))
        #expect(pool.statistics.discarded == 1)
        await pool.close()
    }

    @Test("a running stream refuses a second statement on the same connection")
    func oneStreamAtATime() async throws {
        let connection = try await MySQLConnection.connect(TestDatabase.admin(database: "tradeflow"))
        _ = try await connection.openStream("SELECT seq FROM seq_1_to_1000")
        await #expect(throws: MySQLError.self) { try await connection.query("SELECT 1") }
        var total = 0
        while true {
            let rows = try await connection.nextRows(limit: 300)
            total += rows.count
            if rows.count < 300 { break }
        }
        #expect(total == 1000)
        #expect(try await connection.query("SELECT 1").rows[0][0] == .int(1))
        await connection.close()
    }
}

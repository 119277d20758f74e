import PorticoMySQL
import PorticoTestSupport
import Testing

/// The demo product as loaded by `scripts/db up tiny`, read as Portico reads it.
@Suite("Tradeflow demo database (MariaDB)")
struct DemoDataTests {
    let pool: MySQLConnectionPool

    init() throws {
        pool = MySQLConnectionPool(configuration: try TestDatabase.product(), logger: TestDatabase.logger)
    }

    @Test("the tiny dataset is loaded completely")
    func counts() async throws {
        let result = try await pool.query(
            """
            SELECT (SELECT COUNT(*) FROM accounts), (SELECT COUNT(*) FROM orders), (SELECT COUNT(*) FROM order_lines),
                   (SELECT COUNT(*) FROM invoices), (SELECT COUNT(*) FROM partner_links WHERE partner_code = ?)
            """, [.string("acme")])
        let row = result.rows[0]
        #expect(row[0] == .int(8))
        #expect(row[1] == .int(600))
        #expect((row[2].int64 ?? 0) > 1200)
        #expect((row[3].int64 ?? 0) > 400)
        #expect(row[4] == .int(3))
        await pool.close()
    }

    @Test("legacy quirks arrive as typed values: zero dates, BIT(1), TIMESTAMP(3), codes, JSON text")
    func quirks() async throws {
        let unshipped = try await pool.query("SELECT shipped FROM orders WHERE status_cd IN (0, 1) LIMIT 1")
        #expect(try #require(unshipped.rows.first)[0] == .zeroDate)
        let paid = try await pool.query("SELECT paid FROM invoices WHERE paid_at IS NOT NULL LIMIT 1")
        #expect(try #require(paid.rows.first)[0] == .bits(1))
        let updated = try await pool.query("SELECT updated FROM orders WHERE order_no = ?", [.uint(1)])
        guard case .datetime(let stamp) = updated.rows[0][0] else {
            Issue.record("expected a datetime")
            return
        }
        #expect(stamp.date.year >= 2016)
        let codes = try await pool.query("SELECT DISTINCT status_cd FROM orders ORDER BY status_cd")
        #expect(codes.rows.map { $0[0] } == [0, 1, 2, 3, 4, 5, 9].map { MySQLValue.int($0) })
        let attrs = try await pool.query("SELECT attrs FROM products WHERE attrs LIKE ? LIMIT 1", [.string("{color:%")])
        #expect(try #require(attrs.rows.first)[0].text?.hasPrefix("{color:") == true)
        let active = try await pool.query("SELECT DISTINCT active FROM products ORDER BY active")
        #expect(active.rows.map { $0[0] } == [.string("Y"), .string("N")])
        let qty = try await pool.query("SELECT qty FROM order_lines WHERE order_no = ? AND line_no = ?", [.uint(1), .int(1)])
        guard case .decimal(let text) = qty.rows[0][0] else {
            Issue.record("expected a decimal")
            return
        }
        #expect(text.contains(".") && text.split(separator: ".")[1].count == 3)
        await pool.close()
    }

    @Test("the read-only user sees the product schema and no other (not Portico's, not mysql)")
    func grants() async throws {
        // information_schema and performance_schema are visible to every user by design.
        let schemas = try await pool.query(
            """
            SELECT DISTINCT table_schema FROM information_schema.tables
            WHERE table_schema NOT IN ('information_schema', 'performance_schema')
            """)
        #expect(schemas.rows.map { $0[0] } == [.string("tradeflow")])
        await pool.close()
    }
}

import PorticoMySQL
import PorticoTestSupport
import Testing

/// Every column type family a legacy schema holds, read through prepared statements from a real server.
@Suite("Decoding column types (MariaDB)")
struct DecodingTests {
    static let table = """
        CREATE TABLE t (
          id INT PRIMARY KEY,
          ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, mi MEDIUMINT, i INT, iu INT UNSIGNED,
          bi BIGINT, bu BIGINT UNSIGNED, b1 TINYINT(1),
          d DECIMAL(30,10), dn DECIMAL(5,2), f FLOAT, db DOUBLE,
          c CHAR(10), vc VARCHAR(50), l1 VARCHAR(50) CHARACTER SET latin1, tx TEXT, ltx LONGTEXT,
          bl BLOB, bn BINARY(4), vb VARBINARY(16),
          dt DATE, dtm DATETIME, dt6 DATETIME(6), ts TIMESTAMP(3) NULL DEFAULT NULL, tm TIME, tm6 TIME(6), yr YEAR,
          bit1 BIT(1), bit12 BIT(12), bit64 BIT(64), en ENUM('Y','N'), st SET('a','b','c'), js JSON
        ) CHARACTER SET utf8mb4
        """

    @Test("integers, decimals and floats keep their exact values")
    func numbers() async throws {
        let row = try await Self.firstRow(
            """
            INSERT INTO t (id, ti, tu, si, mi, i, iu, bi, bu, b1, d, dn, f, db) VALUES
            (1, -128, 255, -32768, -8388608, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615, 1,
             '-12345678901234567890.0123456789', 999.99, 1.5, 1e300)
            """, select: "ti, tu, si, mi, i, iu, bi, bu, b1, d, dn, f, db")
        #expect(
            row.values == [
                .int(-128), .uint(255), .int(-32768), .int(-8_388_608), .int(-2_147_483_648), .uint(4_294_967_295),
                .int(Int64.min), .uint(UInt64.max), .int(1),
                .decimal("-12345678901234567890.0123456789"), .decimal("999.99"), .float(1.5), .double(1e300),
            ])
    }

    @Test("text in utf8mb4 and latin1 columns arrives as correct strings; binary stays bytes")
    func text() async throws {
        let long = String(repeating: "Grüße 🛒 ", count: 20_000)  // ~240 KB: far past the first buffer
        let row = try await Self.firstRow(
            """
            INSERT INTO t (id, c, vc, l1, tx, ltx, bl, bn, vb, en, st, js) VALUES
            (1, 'ab', '東京商事 🛒', 'Müller Großhandel ÅØ', 'line1\\nline2\\ttab', '\(long)', X'00FF10', X'DEADBEEF', X'',
             'N', 'a,c', '{"k": [1, 2]}')
            """, select: "c, vc, l1, tx, ltx, bl, bn, vb, en, st, js")
        #expect(row[0] == .string("ab"))
        #expect(row[1] == .string("東京商事 🛒"))
        #expect(row[2] == .string("Müller Großhandel ÅØ"))
        #expect(row[3] == .string("line1\nline2\ttab"))
        #expect(row[4] == .string(long))
        #expect(row[5] == .bytes([0x00, 0xFF, 0x10]))
        #expect(row[6] == .bytes([0xDE, 0xAD, 0xBE, 0xEF]))
        #expect(row[7] == .bytes([]))
        #expect(row[8] == .string("N"))
        #expect(row[9] == .string("a,c"))
        #expect(row[10] == .string("{\"k\": [1, 2]}"))
    }

    @Test("dates, times, years and bits, with fractional seconds and negative or long TIMEs")
    func temporal() async throws {
        let row = try await Self.firstRow(
            """
            INSERT INTO t (id, dt, dtm, dt6, ts, tm, tm6, yr, bit1, bit12, bit64) VALUES
            (1, '2024-02-29', '2019-12-31 23:59:59', '2020-01-02 03:04:05.123456', '2021-06-30 12:00:00.250',
             '-838:59:59', '100:00:00.5', 2024, b'1', b'101010111100', b'1111111111111111111111111111111111111111111111111111111111111111')
            """, select: "dt, dtm, dt6, ts, tm, tm6, yr, bit1, bit12, bit64")
        #expect(
            row.values == [
                .date(MySQLDate(year: 2024, month: 2, day: 29)),
                .datetime(MySQLDateTime(year: 2019, month: 12, day: 31, hour: 23, minute: 59, second: 59)),
                .datetime(MySQLDateTime(year: 2020, month: 1, day: 2, hour: 3, minute: 4, second: 5, microsecond: 123_456)),
                .datetime(MySQLDateTime(year: 2021, month: 6, day: 30, hour: 12, minute: 0, second: 0, microsecond: 250_000)),
                .time(MySQLTime(isNegative: true, hours: 838, minutes: 59, seconds: 59)),
                .time(MySQLTime(hours: 100, minutes: 0, seconds: 0, microseconds: 500_000)),
                .uint(2024), .bits(1), .bits(0xABC), .bits(UInt64.max),
            ])
    }

    @Test("the legacy zero date is a value of its own; a partly zero date is kept, not invented")
    func zeroDates() async throws {
        let row = try await Self.firstRow(
            """
            INSERT INTO t (id, dt, dtm, dt6) VALUES (1, '0000-00-00', '0000-00-00 00:00:00', '2019-00-00 00:00:00')
            """, select: "dt, dtm, dt6", sqlMode: "NO_ENGINE_SUBSTITUTION")
        #expect(row[0] == .zeroDate)
        #expect(row[1] == .zeroDate)
        guard case .datetime(let partial) = row[2] else {
            Issue.record("expected a datetime, got \(row[2])")
            return
        }
        #expect(partial.date.month == 0)
        #expect(!partial.date.isValidCalendarDate)
    }

    @Test("NULL in every column decodes as .null")
    func nulls() async throws {
        let row = try await Self.firstRow("INSERT INTO t (id) VALUES (1)", select: "*")
        #expect(row.count == 35)
        #expect(row[0] == .int(1))
        #expect(row.values.dropFirst().allSatisfy { $0 == .null })
    }

    @Test("TIMESTAMP values are read in UTC whatever the server's zone")
    func timestampInUTC() async throws {
        try await TestDatabase.withScratchSchema("tz") { admin in
            try await admin.execute("CREATE TABLE z (ts TIMESTAMP NULL)")
            try await admin.execute("SET time_zone = 'Europe/Berlin'")
            try await admin.execute("INSERT INTO z VALUES ('2024-07-01 14:00:00')")  // 12:00 UTC
            // A fresh session (UTC, as every Portico session) reads the same instant.
            let reader = try await MySQLConnection.connect(TestDatabase.admin())
            let schema = try await admin.query("SELECT DATABASE()").rows[0][0].text ?? ""
            let result = try await reader.query("SELECT ts FROM `\(schema)`.z")
            await reader.close()
            #expect(result.rows.first?[0] == .datetime(MySQLDateTime(year: 2024, month: 7, day: 1, hour: 12)))
        }
    }

    /// Creates table `t` in a scratch schema, runs `insert` as text, and reads the row back
    /// through a prepared statement.
    @Test("a cached statement whose result changes shape (a column retyped, one added) decodes the new columns on the same connection")
    func resultChangesShape() async throws {
        try await TestDatabase.withScratchSchema("reshape") { connection in
            try await connection.execute("CREATE TABLE t (id INT PRIMARY KEY, a INT)")
            try await connection.execute("INSERT INTO t VALUES (1, 42)")
            let sql = "SELECT * FROM t WHERE id = ?"
            func read() async throws -> (names: [String], types: [UInt32], values: [MySQLValue]) {
                let result = try await connection.query(sql, [.int(1)])
                return (result.columns.map(\.name), result.columns.map(\.typeCode), try #require(result.rows.first).values)
            }
            #expect(try await read() == (["id", "a"], [3, 3], [.int(1), .int(42)]))
            // The same columns, one of another type: new buffers for the new type (a VARCHAR read
            // into the INT's would arrive as a number).
            try await connection.execute("ALTER TABLE t MODIFY a VARCHAR(10)")
            #expect(try await read() == (["id", "a"], [3, 253], [.int(1), .string("42")]))
            // One column more: prepared again (CR_NEW_STMT_METADATA), on the same connection.
            try await connection.execute("ALTER TABLE t ADD COLUMN c DATE NULL")
            #expect(try await read() == (["id", "a", "c"], [3, 253, 10], [.int(1), .string("42"), .null]))
            #expect(!connection.isBroken)
        }
    }

    static func firstRow(_ insert: String, select: String, sqlMode: String? = nil) async throws -> MySQLRow {
        try await TestDatabase.withScratchSchema("decode") { connection in
            try await connection.execute(table)
            if let sqlMode { try await connection.execute("SET SESSION sql_mode = '\(sqlMode)'") }
            try await connection.execute(insert)
            let result = try await connection.query("SELECT \(select) FROM t WHERE id = ?", [.int(1)])
            #expect(result.rows.count == 1)
            return try #require(result.rows.first)
        }
    }
}

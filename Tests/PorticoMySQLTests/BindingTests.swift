import PorticoMySQL
import PorticoTestSupport
import Testing

@Suite("Bound parameters (MariaDB)")
struct BindingTests {
    @Test(
        "every parameter type round-trips through SELECT ?",
        arguments: [
            MySQLValue.int(-42), .int(Int64.max), .uint(UInt64.max), .double(2.5), .string("Grüße 🛒 '; DROP TABLE t; --"),
            .bytes([0, 1, 255]), .null,
            .date(MySQLDate(year: 2024, month: 2, day: 29)),
            .datetime(MySQLDateTime(year: 2020, month: 1, day: 2, hour: 3, minute: 4, second: 5, microsecond: 600_000)),
            .time(MySQLTime(isNegative: true, hours: 30, minutes: 1, seconds: 2)),
        ])
    func roundTrip(_ value: MySQLValue) async throws {
        let connection = try await MySQLConnection.connect(TestDatabase.admin())
        // The same statement with differently typed parameters: the result column's type follows the
        // bound value after execute, so the driver must rebind its result buffers.
        let first = try await connection.query("SELECT ? AS v", [.int(7)])
        #expect(first.rows[0][0] == .int(7))
        let result = try await connection.query("SELECT ? AS v", [value])
        #expect(result.rows[0][0] == value)
        await connection.close()
    }

    @Test("one statement rebinds values of every size and type into the memory of the last execution")
    func rebinding() async throws {
        let connection = try await MySQLConnection.connect(TestDatabase.admin())
        let long = String(repeating: "Grüße ", count: 200)
        let sets: [[MySQLValue]] = [
            [.int(1), .string("short"), .null],
            // The same types and lengths: only the values are written, the statement keeps its binding.
            [.int(2), .string("shore"), .null],
            [
                .string(long), .bytes(Array(repeating: 7, count: 1_000)),
                .datetime(MySQLDateTime(year: 2021, month: 3, day: 4, hour: 5, minute: 6, second: 7, microsecond: 8)),
            ],
            [.uint(UInt64.max), .string(""), .double(-0.5)],
            [.bytes([]), .date(MySQLDate(year: 1999, month: 12, day: 31)), .string("ü")],
        ]
        for values in sets {
            let row = try await connection.query("SELECT ? AS a, ? AS b, ? AS c", values).rows[0]
            #expect(row.values == values)
        }
        // Many parameters at once: more binds and more bytes than any earlier execution held.
        let many = (0..<300).map { MySQLValue.string("value \($0) " + String(repeating: "x", count: $0 % 17)) }
        let sql = "SELECT CONCAT_WS('|', " + Array(repeating: "?", count: many.count).joined(separator: ", ") + ")"
        let joined = try await connection.query(sql, many).rows[0][0]
        #expect(joined == .string(many.compactMap(\.text).joined(separator: "|")))
        await connection.close()
    }

    @Test("after an execution fails, the next one with the same layout sends its own values")
    func failedExecution() async throws {
        let connection = try await MySQLConnection.connect(TestDatabase.admin())
        // The subquery returns two rows (an execute-time error) when the second value is 2.
        let sql = "SELECT ? + (SELECT 1 UNION SELECT ?)"
        #expect(try await connection.query(sql, [.int(5), .int(1)]).rows[0][0].int64 == 6)
        await #expect(throws: MySQLError.self) { try await connection.query(sql, [.int(10), .int(2)]) }
        #expect(try await connection.query(sql, [.int(20), .int(1)]).rows[0][0].int64 == 21)
        await connection.close()
    }

    @Test("booleans and decimals bind as the server expects")
    func booleanAndDecimal() async throws {
        let connection = try await MySQLConnection.connect(TestDatabase.admin())
        let result = try await connection.query("SELECT ? + 0, ? * 2", [.bool(true), .decimal("12345678901234567.25")])
        #expect(result.rows[0][0].int64 == 1)
        #expect(result.rows[0][1] == .decimal("24691357802469134.50"))
        await connection.close()
    }

    @Test("a value is data, never SQL: an injection attempt matches nothing")
    func injection() async throws {
        let connection = try await MySQLConnection.connect(TestDatabase.admin())
        let result = try await connection.query("SELECT COUNT(*) FROM mysql.user WHERE user = ?", [.string("x' OR '1'='1")])
        #expect(result.rows[0][0] == .int(0))
        await connection.close()
    }

    @Test("a statement is prepared once per connection and reused")
    func statementCache() async throws {
        let connection = try await MySQLConnection.connect(TestDatabase.admin())
        func prepares() async throws -> Int64 {
            let result = try await connection.query(
                "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'COM_STMT_PREPARE'")
            return Int64(result.rows[0][0].text ?? "") ?? -1
        }
        let before = try await prepares()
        for n in 0..<5 { _ = try await connection.query("SELECT ? + 1", [.int(Int64(n))]) }
        let after = try await prepares()
        #expect(after - before == 1)
        await connection.close()
    }

    @Test("the wrong number of parameters is a misuse error, not a crash")
    func parameterCount() async throws {
        let connection = try await MySQLConnection.connect(TestDatabase.admin())
        await #expect(throws: MySQLError.self) { try await connection.query("SELECT ?, ?", [.int(1)]) }
        // The connection is still usable.
        #expect(try await connection.query("SELECT 1").rows[0][0] == .int(1))
        await connection.close()
    }
}

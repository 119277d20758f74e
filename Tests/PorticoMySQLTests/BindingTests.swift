import PorticoMySQL
import PorticoTestSupport
import Testing

@Suite("Bound parameters (MariaDB)")
struct BindingTests {
    @Test("every parameter type round-trips through SELECT ?", arguments: [
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
            let result = try await connection.query("SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'COM_STMT_PREPARE'")
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

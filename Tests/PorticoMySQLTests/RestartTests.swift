import PorticoMySQL
import PorticoTestSupport
import Testing

/// Runs against a second private server of its own ("restart" instance), so stopping it does not
/// disturb the tests using the main one.
@Suite("Server restart (MariaDB)", .serialized)
struct RestartTests {
    @Test("after the server restarts, the next query succeeds without restarting the process")
    func recoversAfterRestart() async throws {
        let instance = "restart"
        try await TestDatabase.script(["start"], instance: instance)
        let config = MySQLConfiguration(
            endpoint: .unixSocket(path: TestDatabase.socket(instance: instance)), user: "root",
            statementTimeout: .seconds(5))
        let pool = MySQLConnectionPool(
            configuration: config,
            options: .init(maxConnections: 2, acquireTimeout: .seconds(3), validationInterval: .zero),
            logger: TestDatabase.logger
        )
        // Prepare a statement and check the session settings before the restart.
        let zone = "SELECT @@session.time_zone, @@session.max_statement_time, ? + 1"
        let before = try await pool.query(zone, [.int(1)])
        #expect(before.rows[0].values == [.string("+00:00"), .double(5), .int(2)])

        try await TestDatabase.script(["restart"], instance: instance)

        // Same statement, same pool: the dead connection is found, replaced, the statement
        // prepared again and the session settings applied again.
        let after = try await pool.query(zone, [.int(41)])
        #expect(after.rows[0].values == [.string("+00:00"), .double(5), .int(42)])
        #expect(pool.statistics.reconnects >= 1)

        // While the server is down, callers get a connect error, not a hang; then it recovers.
        try await TestDatabase.script(["stop"], instance: instance)
        await #expect(throws: MySQLError.self) { try await pool.query("SELECT 1") }
        #expect(await pool.isHealthy() == false)
        try await TestDatabase.script(["start"], instance: instance)
        #expect(try await pool.query("SELECT 7").rows[0][0] == .int(7))
        #expect(await pool.isHealthy())
        await pool.close()
        try await TestDatabase.script(["stop"], instance: instance)
    }
}

import PorticoMySQL
import PorticoTestSupport
import Testing

@Suite("Errors and recovery (MariaDB)")
struct FailureTests {
    @Test("a server-side error keeps bound values out of its description")
    func redactedDescription() async throws {
        try await TestDatabase.withScratchSchema("errors") { connection in
            try await connection.execute("CREATE TABLE u (email VARCHAR(100) PRIMARY KEY)")
            _ = try await connection.query("INSERT INTO u VALUES (?)", [.string("secret.person@example.com")])
            do {
                _ = try await connection.query("INSERT INTO u VALUES (?)", [.string("secret.person@example.com")])
                Issue.record("expected a duplicate-key error")
            } catch let error as MySQLError {
                #expect(error.code == 1062)
                #expect(error.sqlState == "23000")
                #expect(error.kind == .execute)
                #expect(!error.description.contains("secret.person"), "\(error.description)")
                #expect(error.serverMessage?.contains("secret.person") == true)
            }
            #expect(!connection.isBroken)
        }
    }

    @Test("a prepare error names the problem and leaves the connection usable")
    func prepareError() async throws {
        let connection = try await MySQLConnection.connect(TestDatabase.admin(database: "tradeflow"))
        do {
            _ = try await connection.query("SELECT no_such_column FROM orders")
            Issue.record("expected a prepare error")
        } catch {
            #expect(error.kind == .prepare)
            #expect(error.code == 1054)
            #expect(error.description.contains("no_such_column"))
        }
        #expect(try await connection.query("SELECT 1").rows.count == 1)
        await connection.close()
    }

    @Test("bad credentials fail with a connect error that never shows the password")
    func badPassword() async throws {
        var config = try TestDatabase.product()
        config.password = Secret("not-the-password-123")
        do {
            _ = try await MySQLConnection.connect(config)
            Issue.record("expected an authentication failure")
        } catch {
            #expect(error.kind == .connect)
            #expect(error.code == 1045)
            #expect(!error.description.contains("not-the-password-123"))
        }
        #expect("\(config)".contains("portico_ro"))
        #expect(!"\(config)".contains("not-the-password"))
    }

    @Test("no server at the address: a connect error, promptly")
    func noServer() async throws {
        let config = MySQLConfiguration(endpoint: .unixSocket(path: "/nonexistent/mysqld.sock"), user: "root", connectTimeout: 2)
        let pool = MySQLConnectionPool(configuration: config, options: .init(acquireTimeout: .seconds(1)), logger: TestDatabase.logger)
        do {
            _ = try await pool.query("SELECT 1")
            Issue.record("expected a connect error")
        } catch let error as MySQLError {
            #expect(error.kind == .connect)
            #expect(error.code == 2002)
        }
        #expect(await pool.isHealthy() == false)
        #expect(pool.statistics.open == 0)
        await pool.close()
    }

    @Test("the read-only product user reads the demo data but cannot write it")
    func readOnlyProductUser() async throws {
        let pool = MySQLConnectionPool(configuration: try TestDatabase.product(), logger: TestDatabase.logger)
        let names = try await pool.query("SELECT acct_name FROM accounts WHERE acct_id IN (?, ?) ORDER BY acct_id", [.int(1), .int(2)])
        #expect(names.rows.map { $0[0] } == [.string("Müller Großhandel"), .string("Société Lyonnaise de Négoce")])
        do {
            _ = try await pool.query("UPDATE accounts SET plan_cd = 'X' WHERE acct_id = ?", [.int(1)])
            Issue.record("the product user must not be able to write")
        } catch let error as MySQLError {
            // Refused by the read-only session (1792) or by the missing privilege (1142).
            #expect([1792, 1142].contains(error.code), "\(error)")
        }
        await pool.close()
    }
}

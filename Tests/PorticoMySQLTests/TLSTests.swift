import PorticoMySQL
import PorticoTestSupport
import Testing

/// TLS modes against a private server of its own that serves TLS with a throwaway CA.
@Suite("TLS (MariaDB)", .serialized)
struct TLSTests {
    static let instance = "tls"

    static func cipher(_ tls: MySQLTLSMode, port: Int) async throws -> String {
        let config = MySQLConfiguration(endpoint: .tcp(host: "127.0.0.1", port: port), user: "root", tls: tls)
        let connection = try await MySQLConnection.connect(config)
        let result = try await connection.query("SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'SSL_CIPHER'")
        await connection.close()
        return result.rows.first?[0].text ?? ""
    }

    @Test("disabled is plain; required negotiates TLS; verify-ca accepts the right CA and refuses another")
    func modes() async throws {
        try await TestDatabase.script(["start"], instance: Self.instance, environment: ["PORTICO_DB_TLS": "1"])
        let port = try await TestDatabase.port(instance: Self.instance)
        let tls = "\(TestDatabase.repositoryRoot)/.run/db-\(Self.instance)/tls"
        #expect(try await Self.cipher(.disabled, port: port).isEmpty)
        #expect(!(try await Self.cipher(.required, port: port)).isEmpty)
        #expect(!(try await Self.cipher(.verifyCA(caFile: "\(tls)/ca.pem"), port: port)).isEmpty)
        do {
            _ = try await Self.cipher(.verifyCA(caFile: "\(tls)/other-ca.pem"), port: port)
            Issue.record("a server certificate from another CA was accepted")
        } catch let error as MySQLError {
            #expect(error.kind == .connect)
        }
        try await TestDatabase.script(["stop"], instance: Self.instance)
    }
}

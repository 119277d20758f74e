import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoAccess
import PorticoCatalog
import PorticoMySQL
import PorticoServer
import PorticoTestSupport
import Testing

/// The database goes away under traffic and comes back: partners get 503 problems with
/// `Retry-After` (never a hang or driver text), readiness fails, and service recovers by itself.
/// Runs against an "outage" instance of its own, so the other suites keep their database.
@Suite("Database outage under traffic (MariaDB)", .serialized)
struct OutageTests {
    @Test("while the database is down: 503 with Retry-After and failing readiness; then recovery without a restart")
    func outage() async throws {
        let instance = "outage"
        try await TestDatabase.script(["start"], instance: instance)
        let config = MySQLConfiguration(
            endpoint: .unixSocket(path: TestDatabase.socket(instance: instance)), user: "root", statementTimeout: .seconds(5))
        let setup = try await MySQLConnection.connect(config)
        try await setup.execute("CREATE DATABASE IF NOT EXISTS outage")
        try await setup.execute("CREATE TABLE IF NOT EXISTS outage.things (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)")
        try await setup.execute("REPLACE INTO outage.things VALUES (1, 'one'), (2, 'two')")
        await setup.close()
        var scoped = config
        scoped.database = "outage"
        let pool = MySQLConnectionPool(
            configuration: scoped, options: .init(maxConnections: 2, acquireTimeout: .seconds(2), validationInterval: .zero),
            logger: TestApp.quietLogger)
        let source = CatalogCompiler.Source(
            path: "v1/things.yaml",
            text: """
                scope: things:read
                table: things
                key: id
                tenant: none
                id: {column: id}
                fields:
                  name: {column: name, type: string}
                """)
        let catalogs = CatalogSet(CatalogCompiler.compile(version: "v1", sources: [source]).catalogs)
        let read = ReadSettings(catalogs: catalogs, cursors: TestApp.cursors, developmentPrincipal: Principal(partner: "t", tenants: []))
        let app = TestApp.application(settings: .init(port: 0), read: read, pool: pool, logger: TestApp.quietLogger)
        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/api/v1/things", method: .get).status == .ok)
            try await TestDatabase.script(["stop"], instance: instance)
            for _ in 0..<3 {
                let started = ContinuousClock.now
                let response = try await client.execute(uri: "/api/v1/things", method: .get)
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] != nil)
                let body = String(buffer: response.body)
                #expect(body.contains("unavailable") && !body.contains("MySQL") && !body.contains("socket"), "\(body)")
                // Not a speed check: the pool gives up after its 2 s acquire timeout, so far longer is a hang.
                #expect(ContinuousClock.now - started < .seconds(15), "a request hung while the database was down")
            }
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .serviceUnavailable)
            try await TestDatabase.script(["start"], instance: instance)
            let recovered = try await waitUntil { try await client.execute(uri: "/api/v1/things", method: .get).status == .ok }
            #expect(recovered, "no recovery after the database came back")
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
        }
    }
}

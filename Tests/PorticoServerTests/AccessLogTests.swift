import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PorticoAccess
import PorticoMySQL
import PorticoServer
import PorticoTestSupport
import Synchronization
import Testing

/// Records log events, for checking what Portico writes.
final class RecordingLog: Sendable {
    let events = Mutex<[(message: String, metadata: [String: String])]>([])

    var logger: Logger {
        Logger(label: "portico.access") { _ in Handler(log: self) }
    }

    struct Handler: LogHandler {
        let log: RecordingLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            log.events.withLock { $0.append((event.message.description, (event.metadata ?? [:]).mapValues(\.description))) }
        }
    }
}

@Suite("Access log (MariaDB)")
struct AccessLogTests {
    @Test("one line per request with partner, credential id, route, status, bytes, timings and rows; never the secret")
    func accessLine() async throws {
        let state = MySQLConnectionPool(configuration: try TestDatabase.state(), logger: TestApp.quietLogger)
        let product = MySQLConnectionPool(configuration: try TestDatabase.product(), logger: TestApp.quietLogger)
        _ = try await StateSchema.migrate(state, productSchema: "tradeflow")
        let store = PartnerStore(pool: state)
        let code = "logged-\(UInt32.random(in: 0...UInt32.max))"
        _ = try await store.addPartner(code: code, name: nil)
        try await store.grant(partner: code, tenants: [1])
        let key = try await store.issueKey(partner: code, scopes: ["orders:read"], expires: nil)
        let auth = Authenticator(store: MySQLAccessStore(statePool: state, productPool: product, tenantSource: .grants), logger: TestApp.quietLogger)
        let read = ReadSettings(catalogs: TestApp.catalogs, cursors: TestApp.cursors, developmentPrincipal: nil, authenticator: auth)
        let log = RecordingLog()
        let app = TestApp.application(
            settings: .init(port: 0), read: read, pool: product, services: [state], logger: TestApp.quietLogger,
            accessLogger: log.logger)
        try await app.test(.router) { client in
            let ok = try await client.execute(
                uri: "/api/v1/orders?limit=3&fields=id", method: .get,
                headers: [.authorization: "Bearer \(key.token)", .init("X-Request-Id")!: "trace-me-1"])
            #expect(ok.status == .ok && ok.headers[.init("X-Request-Id")!] == "trace-me-1")
            let bad = try await client.execute(uri: "/api/v1/orders", method: .get, headers: [.init("X-Request-Id")!: "bad id with spaces"])
            #expect(bad.status == .unauthorized)
            let generated = try #require(bad.headers[.init("X-Request-Id")!])
            #expect(generated != "bad id with spaces" && generated.count == 24)
        }
        let lines = log.events.withLock { $0 }.filter { $0.message == "request" }
        try #require(lines.count == 2, "\(lines)")
        let first = lines[0].metadata
        #expect(first["request_id"] == "trace-me-1" && first["partner"] == code && first["credential_id"] == key.id)
        #expect(first["method"] == "GET" && first["route"] == "/api/{version}/{resource}" && first["status"] == "200" && first["rows"] == "3")
        #expect(Int(first["bytes"] ?? "") ?? 0 > 20 && Double(first["duration_ms"] ?? "") != nil && Double(first["db_ms"] ?? "") ?? 0 > 0)
        #expect(lines[1].metadata["status"] == "401" && lines[1].metadata["partner"] == nil)
        #expect(!lines.contains { $0.metadata.values.contains { $0.contains(key.secret) } }, "a secret reached the log")
    }
}

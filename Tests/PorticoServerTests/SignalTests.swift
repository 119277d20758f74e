import Foundation
import PorticoMySQL
import PorticoTestSupport
import Testing

/// The `portico serve` process under SIGHUP and SIGTERM, with a request in flight.
@Suite("serve: signals, reload and drain (MariaDB)", .serialized)
struct SignalTests {
    /// A free loopback port (bound, read, released).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                _ = bind(fd, pointer, length)
                return getsockname(fd, pointer, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test("SIGHUP reloads the mappings; SIGTERM fails readiness and lets a slow request finish")
    func reloadAndDrain() async throws {
        try await TestDatabase.withScratchSchema("drain") { admin in
            // The export is held in flight by a table lock the test takes and releases, not by time.
            try await admin.execute("CREATE TABLE slow (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)")
            try await admin.execute("INSERT INTO slow SELECT seq, CONCAT('row ', seq) FROM seq_1_to_400")
            let schema = try await admin.query("SELECT DATABASE()").rows[0][0].text ?? ""
            let folder = NSTemporaryDirectory() + "portico-drain-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder + "/mappings/v1", withIntermediateDirectories: true)
            let mapping = "scope: slow:read\ntable: slow\nkey: id\ntenant: none\nid: {column: id}\nfields:\n  name: {column: name, type: string}\n"
            try mapping.write(toFile: folder + "/mappings/v1/slow.yaml", atomically: true, encoding: .utf8)
            let (port, adminPort) = (Self.freePort(), Self.freePort())
            try """
            listen: {port: \(port)}
            admin: {port: \(adminPort)}
            mappings: \(folder)/mappings
            logging: {format: json}
            server: {drain_timeout: 20}
            """.write(toFile: folder + "/portico.yaml", atomically: true, encoding: .utf8)
            let adminConfig = TestDatabase.admin()
            guard case .unixSocket(let socket) = adminConfig.endpoint else {
                Issue.record("admin is not on a socket")
                return
            }
            let server = try SpawnedProcess(
                [TestDatabase.porticoBinary, "serve", "--config", folder + "/portico.yaml", "--dev-partner", "ops", "--dev-tenants", "1"],
                environment: [
                    "PORTICO_ENV": "development", "PORTICO_PRODUCT_DB_USER": adminConfig.user, "PORTICO_PRODUCT_DB_SOCKET": socket,
                    "PORTICO_PRODUCT_DB_DATABASE": schema, "PORTICO_PRODUCT_DB_PASSWORD": adminConfig.password?.value ?? "",
                    "PORTICO_PRODUCT_DB_PASSWORD_FILE": "",
                ])
            let readiness = { await RawHTTP.exchange(port: adminPort, ["GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]).received }
            try #require(try await waitUntil { await readiness().hasPrefix("HTTP/1.1 200") }, "the server did not become ready: \(server.output)")

            // SIGHUP: a second resource appears without a restart.
            let get = { (path: String) async -> String in
                await RawHTTP.exchange(port: port, ["GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]).received
            }
            #expect(await get("/api/v1/again?limit=1").hasPrefix("HTTP/1.1 404"))
            try mapping.write(toFile: folder + "/mappings/v1/again.yaml", atomically: true, encoding: .utf8)
            server.signal(SIGHUP)
            let reloaded = try await waitUntil { await get("/api/v1/again?limit=1&fields=id").hasPrefix("HTTP/1.1 200") }
            #expect(reloaded, "SIGHUP did not reload: \(server.output.suffix(2000))")

            // SIGTERM while an export is in flight (its statement waits on the test's lock):
            // readiness fails, the export completes once the lock goes, the process exits 0.
            try await admin.execute("LOCK TABLES slow WRITE")
            // No answer comes until the test unlocks the table: the client waits as long as waits may take.
            let export = Task {
                await RawHTTP.exchange(port: port, ["GET /api/v1/slow?format=ndjson HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"], timeout: 300)
            }
            let blocked = try await waitUntil {
                try await admin.query(
                    """
                    SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID() AND STATE LIKE 'Waiting for table%'
                    """, [.string(schema)]
                ).rows[0][0].int64 ?? 0 >= 1
            }
            #expect(blocked, "the export never reached the locked table")
            server.signal(SIGTERM)
            var lastReadiness = ""
            let draining = try await waitUntil {
                lastReadiness = await readiness()
                return lastReadiness.hasPrefix("HTTP/1.1 503")
            }
            #expect(draining, "readiness did not fail while draining: \(lastReadiness.prefix(200))")
            try await admin.execute("UNLOCK TABLES")
            let streamed = await export.value
            let documents = streamed.received.matches(of: /\{"id":/)
            #expect(
                streamed.received.hasPrefix("HTTP/1.1 200") && documents.count == 400,
                "\(documents.count) documents; \(streamed.received.prefix(300))")
            let status = await server.wait()
            #expect(status == 0, "exit status \(status): \(server.output.suffix(2000))")
            #expect(await RawHTTP.exchange(port: port, ["GET /healthz HTTP/1.1\r\n\r\n"]).received.isEmpty, "still accepting after shutdown")
        }
    }
}

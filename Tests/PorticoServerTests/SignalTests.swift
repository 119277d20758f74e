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
            // A view that takes 5 ms a row: an export of 400 rows is in flight for about 2 s.
            try await admin.execute("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)")
            try await admin.execute("INSERT INTO t SELECT seq, CONCAT('row ', seq) FROM seq_1_to_400")
            try await admin.execute("CREATE VIEW slow AS SELECT id, name FROM t WHERE SLEEP(0.005) = 0")
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
            guard case .unixSocket(let socket) = adminConfig.endpoint else { Issue.record("admin is not on a socket"); return }
            let server = try SpawnedProcess(
                [TestDatabase.porticoBinary, "serve", "--config", folder + "/portico.yaml", "--dev-partner", "ops", "--dev-tenants", "1"],
                environment: ["PORTICO_ENV": "development", "PORTICO_PRODUCT_DB_USER": adminConfig.user, "PORTICO_PRODUCT_DB_SOCKET": socket,
                              "PORTICO_PRODUCT_DB_DATABASE": schema, "PORTICO_PRODUCT_DB_PASSWORD": adminConfig.password?.value ?? "",
                              "PORTICO_PRODUCT_DB_PASSWORD_FILE": ""])
            var ready = false
            for _ in 0..<100 where !ready {
                try await Task.sleep(for: .milliseconds(100))
                ready = await RawHTTP.exchange(port: adminPort, ["GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]).received.hasPrefix("HTTP/1.1 200")
            }
            try #require(ready, "the server did not become ready: \(server.output)")

            // SIGHUP: a second resource appears without a restart.
            let get = { (path: String) async -> String in
                await RawHTTP.exchange(port: port, ["GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]).received
            }
            #expect(await get("/api/v1/again?limit=1").hasPrefix("HTTP/1.1 404"))
            try mapping.write(toFile: folder + "/mappings/v1/again.yaml", atomically: true, encoding: .utf8)
            server.signal(SIGHUP)
            var reloaded = false
            for _ in 0..<50 where !reloaded {
                try await Task.sleep(for: .milliseconds(100))
                reloaded = await get("/api/v1/again?limit=1&fields=id").hasPrefix("HTTP/1.1 200")
            }
            #expect(reloaded, "SIGHUP did not reload: \(server.output.suffix(2000))")

            // SIGTERM while an export is streaming: readiness fails, the export completes, the process exits 0.
            let export = Task { await RawHTTP.exchange(port: port, ["GET /api/v1/slow?format=ndjson HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]) }
            try await Task.sleep(for: .milliseconds(600))
            server.signal(SIGTERM)
            try await Task.sleep(for: .milliseconds(300))
            let readiness = await RawHTTP.exchange(port: adminPort, ["GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]).received
            #expect(readiness.hasPrefix("HTTP/1.1 503"), "readiness while draining: \(readiness.prefix(200))")
            let streamed = await export.value
            let documents = streamed.received.matches(of: /\{"id":/)
            #expect(streamed.received.hasPrefix("HTTP/1.1 200") && documents.count == 400, "\(documents.count) documents; \(streamed.received.prefix(300))")
            #expect(streamed.seconds > 1.5, "the export was not slow enough to test draining (\(streamed.seconds) s)")
            let status = await server.wait()
            #expect(status == 0, "exit status \(status): \(server.output.suffix(2000))")
            #expect(await RawHTTP.exchange(port: port, ["GET /healthz HTTP/1.1\r\n\r\n"]).received.isEmpty, "still accepting after shutdown")
        }
    }
}

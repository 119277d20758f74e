import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PorticoServer
import PorticoTestSupport
import Synchronization
import Testing

/// `portico serve` as ops run it, in process: configuration, both listeners, reload, metrics.
@Suite("Runtime: reload, admin listener, metrics (MariaDB)", .serialized)
struct RuntimeTests {
    /// A private copy of the demo mappings and a configuration on free ports.
    static func setUp() throws -> (config: String, mappings: String) {
        let folder = NSTemporaryDirectory() + "portico-runtime-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(TestDatabase.repositoryRoot)/mappings", toPath: folder + "/mappings")
        let config = folder + "/portico.yaml"
        try """
        listen: {port: 0}
        admin: {port: 0}
        mappings: \(folder)/mappings
        logging: {level: critical}
        limits: {rate_limit: 1000000, rate_burst: 100000, max_in_flight: 100}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        return (config, folder + "/mappings")
    }

    static func start(_ configPath: String) async throws -> (PorticoRuntime, Task<Void, any Error>, public: Int, admin: Int) {
        let config = try ConfigLoader.load(file: configPath).get()
        let runtime = try PorticoRuntime(config: config, developmentPrincipal: ReadApiTests.acme, logger: TestApp.quietLogger) {
            ConfigLoader.load(file: configPath)
        }
        let task = Task { try await runtime.run() }
        // Both listeners report their ports, or the runtime stopped: then its error is the failure.
        let ended = Flag()
        let watcher = Task {
            _ = await task.result
            ended.raise()
        }
        try await waitUntil { runtime.boundPorts.count == 2 || ended.isRaised }
        watcher.cancel()
        if ended.isRaised, case .failure(let error) = await task.result { Issue.record("the runtime stopped at start: \(error)") }
        let ports = runtime.boundPorts
        return (runtime, task, try #require(ports["public"]), try #require(ports["admin"]))
    }

    static func get(_ url: String, method: HTTPMethod = .GET) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 4 << 20)))
    }

    @Test("reloads swap the catalog under load without a failed request; an invalid one keeps the old catalog")
    func reloadUnderLoad() async throws {
        let (configPath, mappings) = try Self.setUp()
        let (_, task, port, admin) = try await Self.start(configPath)
        let stats = LoadStats()
        let load = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        while !stats.stop.load(ordering: .relaxed) {
                            let (status, _) = try await Self.get("http://127.0.0.1:\(port)/api/v1/orders?limit=5&fields=id")
                            if status == 200 { stats.served.add(1, ordering: .relaxed) } else { stats.failures.add(1, ordering: .relaxed) }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        // The load is running before each reload, and still running after it.
        let served = { stats.served.load(ordering: .relaxed) }
        #expect(try await waitUntil { served() >= 10 }, "the load did not start")
        #expect(try await Self.get("http://127.0.0.1:\(port)/api/v1/clients").0 == 404)

        // A valid change: a new resource appears.
        let customers = try String(contentsOfFile: mappings + "/v1/customers.yaml", encoding: .utf8)
        try customers.write(toFile: mappings + "/v1/clients.yaml", atomically: true, encoding: .utf8)
        let (ok, okBody) = try await Self.get("http://127.0.0.1:\(admin)/reload", method: .POST)
        #expect(ok == 200 && okBody.contains(#""result":"ok""#), "\(okBody)")
        #expect(try await Self.get("http://127.0.0.1:\(port)/api/v1/clients?limit=1").0 == 200)

        // An invalid change: refused with its diagnostics; the previous catalog stays.
        try "scope: x:read\ntable: t\n".write(toFile: mappings + "/v1/broken.yaml", atomically: true, encoding: .utf8)
        let (refused, refusedBody) = try await Self.get("http://127.0.0.1:\(admin)/reload", method: .POST)
        #expect(refused == 422 && refusedBody.contains("broken.yaml:1:1: error: resource 'broken' needs 'key'"), "\(refusedBody)")
        #expect(try await Self.get("http://127.0.0.1:\(port)/api/v1/clients?limit=1").0 == 200)
        let afterReloads = served()
        #expect(try await waitUntil { served() >= afterReloads + 10 }, "the load stopped after the reloads")
        stats.stop.store(true, ordering: .relaxed)
        try await load.value
        #expect(stats.failures.load(ordering: .relaxed) == 0)

        let (_, metrics) = try await Self.get("http://127.0.0.1:\(admin)/metrics")
        #expect(metrics.contains(#"portico_catalog_reloads_total{result="ok"} 1"#), "\(metrics.prefix(2000))")
        #expect(metrics.contains(#"portico_catalog_reloads_total{result="failed"} 1"#))
        #expect(metrics.contains(#"portico_http_requests_total{version="v1",resource="orders",status="200",partner="acme"}"#))
        for name in [
            "portico_http_request_duration_seconds_bucket", "portico_db_time_seconds_count", "portico_db_pool_connections{pool=\"product\"}",
            "portico_db_pool_in_use", "portico_db_pool_waiters", "portico_db_pool_timeouts_total", "portico_db_pool_reconnects_total",
            "portico_build_info",
        ] {
            #expect(metrics.contains(name), "no \(name) in /metrics")
        }
        // The admin listener names the components; the public one gives the bare status.
        let (health, healthBody) = try await Self.get("http://127.0.0.1:\(admin)/readyz")
        #expect(health == 200 && healthBody == #"{"status":"ready","database":"ok"}"#, "\(healthBody)")
        let (publicHealth, publicBody) = try await Self.get("http://127.0.0.1:\(port)/readyz")
        #expect(publicHealth == 200 && publicBody == #"{"status":"ready"}"#, "\(publicBody)")

        // A bad key counts as an auth failure; `portico reload` reaches the admin listener.
        var bad = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/orders")
        bad.headers.add(name: "Authorization", value: "Bearer ptc_nope")
        #expect(try await HTTPClient.shared.execute(bad, timeout: .seconds(10)).status.code == 401)
        #expect(try await Self.get("http://127.0.0.1:\(admin)/metrics").1.contains(#"portico_auth_failures_total{kind="invalid-token"} 1"#))
        let (status, output) = await TestDatabase.run([TestDatabase.porticoBinary, "reload", "--admin", "127.0.0.1:\(admin)"])
        #expect(status == 1 && output.contains(#""result":"refused""#) && output.contains("broken.yaml"), "\(output)")
        try FileManager.default.removeItem(atPath: mappings + "/v1/broken.yaml")
        let (fixed, fixedOutput) = await TestDatabase.run([TestDatabase.porticoBinary, "reload", "--admin", "127.0.0.1:\(admin)"])
        #expect(fixed == 0 && fixedOutput.contains(#""result":"ok""#), "\(fixedOutput)")
        task.cancel()
        _ = await task.result
    }
}

/// Counts of a load loop, shared with its tasks.
final class LoadStats: Sendable {
    let served = Atomic<Int>(0)
    let failures = Atomic<Int>(0)
    let stop = Atomic<Bool>(false)
}

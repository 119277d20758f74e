import Foundation
import PorticoMySQL
import PorticoTestSupport
import Testing

/// Two `portico serve` processes on one state schema behind a real nginx (`deploy/nginx-fleet.conf`'s
/// upstream): the fleet as ops run it.
struct FleetNotFormed: Error {}

@Suite("Two instances behind nginx (MariaDB, nginx)", .serialized)
struct FleetBalancerTests {
    /// A running fleet: two instances, their admin ports, and nginx in front on `port`.
    struct Fleet {
        let instances: [SpawnedProcess]
        /// Each instance's public port, to reach one past nginx.
        let ports: [Int]
        let adminPorts: [Int]
        let nginx: SpawnedProcess
        let port: Int
        let folder: String
        /// The settings both instances share, as their environment gives them.
        let shared: [String: String]

        /// Stops everything but the instances already waited for (`stopped`).
        func stop(skipping stopped: Set<Int> = []) async {
            for (index, process) in instances.enumerated() where !stopped.contains(index) {
                process.signal(SIGTERM)
                _ = await process.wait()
            }
            nginx.signal(SIGTERM)
            _ = await nginx.wait()
            try? FileManager.default.removeItem(atPath: folder)
        }

        /// One request through nginx, its status line and body.
        func get(_ path: String, key: String) async -> (status: Int, body: String) {
            let reply = await Self.send(port: port, path: path, key: key)
            return (reply.status, reply.body)
        }

        /// One request to `port` (nginx's or an instance's): status, head (lower-cased) and body.
        static func send(
            port: Int, method: String = "GET", path: String, key: String? = nil, headers: [String] = [], body: String = ""
        ) async -> (status: Int, head: String, body: String) {
            let lines = (key.map { ["Authorization: Bearer \($0)"] } ?? []) + headers + (body.isEmpty ? [] : ["Content-Length: \(body.utf8.count)"])
            let request = "\(method) \(path) HTTP/1.1\r\nHost: x\r\n" + lines.map { $0 + "\r\n" }.joined() + "Connection: close\r\n\r\n" + body
            let reply = await RawHTTP.exchange(port: port, [request]).received
            let status = Int(reply.dropFirst(9).prefix(3)) ?? 0
            guard let split = reply.range(of: "\r\n\r\n") else { return (status, reply.lowercased(), "") }
            return (status, reply[..<split.lowerBound].lowercased(), String(reply[split.upperBound...]))
        }

        /// A gauge or counter of one instance's /metrics (summed over its label sets).
        func metric(_ name: String, instance: Int) async -> Double {
            let text = await RawHTTP.exchange(port: adminPorts[instance], ["GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"])
                .received
            return text.split(separator: "\n").filter { $0.hasPrefix(name + " ") || $0.hasPrefix(name + "{") }
                .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
        }
    }

    /// - Parameters:
    ///   - environment: settings for both instances besides the fleet's own (a state database, a drain delay).
    ///   - mappings: the mappings folder both serve.
    static func start(
        environment extra: [String: String] = [:], mappings: String = "\(TestDatabase.repositoryRoot)/mappings"
    ) async throws
        -> Fleet
    {
        let folder = NSTemporaryDirectory() + "portico-fleet-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/nginx", withIntermediateDirectories: true)
        let ports = (0..<2).map { _ in SignalTests.freePort() }
        let adminPorts = (0..<2).map { _ in SignalTests.freePort() }
        let balancer = SignalTests.freePort()
        let secret = "fleet-cursor-secret-" + UUID().uuidString
        let shared = [
            "PORTICO_CURSOR_SECRET": secret, "PORTICO_OAUTH_ISSUER": "http://127.0.0.1:\(balancer)", "PORTICO_LIMITS_FLEET_HEARTBEAT": "1",
        ]
        var instances: [SpawnedProcess] = []
        for index in 0..<2 {
            instances.append(
                try SpawnedProcess(
                    [
                        TestDatabase.porticoBinary, "serve", "--port", String(ports[index]), "--admin-port", String(adminPorts[index]),
                        "--mappings", mappings,
                    ],
                    environment: shared.merging(["PORTICO_LIMITS_TRUSTED_PROXIES": "127.0.0.1", "PORTICO_LOGGING_LEVEL": "warning"]) { $1 }
                        .merging(extra) { _, given in given }))
        }
        try """
        daemon off;
        pid \(folder)/nginx/nginx.pid;
        error_log \(folder)/nginx/error.log warn;
        events { worker_connections 256; }
        http {
            access_log off;
            client_body_temp_path \(folder)/nginx/body;
            proxy_temp_path \(folder)/nginx/proxy;
            fastcgi_temp_path \(folder)/nginx/fastcgi;
            uwsgi_temp_path \(folder)/nginx/uwsgi;
            scgi_temp_path \(folder)/nginx/scgi;
            upstream portico {
                server 127.0.0.1:\(ports[0]) max_fails=3 fail_timeout=10s;
                server 127.0.0.1:\(ports[1]) max_fails=3 fail_timeout=10s;
                keepalive 16;
            }
            server {
                listen 127.0.0.1:\(balancer);
                location / {
                    proxy_pass http://portico;
                    proxy_http_version 1.1;
                    proxy_set_header Connection "";
                    proxy_set_header X-Forwarded-For $remote_addr;
                    proxy_next_upstream error timeout http_502 http_503 http_504;
                    proxy_next_upstream_tries 2;
                    proxy_connect_timeout 2s;
                    proxy_buffering off;
                    proxy_read_timeout 600s;
                }
            }
        }
        """.write(toFile: folder + "/nginx/nginx.conf", atomically: true, encoding: .utf8)
        let nginx = try SpawnedProcess(["/usr/sbin/nginx", "-p", folder + "/nginx", "-c", folder + "/nginx/nginx.conf"])
        let fleet = Fleet(instances: instances, ports: ports, adminPorts: adminPorts, nginx: nginx, port: balancer, folder: folder, shared: shared)
        // Ready when each instance counts the other: only then are the rates divided.
        let counted = try await waitUntil {
            var both = true
            for index in 0..<2 where await fleet.metric("portico_fleet_instances", instance: index) < 2 { both = false }
            return both
        }
        if !counted {
            await fleet.stop()
            Issue.record("the instances never counted each other: \(instances.map { $0.output.suffix(1500) })")
            throw FleetNotFormed()
        }
        return fleet
    }

    /// Runs `body` with the environment of a state schema of its own on the main server, then
    /// drops it: no other test's `portico serve` (they run in parallel) joins this fleet and
    /// changes its size.
    static func withOwnState(_ body: ([String: String]) async throws -> Void) async throws {
        let schema = "portico_fleet_\(UInt32.random(in: 0...UInt32.max))"
        let state = [
            "PORTICO_STATE_DB_SOCKET": TestDatabase.socket(instance: "main"),
            "PORTICO_STATE_DB_USER": TestDatabase.environment["PORTICO_ADMIN_DB_USER"] ?? "root",
            "PORTICO_STATE_DB_PASSWORD_FILE": "", "PORTICO_STATE_DB_PASSWORD": "", "PORTICO_STATE_DB_DATABASE": schema,
        ]
        func drop() async {
            guard let admin = try? await MySQLConnection.connect(TestDatabase.admin()) else { return }
            try? await admin.execute("DROP DATABASE IF EXISTS `\(schema)`")
            await admin.close()
        }
        do {
            try await body(state)
        } catch {
            await drop()
            throw error
        }
        await drop()
    }

    /// A partner of its own on a plan, granted account 1, and its key.
    static func partner(rate: Int, burst: Int, environment: [String: String] = [:]) async throws -> String {
        try await partnerAndName(rate: rate, burst: burst, environment: environment).key
    }

    /// ``partner(rate:burst:environment:)``, with the partner's (and its plan's) name.
    static func partnerAndName(
        rate: Int, burst: Int, dailyQuota: Int? = nil, environment: [String: String] = [:]
    ) async throws -> (key: String, name: String) {
        let binary = TestDatabase.porticoBinary
        let suffix = "\(UInt32.random(in: 0...UInt32.max))"
        for step in [
            ["migrate"],
            ["plan", "set", "fleet-\(suffix)", "--rate-limit", String(rate), "--rate-burst", String(burst)]
                + (dailyQuota.map { ["--daily-quota", String($0)] } ?? []),
            ["partner", "add", "fleet-\(suffix)"], ["partner", "plan", "fleet-\(suffix)", "fleet-\(suffix)"], ["grant", "fleet-\(suffix)", "1"],
        ] {
            let (status, output) = await TestDatabase.run([binary] + step, environment: environment)
            try #require(status == 0, "\(step): \(output)")
        }
        let (status, output) = await TestDatabase.run(
            [binary, "key", "issue", "fleet-\(suffix)", "--scopes", "orders:read"], environment: environment)
        try #require(status == 0, "\(output)")
        return (try #require(output.firstMatch(of: /ptc_[A-Za-z0-9_]+/).map { String($0.output) }, "\(output)"), "fleet-\(suffix)")
    }

    @Test(
        "a partner's rate holds across both instances within the stated bound, both serve; a cursor walk that alternates them sees every row once"
    )
    func rateAndCursors() async throws { try await Self.withOwnState { try await rateAndCursors(state: $0) } }

    func rateAndCursors(state: [String: String]) async throws {
        let limited = try await Self.partner(rate: 60, burst: 10, environment: state)  // 1/s, bursts of 10
        let walker = try await Self.partner(rate: 100_000, burst: 10_000, environment: state)
        let fleet = try await Self.start(environment: state)
        do {
            let before = [
                await fleet.metric("portico_http_requests_total", instance: 0), await fleet.metric("portico_http_requests_total", instance: 1),
            ]
            let started = ContinuousClock.now
            var statuses: [Int] = []
            for _ in 0..<60 { statuses.append(await fleet.get("/api/v1/orders?limit=1&fields=id", key: limited).status) }
            let elapsed = (ContinuousClock.now - started) / .seconds(1)
            let allowed = statuses.filter { $0 == 200 }.count
            #expect(Set(statuses).isSubset(of: [200, 429]), "\(statuses)")
            // The bound: the burst, plus N - 1, plus what the rate refills while the requests run.
            let bound = 10 + 1 + Int(elapsed.rounded(.up))
            #expect(allowed <= bound, "\(allowed) of 60 allowed through two instances in \(elapsed) s; the bound is \(bound)")
            #expect(allowed >= 10 - 2, "\(allowed): \(statuses)")
            let after = [
                await fleet.metric("portico_http_requests_total", instance: 0), await fleet.metric("portico_http_requests_total", instance: 1),
            ]
            #expect(after[0] - before[0] >= 20 && after[1] - before[1] >= 20, "nginx spread the requests: \(before) → \(after)")

            // Pages of 7, alternating instances (round robin), with the one cursor secret.
            let product = MySQLConnectionPool(configuration: try TestDatabase.product(), logger: TestApp.quietLogger)
            let expected = try await product.query("SELECT COUNT(*) FROM orders WHERE acct_id = 1").rows[0][0].int64 ?? -1
            await product.close()
            var ids: [String] = []
            var path: String? = "/api/v1/orders?limit=7&fields=id"
            var pages = 0
            while let current = path, pages < 100 {
                pages += 1
                let (status, body) = await fleet.get(current, key: walker)
                try #require(status == 200, "page \(pages): \(status) \(body.prefix(300))")
                let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
                ids += ((json["data"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
                path = (json["next_cursor"] as? String).map { "/api/v1/orders?limit=7&fields=id&cursor=\($0)" }
            }
            #expect(ids.count == Int(expected) && Set(ids).count == ids.count, "\(ids.count) ids, \(Set(ids).count) distinct, \(expected) rows")
            #expect(pages > 4)
        } catch {
            await fleet.stop()
            throw error
        }
        await fleet.stop()
    }

    @Test("a daily quota holds across both instances within the bound: the quota plus what one instance admits before the next flush")
    func quota() async throws { try await Self.withOwnState { try await quota(state: $0) } }

    func quota(state: [String: String]) async throws {
        let (key, _) = try await Self.partnerAndName(rate: 100_000, burst: 10_000, dailyQuota: 30, environment: state)
        let fleet = try await Self.start(environment: state)
        // Batches of 6, 3 to each instance directly; after each, until both instances report
        // (GET /usage) the fleet's total as what was admitted: both have flushed and read. Each
        // instance then admits at most its 3 past the quota's edge, so the fleet at most 30 + 3,
        // where each instance counting alone would let 60 through.
        var statuses: [Int] = []
        while statuses.count < 64 {
            for index in 0..<6 {
                let port = fleet.ports[index % 2]
                statuses.append(await FleetChecksTests.send(port, path: "/api/v1/orders?limit=1&fields=id", key: key).status)
            }
            let admitted = statuses.filter { $0 == 200 }.count
            let flushed = try await waitUntil(limit: .seconds(60)) {
                for port in fleet.ports {
                    let usage = await FleetChecksTests.send(port, path: "/api/v1/usage", key: key).body
                    guard usage.contains("\"used\":\(admitted),") else { return false }
                }
                return true
            }
            try #require(flushed, "the instances never agreed on \(admitted) used")
        }
        await fleet.stop()
        let allowed = statuses.filter { $0 == 200 }.count
        #expect(statuses.allSatisfy { $0 == 200 || $0 == 429 }, "\(statuses)")
        #expect(allowed >= 30 && allowed <= 30 + 3, "\(allowed) of \(statuses.count) allowed on a quota of 30; the bound is 33")
        #expect(allowed < 60, "\(allowed): the instances did not share the quota")
    }

    @Test("SIGTERM to one instance under load: nginx moves to the other, and no request fails")
    func drainOne() async throws { try await Self.withOwnState { try await drainOne(state: $0) } }

    func drainOne(state: [String: String]) async throws {
        let walker = try await Self.partner(rate: 100_000, burst: 10_000, environment: state)
        let fleet = try await Self.start(environment: state)
        var statuses: [Int] = []
        for step in 0..<80 {
            if step == 20 { fleet.instances[0].signal(SIGTERM) }
            statuses.append(await fleet.get("/api/v1/orders?limit=2&fields=id", key: walker).status)
        }
        #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses)")
        #expect(await fleet.instances[0].wait() == 0, "the instance drained and exited cleanly: \(fleet.instances[0].output.suffix(1000))")
        await fleet.stop(skipping: [0])
    }
}

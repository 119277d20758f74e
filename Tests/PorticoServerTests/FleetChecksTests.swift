import Foundation
import PorticoTestSupport
import Testing

/// What a fleet must agree on besides rates, checked between two `portico serve` processes on
/// one state schema (each reached directly, past nginx): tokens, ETags, revocations, plans,
/// reloads and draining; and the state store going away under traffic.
@Suite("What two instances share, and the state store down (MariaDB, nginx)", .serialized)
struct FleetChecksTests {
    typealias Fleet = FleetBalancerTests.Fleet

    static func send(
        _ port: Int, _ method: String = "GET", path: String, key: String? = nil, headers: [String] = [], body: String = ""
    ) async -> (status: Int, head: String, body: String) {
        await Fleet.send(port: port, method: method, path: path, key: key, headers: headers, body: body)
    }

    /// The value of header `name` (lower case) in a head `send` returned.
    static func header(_ name: String, in head: String) -> String? {
        head.split(separator: "\r\n").first { $0.hasPrefix(name + ":") }.map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
    }

    /// Runs a CLI step against the fleet's state schema; fails the test when it exits non-zero.
    static func cli(_ arguments: [String], environment: [String: String] = [:]) async throws -> String {
        let (status, output) = await TestDatabase.run([TestDatabase.porticoBinary] + arguments, environment: environment)
        try #require(status == 0, "\(arguments): \(output)")
        return output
    }

    /// Waits until each instance answers a page request with `answer`: a change made through the
    /// CLI reaching it. Not a speed check: the bound is the caches' 5 s; far longer (30 s) means
    /// the change was never read.
    static func untilBoth(_ ports: [Int], answer: Int, key: String, _ what: String) async throws {
        let started = ContinuousClock.now
        for port in ports {
            let reached = try await waitUntil(limit: .seconds(60)) {
                await send(port, path: "/api/v1/orders?limit=1&fields=id", key: key).status == answer
            }
            #expect(reached, "instance on \(port) \(what)")
        }
        #expect(ContinuousClock.now - started < .seconds(30), "\(what): \(ContinuousClock.now - started)")
    }

    @Test("a token from one instance verifies on the other; ETags agree; a revocation, a plan change and a reload reach both")
    func shared() async throws { try await FleetBalancerTests.withOwnState { try await shared(state: $0) } }

    func shared(state: [String: String]) async throws {
        let mappings = NSTemporaryDirectory() + "portico-fleet-mappings-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: "\(TestDatabase.repositoryRoot)/mappings", toPath: mappings)
        defer { try? FileManager.default.removeItem(atPath: mappings) }
        let (key, name) = try await FleetBalancerTests.partnerAndName(rate: 100_000, burst: 10_000, environment: state)
        let client = try await Self.cli(["client", "add", name, "--scopes", "orders:read"], environment: state)
        let clientID = try #require(client.firstMatch(of: /client_id=(\S+)/).map { String($0.1) })
        let clientSecret = try #require(client.firstMatch(of: /client_secret=(\S+)/).map { String($0.1) })
        let fleet = try await FleetBalancerTests.start(environment: state, mappings: mappings)
        let (one, other) = (fleet.ports[0], fleet.ports[1])
        do {
            // `portico fleet` lists both as live and agreeing with the configuration they share; a different secret differs.
            let listed = try await Self.cli(["fleet"], environment: state.merging(fleet.shared) { $1 })
            #expect(listed.contains("2 live instance(s)") && !listed.contains("DIFFERS"), "\(listed)")
            let (status, differing) = await TestDatabase.run(
                [TestDatabase.porticoBinary, "fleet"],
                environment: state.merging(fleet.shared) { $1 }.merging(["PORTICO_CURSOR_SECRET": String(repeating: "x", count: 40)]) { $1 })
            #expect(status == 1 && differing.contains("DIFFERS: cursor_secret"), "\(status) \(differing)")

            let checked = try await Self.cli(["config", "check"], environment: fleet.shared)
            let unset = try await Self.cli(["config", "check"])  // the tests set no cursor secret of their own
            #expect(checked.contains("limits.fleet_heartbeat: 1") && checked.contains(/cursor_secret: [0-9a-f]{24}\n/), "\(checked)")
            #expect(unset.contains("cursor_secret: unset"), "\(unset)")

            // A token issued by one instance, used on the other (the signing keys are in the state schema).
            let basic = Data("\(clientID):\(clientSecret)".utf8).base64EncodedString()
            let issued = await Self.send(
                one, "POST", path: "/oauth/token",
                headers: ["Authorization: Basic \(basic)", "Content-Type: application/x-www-form-urlencoded"],
                body: "grant_type=client_credentials&scope=orders:read")
            try #require(issued.status == 200, "\(issued.body)")
            let token = try #require(issued.body.firstMatch(of: /"access_token"\s*:\s*"([^"]+)"/).map { String($0.1) })
            let withToken = await Self.send(other, path: "/api/v1/orders?limit=1&fields=id", key: token)
            #expect(withToken.status == 200, "a token from one instance on the other: \(withToken.status) \(withToken.body.prefix(300))")

            // The same order has the same ETag on both, and either's ETag validates on the other.
            let page = await Self.send(one, path: "/api/v1/orders?limit=1&fields=id", key: key)
            let id = try #require(page.body.firstMatch(of: /"id"\s*:\s*"([^"]+)"/).map { String($0.1) }, "\(page.body.prefix(300))")
            let first = await Self.send(one, path: "/api/v1/orders/\(id)", key: key)
            let second = await Self.send(other, path: "/api/v1/orders/\(id)", key: key)
            let etag = try #require(Self.header("etag", in: first.head), "\(first.head)")
            #expect(first.status == 200 && Self.header("etag", in: second.head) == etag && first.body == second.body)
            let revalidated = await Self.send(other, path: "/api/v1/orders/\(id)", key: key, headers: ["If-None-Match: \(etag)"])
            #expect(revalidated.status == 304, "the other instance's answer to the first's ETag: \(revalidated.status)")

            // A reload reaches each instance it is sent to: SIGHUP to one, `portico reload` to the other.
            let customers = try String(contentsOfFile: "\(mappings)/v1/customers.yaml", encoding: .utf8)
            try customers.replacingOccurrences(of: "scope: customers:read", with: "scope: orders:read")
                .write(toFile: "\(mappings)/v1/buyers.yaml", atomically: true, encoding: .utf8)
            #expect(await Self.send(one, path: "/api/v1/buyers?limit=1", key: key).status == 404)
            fleet.instances[0].signal(SIGHUP)
            _ = try await Self.cli(["reload", "--admin", "127.0.0.1:\(fleet.adminPorts[1])"])
            for port in [one, other] {
                let reloaded = try await waitUntil(limit: .seconds(60)) {
                    await Self.send(port, path: "/api/v1/buyers?limit=1", key: key).status == 200
                }
                #expect(reloaded, "instance on \(port) serves the new resource after its reload")
            }

            // A plan change made through the CLI takes effect on both within the cache's 5 s.
            _ = try await Self.cli(["plan", "set", name, "--rate-limit", "60", "--rate-burst", "1"], environment: state)
            try await Self.untilBoth([one, other], answer: 429, key: key, "enforces the new plan")
            _ = try await Self.cli(["plan", "set", name, "--rate-limit", "100000", "--rate-burst", "10000"], environment: state)

            // A key revoked through the CLI stops working on both.
            let keyID = String(key.dropFirst(4).prefix(10))
            _ = try await Self.cli(["key", "revoke", keyID], environment: state)
            try await Self.untilBoth([one, other], answer: 401, key: key, "refuses the revoked key")
        } catch {
            await fleet.stop()
            throw error
        }
        await fleet.stop()
    }

    @Test("with server.drain_delay, a stopping instance fails /readyz but still serves until the delay ends; the other stays ready")
    func drainDelay() async throws { try await FleetBalancerTests.withOwnState { try await drainDelay(state: $0) } }

    func drainDelay(state: [String: String]) async throws {
        let key = try await FleetBalancerTests.partner(rate: 100_000, burst: 10_000, environment: state)
        let fleet = try await FleetBalancerTests.start(environment: state.merging(["PORTICO_SERVER_DRAIN_DELAY": "10"]) { $1 })
        fleet.instances[0].signal(SIGTERM)
        let draining = try await waitUntil(limit: .seconds(15)) { await Self.send(fleet.adminPorts[0], path: "/readyz").status == 503 }
        #expect(draining, "readiness fails once SIGTERM arrives")
        // Within the delay (10 s, which the steps below take a fraction of): still serving, and the other ready.
        #expect(await Self.send(fleet.ports[0], path: "/api/v1/orders?limit=1&fields=id", key: key).status == 200)
        #expect(await Self.send(fleet.adminPorts[1], path: "/readyz").status == 200)
        #expect(await fleet.get("/api/v1/orders?limit=1&fields=id", key: key).status == 200)
        fleet.instances[1].signal(SIGTERM)  // its own delay runs alongside
        #expect(await fleet.instances[0].wait() == 0, "\(fleet.instances[0].output.suffix(1000))")
        await fleet.stop(skipping: [0])
    }

    @Test("the state store down under traffic: known partners are served and still limited, nothing 5xx's; then it comes back")
    func storeDown() async throws {
        let instance = "fleetstate"
        try await TestDatabase.script(["start"], instance: instance)
        let root = "\(TestDatabase.repositoryRoot)/.run/db-\(instance)"
        let state = [
            "PORTICO_STATE_DB_SOCKET": "\(root)/mysqld.sock", "PORTICO_STATE_DB_USER": "portico",
            "PORTICO_STATE_DB_PASSWORD_FILE": "\(root)/secrets/portico.password", "PORTICO_STATE_DB_DATABASE": "portico",
        ]
        let limited = try await FleetBalancerTests.partner(rate: 60, burst: 10, environment: state)
        let walker = try await FleetBalancerTests.partner(rate: 100_000, burst: 10_000, environment: state)
        let fleet = try await FleetBalancerTests.start(environment: state)
        var statuses: [Int] = []
        do {
            // Both keys seen by both instances while the store is up (a key never seen cannot be checked without it).
            for port in fleet.ports {
                for key in [walker, limited] { statuses.append(await Self.send(port, path: "/api/v1/orders?limit=1&fields=id", key: key).status) }
            }
            try await TestDatabase.script(["stop"], instance: instance)
            // Until each instance has found the store gone (a failed heartbeat) and answered a
            // partner from what it last read (its cache entries expired meanwhile).
            let noticed = try await waitUntil(limit: .seconds(120)) {
                statuses.append(await fleet.get("/api/v1/orders?limit=1&fields=id", key: walker).status)
                var both = true
                for index in 0..<2 {
                    if await fleet.metric("portico_fleet_heartbeat_failures_total", instance: index) < 1 { both = false }
                    if await fleet.metric("portico_auth_stale_answers_total", instance: index) < 1 { both = false }
                }
                return both
            }
            #expect(noticed, "both instances served from their caches with the store down")
            // Still two instances to each (the last count stands), so the rate holds across both.
            #expect(await fleet.metric("portico_fleet_instances", instance: 0) == 2)
            let started = ContinuousClock.now
            var limitedStatuses: [Int] = []
            for _ in 0..<40 { limitedStatuses.append(await fleet.get("/api/v1/orders?limit=1&fields=id", key: limited).status) }
            let elapsed = (ContinuousClock.now - started) / .seconds(1)
            let allowed = limitedStatuses.filter { $0 == 200 }.count
            #expect(Set(limitedStatuses).isSubset(of: [200, 429]), "\(limitedStatuses)")
            #expect(allowed <= 10 + 1 + Int(elapsed.rounded(.up)), "\(allowed) allowed in \(elapsed) s with the store down")
            #expect(await Self.send(fleet.adminPorts[0], path: "/readyz").status == 200, "readiness is the product database's")
            try await TestDatabase.script(["start"], instance: instance)
            // The store was down longer than the liveness (3 s): both rows count as live again only
            // once both instances beat into it again.
            let recovered = try await waitUntil(limit: .seconds(120)) {
                let (status, listed) = await TestDatabase.run([TestDatabase.porticoBinary, "fleet"], environment: state.merging(fleet.shared) { $1 })
                return status == 0 && listed.contains("2 live instance(s)")
            }
            #expect(recovered, "heartbeats succeed again once the store is back")
            statuses.append(await fleet.get("/api/v1/orders?limit=1&fields=id", key: walker).status)
        } catch {
            await fleet.stop()
            try? await TestDatabase.script(["stop"], instance: instance)
            throw error
        }
        await fleet.stop()
        try await TestDatabase.script(["stop"], instance: instance)
        #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses)")
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoAccess
import PorticoMySQL
import PorticoQuota
import PorticoServer
import PorticoTestSupport
import Synchronization
import Testing

final class TestClock: LimiterClock, Sendable {
    private let seconds = Mutex<Double>(5000)
    func now() -> Double { seconds.withLock { $0 } }
    func advance(_ by: Double) { seconds.withLock { $0 += by } }
}

@Suite("Rate limits (MariaDB)")
struct LimitTests {
    static let policy = RatePolicy(name: "default", limit: 10, window: 10, burst: 3)  // 1/s, bursts of 3

    static func app(
        _ pool: MySQLConnectionPool, _ limits: Limits, principal: Principal?, authenticator: Authenticator? = nil
    ) -> some ApplicationProtocol {
        let read = ReadSettings(
            catalogs: TestApp.catalogs, cursors: TestApp.cursors, developmentPrincipal: principal,
            authenticator: authenticator, limits: limits)
        return TestApp.application(settings: .init(port: 0), read: read, pool: pool, logger: TestApp.quietLogger)
    }

    @Test("every response carries the headers; past the burst a 429 problem with Retry-After; refusals cost nothing")
    func burst() async throws {
        let clock = TestClock()
        let limits = Limits(settings: LimitSettings.standard.with { $0.partner = Self.policy }, clock: clock)
        let pool = MySQLConnectionPool(configuration: try TestDatabase.product(), logger: TestApp.quietLogger)
        try await Self.app(pool, limits, principal: ReadApiTests.acme).test(.router) { client in
            var remaining: [String] = []
            for _ in 0..<3 {
                let response = try await client.execute(uri: "/api/v1/orders?limit=1&fields=id", method: .get)
                #expect(response.status == .ok)
                #expect(response.headers[.init("RateLimit-Policy")!] == #""default";q=10;w=10"#)
                remaining.append(response.headers[.init("RateLimit")!] ?? "")
            }
            #expect(remaining == [#""default";r=2;t=1"#, #""default";r=1;t=2"#, #""default";r=0;t=3"#])
            for _ in 0..<5 {
                let refused = try await client.execute(uri: "/api/v1/orders?limit=1", method: .get)
                #expect(refused.status == .tooManyRequests)
                #expect(refused.headers[.retryAfter] == "1")
                let body = try ReadApiTests.json(refused)
                #expect(body["type"] as? String == "https://iana.org/assignments/http-problem-types#quota-exceeded")
                #expect(body["violated-policies"] as? [String] == ["default"])
            }
            clock.advance(1)
            #expect(try await client.execute(uri: "/api/v1/orders?limit=1", method: .get).status == .ok)
            // Errors of authenticated requests carry the headers too.
            clock.advance(1)
            let notFound = try await client.execute(uri: "/api/v1/orders/ORD-99999999", method: .get)
            #expect(notFound.status == .notFound && notFound.headers[.init("RateLimit")!] != nil)
        }
        await pool.close()
    }

    @Test("one partner's traffic never changes another's headers; exports cost more; usage reports the state")
    func independence() async throws {
        let clock = TestClock()
        let limits = Limits(
            settings: LimitSettings.standard.with {
                $0.partner = Self.policy
                $0.exportCost = 3
            }, clock: clock)
        let poolA = MySQLConnectionPool(configuration: try TestDatabase.product(), logger: TestApp.quietLogger)
        let poolB = MySQLConnectionPool(configuration: try TestDatabase.product(), logger: TestApp.quietLogger)
        try await Self.app(poolA, limits, principal: ReadApiTests.acme).test(.router) { client in
            let export = try await client.execute(uri: "/api/v1/orders?format=ndjson&fields=id", method: .get)
            #expect(export.status == .ok)
            #expect(export.headers[.init("RateLimit")!] == #""default";r=0;t=3"#, "an export costs 3")
            #expect(try await client.execute(uri: "/api/v1/orders?limit=1", method: .get).status == .tooManyRequests)
            let usage = try ReadApiTests.json(try await client.execute(uri: "/api/v1/usage", method: .get))
            #expect(usage["partner"] as? String == "acme")
            #expect((usage["rate"] as? [String: Any])?["remaining"] as? Int == 0)
        }
        try await Self.app(poolB, limits, principal: ReadApiTests.globex).test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/orders?limit=1", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.init("RateLimit")!] == #""default";r=2;t=1"#)
        }
    }

    @Test("guessing keys from one address is cut off with 429s before any lookup; a valid key from that address is still served")
    func addressLimit() async throws {
        let clock = TestClock()
        let anonymous = RatePolicy(name: "anonymous", limit: 3, window: 60, burst: 3)
        let limits = Limits(
            settings: LimitSettings.standard.with {
                $0.partner = Self.policy
                $0.anonymous = anonymous
            }, clock: clock)
        let access = try await AccessFixture(partner: "shared-egress")
        try await access.store.grant(partner: access.partner, tenants: [1])
        let valid = try await access.issueKey()
        let authenticator = access.authenticator
        try await Self.app(access.product, limits, principal: nil, authenticator: authenticator).test(.router) { client in
            let get = { (headers: HTTPFields) in try await client.execute(uri: "/api/v1/orders?limit=1&fields=id", method: .get, headers: headers) }
            for _ in 0..<3 {
                #expect(try await get([.authorization: "Bearer \(ApiKey.generate().token)"]).status == .unauthorized)
            }
            let lookups = authenticator.lookups
            for _ in 0..<5 {
                let refused = try await get([.authorization: "Bearer \(ApiKey.generate().token)"])
                #expect(refused.status == .tooManyRequests)
                #expect(refused.headers[.retryAfter] != nil)
            }
            #expect(authenticator.lookups == lookups, "refused guesses must not reach the database")
            let body = try ReadApiTests.json(try await get([:]))
            #expect(body["violated-policies"] as? [String] == ["anonymous"])

            // The same address with a key that authenticates: served, limited by its partner's
            // policy only, and it does not lift the address's limit for the failing client.
            for _ in 0..<3 {
                let served = try await get([.authorization: "Bearer \(valid.token)"])
                #expect(served.status == .ok, "\(String(buffer: served.body))")
                #expect(served.headers[.init("RateLimit-Policy")!] == #""default";q=10;w=10"#)
            }
            #expect(try await get([.authorization: "Bearer \(valid.token)"]).status == .tooManyRequests, "the partner's own burst of 3 applies")
            #expect(try await get([.init("X-API-Key")!: ApiKey.generate().token]).status == .tooManyRequests)
            #expect(try await get([.authorization: "Bearer not-a-key"]).status == .tooManyRequests)
        }
        await access.state.close()
    }

    @Test("a key whose row appears below the highest id the directory has read (issued concurrently, committed late) is still found")
    func lateCommittedKey() async throws {
        let access = try await AccessFixture(partner: "late-commit")
        let state = access.state
        let late = try await access.issueKey()
        _ = try await access.issueKey()  // a higher id, visible first
        // The first key's row is not visible under its id yet when the directory first reads.
        let hidden = ApiKey.generate().id
        _ = try await state.query("UPDATE api_keys SET public_id = ? WHERE public_id = ?", [.string(hidden), .string(late.id)])
        let limits = Limits(settings: LimitSettings.standard.with { $0.partner = Self.policy }, clock: TestClock())
        try await Self.app(access.product, limits, principal: nil, authenticator: access.authenticator).test(.router) { client in
            let get = { (token: String) in
                try await client.execute(uri: "/api/v1/orders?limit=1&fields=id", method: .get, headers: [.authorization: "Bearer \(token)"]).status
            }
            #expect(try await get(late.token) == .unauthorized, "not committed yet: unknown")
            _ = try await state.query("UPDATE api_keys SET public_id = ? WHERE public_id = ?", [.string(late.id), .string(hidden)])
            #expect(try await get(late.token) == .ok, "committed now, below the highest id the directory had seen")
        }
        await state.close()
    }

    @Test("a flood of well-formed keys with random ids, from many addresses, reads the database at most once a second")
    func randomIDFlood() async throws {
        // Addresses are never limited here (a huge per-address rate; X-Forwarded-For from the
        // in-process client, whose peer is "unknown"), so only the key directory stands between
        // the guesses and the database.
        let anonymous = RatePolicy(name: "anonymous", limit: 1_000_000, window: 60, burst: 1_000_000)
        let limits = Limits(
            settings: LimitSettings.standard.with {
                $0.partner = Self.policy
                $0.anonymous = anonymous
                $0.trustedProxies = ["unknown"]
            }, clock: TestClock())
        let access = try await AccessFixture(partner: "fresh-key")
        let authenticator = access.authenticator
        try await Self.app(access.product, limits, principal: nil, authenticator: authenticator).test(.router) { client in
            let started = ContinuousClock.now
            for round in 0..<3 {
                try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for n in 0..<100 {
                        group.addTask {
                            try await client.execute(
                                uri: "/api/v1/orders", method: .get,
                                headers: [
                                    .authorization: "Bearer \(ApiKey.generate().token)", .init("X-Forwarded-For")!: "198.51.\(round).\(n)",
                                ]
                            ).status
                        }
                    }
                    for try await status in group { #expect(status == .unauthorized) }
                }
            }
            // One read to fill the directory, then at most one a second: the bound holds however
            // slowly the machine runs, since a slower run is allowed more reads.
            let seconds = Int((ContinuousClock.now - started).components.seconds)
            #expect(authenticator.lookups <= 2 + seconds, "\(authenticator.lookups) lookups in \(seconds) s for 300 guesses")
            #expect(authenticator.lookups >= 1)
            // A key issued now, after the directory's last read, is accepted on its first use.
            let fresh = try await access.issueKey()
            let first = try await client.execute(
                uri: "/api/v1/orders?limit=1&fields=id", method: .get, headers: [.authorization: "Bearer \(fresh.token)"])
            #expect(first.status == .ok, "\(String(buffer: first.body))")
        }
        await access.state.close()
    }
}

@Suite("Shared quotas (MariaDB)", .serialized)
struct QuotaTests {
    @Test("two instances share one daily quota; the overshoot stays within one flush of the other instance")
    func twoInstances() async throws {
        let poolA = MySQLConnectionPool(configuration: try TestDatabase.state(), logger: TestApp.quietLogger)
        let poolB = MySQLConnectionPool(configuration: try TestDatabase.state(), logger: TestApp.quietLogger)
        _ = try await StateSchema.migrate(poolA, productSchema: "tradeflow")
        let partner = "quota-\(UInt32.random(in: 0...UInt32.max))"
        let a = QuotaStore(quotas: [.daily(20)], pool: poolA, logger: TestApp.quietLogger)
        let b = QuotaStore(quotas: [.daily(20)], pool: poolB, logger: TestApp.quietLogger)
        var accepted = 0
        for _ in 0..<15 where a.acquire(partner) == .allowed { accepted += 1 }
        await a.flush()
        await b.flush()  // B learns A's 15
        for _ in 0..<10 where b.acquire(partner) == .allowed { accepted += 1 }
        #expect(accepted == 20, "B sees A's flushed count and stops at the quota")
        // A has not seen B's 5 yet: it may accept up to 5 more (one flush of the other instance).
        var overshoot = 0
        for _ in 0..<10 where a.acquire(partner) == .allowed { overshoot += 1 }
        #expect(overshoot <= 5)
        await a.flush()
        await b.flush()
        await a.flush()
        #expect(a.acquire(partner) != .allowed && b.acquire(partner) != .allowed, "after a flush both instances refuse")
        if case .exceeded(let quota, let retryAfter) = a.acquire(partner) {
            #expect(quota == "daily" && retryAfter > 0 && retryAfter <= 86_400)
        }
        let stored = try await poolA.query("SELECT used FROM quota_counters WHERE partner = ?", [.string(partner)]).rows.first?[0].int64
        #expect(stored == Int64(accepted + overshoot), "the shared counter holds exactly what was accepted")
        await poolA.close()
        await poolB.close()
    }

    @Test("when the shared store is unreachable quotas fail open, local counts keep applying, and failures are counted")
    func storeDown() async throws {
        let down = MySQLConnectionPool(
            configuration: MySQLConfiguration(endpoint: .unixSocket(path: "/nonexistent/mysqld.sock"), user: "x", connectTimeout: 1),
            options: .init(acquireTimeout: .seconds(1)), logger: TestApp.quietLogger)
        let store = QuotaStore(quotas: [.daily(3)], pool: down, logger: TestApp.quietLogger)
        #expect(store.acquire("p") == .allowed)
        await store.flush()
        #expect(store.flushFailures == 1)
        #expect(store.acquire("p") == .allowed && store.acquire("p") == .allowed)
        #expect(store.acquire("p") != .allowed, "this instance's own count still limits")
        // Ops see it as a metric.
        let metrics = ServerMetrics(version: "test", pools: [], quotas: store)
        #expect(String(decoding: metrics.render(), as: UTF8.self).contains("portico_quota_flush_failures_total 1"))
        await store.flush()
        #expect(String(decoding: metrics.render(), as: UTF8.self).contains("portico_quota_flush_failures_total 2"))
        await down.close()
    }
}

@Suite("Plans (MariaDB)", .serialized)
struct PlanTests {
    @Test("a partner on a plan gets the plan's rate, headers and daily quota; usage shows the shared count")
    func planLimits() async throws {
        let product = MySQLConnectionPool(configuration: try TestDatabase.product(), logger: TestApp.quietLogger)
        let state = MySQLConnectionPool(configuration: try TestDatabase.state(), logger: TestApp.quietLogger)
        _ = try await StateSchema.migrate(state, productSchema: "tradeflow")
        let store = PartnerStore(pool: state)
        let suffix = UInt32.random(in: 0...UInt32.max)
        let code = "planned-\(suffix)"
        let planName = "small-\(suffix)"
        try await store.setPlan(
            Plan(name: planName, rateLimit: 2, rateWindow: 60, rateBurst: 2, maxInFlight: 4, exportCost: 2, dailyQuota: 3, monthlyQuota: nil))
        _ = try await store.addPartner(code: code, name: nil)
        try await store.grant(partner: code, tenants: [1])
        try await store.assignPlan(partner: code, plan: planName)
        await #expect(throws: AccessError.self) { try await store.assignPlan(partner: code, plan: "no-such-plan") }
        let key = try await store.issueKey(partner: code, scopes: ["orders:read"], expires: nil)
        let clock = TestClock()
        let quotas = QuotaStore(quotas: [], pool: state, logger: TestApp.quietLogger)
        let limits = Limits(settings: LimitSettings.standard, clock: clock, quotas: quotas)
        let authenticator = Authenticator(statePool: state, productPool: product, tenantSource: .grants, logger: TestApp.quietLogger)
        let headers: HTTPFields = [.authorization: "Bearer \(key.token)"]
        try await LimitTests.app(product, limits, principal: nil, authenticator: authenticator).test(.router) { client in
            let first = try await client.execute(uri: "/api/v1/orders?limit=1", method: .get, headers: headers)
            #expect(first.status == .ok)
            #expect(first.headers[.init("RateLimit-Policy")!] == "\"\(planName)\";q=2;w=60, \"daily\";q=3;w=86400")
            let state = first.headers[.init("RateLimit")!] ?? ""
            #expect(state.hasPrefix("\"\(planName)\";r=1;t=30, \"daily\";r=2;t="), "\(state)")
            // The daily reset is the seconds left in the UTC day: compare with slack for a second boundary.
            let reset = Int(state.split(separator: "t=").last ?? "") ?? -1
            #expect(abs(reset - QuotaStore.secondsLeftToday()) <= 2)
            #expect(try await client.execute(uri: "/api/v1/orders?limit=1", method: .get, headers: headers).status == .ok)
            let rate = try await client.execute(uri: "/api/v1/orders?limit=1", method: .get, headers: headers)
            #expect(rate.status == .tooManyRequests)
            #expect(try ReadApiTests.json(rate)["violated-policies"] as? [String] == [planName])
            clock.advance(60)
            #expect(try await client.execute(uri: "/api/v1/orders?limit=1", method: .get, headers: headers).status == .ok)
            clock.advance(60)
            let quota = try await client.execute(uri: "/api/v1/orders?limit=1", method: .get, headers: headers)
            #expect(quota.status == .tooManyRequests)
            #expect(try ReadApiTests.json(quota)["violated-policies"] as? [String] == ["daily"])
            let usage = try ReadApiTests.json(try await client.execute(uri: "/api/v1/usage", method: .get, headers: headers))
            #expect((usage["plan"] as? [String: Any])?["name"] as? String == planName)
        }
        await quotas.flush()
        let shared = try await store.usage(partner: code, now: MySQLDateTime(epochSeconds: Int(Date().timeIntervalSince1970)))
        #expect(shared.plan?.name == planName && shared.daily == 3)
        await state.close()
        await product.close()
    }
}

@Suite("Limit metrics (MariaDB)")
struct LimitMetricsTests {
    @Test("rate-limit rejections are counted by policy")
    func rejectionsCounted() async throws {
        let metrics = ServerMetrics(version: "test", pools: [], quotas: nil)
        let limits = Limits(
            settings: LimitSettings.standard.with { $0.partner = RatePolicy(name: "default", limit: 1, window: 60, burst: 1) }, clock: TestClock())
        let pool = MySQLConnectionPool(configuration: try TestDatabase.product(), logger: TestApp.quietLogger)
        let read = ReadSettings(catalogs: TestApp.catalogs, cursors: TestApp.cursors, developmentPrincipal: ReadApiTests.acme, limits: limits)
        let app = TestApp.application(
            settings: .init(port: 0), read: read, pool: pool, logger: TestApp.quietLogger, lifecycle: Lifecycle(metrics: metrics))
        try await app.test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<3 { statuses.append(try await client.execute(uri: "/api/v1/orders?limit=1", method: .get).status) }
            #expect(statuses == [.ok, .tooManyRequests, .tooManyRequests])
        }
        let text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(text.contains(#"portico_rate_limit_rejections_total{policy="default"} 2"#), "\(text.prefix(1500))")
        #expect(text.contains(#"portico_http_requests_total{version="v1",resource="orders",status="429",partner="acme"} 2"#))
    }
}

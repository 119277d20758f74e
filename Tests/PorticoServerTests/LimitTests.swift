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

/// The application with limits, on the product database; the limit tests themselves run in
/// process (`LimitUnitTests`), these suites keep what is about Portico's schema.
enum LimitTests {
    static let policy = RatePolicy(name: "default", limit: 10, window: 10, burst: 3)  // 1/s, bursts of 3

    static func app(
        _ pool: MySQLConnectionPool, _ limits: Limits, principal: Principal?, authenticator: Authenticator? = nil
    ) -> some ApplicationProtocol {
        let read = ReadSettings(
            catalogs: TestApp.catalogs, cursors: TestApp.cursors, developmentPrincipal: principal,
            authenticator: authenticator, limits: limits)
        return TestApp.application(settings: .init(port: 0), read: read, pool: pool, logger: TestApp.quietLogger)
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
        let a = QuotaStore(quotas: [.daily(20)], counters: MySQLQuotaCounters(poolA), logger: TestApp.quietLogger)
        let b = QuotaStore(quotas: [.daily(20)], counters: MySQLQuotaCounters(poolB), logger: TestApp.quietLogger)
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
        let store = QuotaStore(quotas: [.daily(3)], counters: MySQLQuotaCounters(down), logger: TestApp.quietLogger)
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
        let quotas = QuotaStore(quotas: [], counters: MySQLQuotaCounters(state), logger: TestApp.quietLogger)
        let limits = Limits(settings: LimitSettings.standard, clock: clock, quotas: quotas)
        let authenticator = Authenticator(
            store: MySQLAccessStore(statePool: state, productPool: product, tenantSource: .grants), logger: TestApp.quietLogger)
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

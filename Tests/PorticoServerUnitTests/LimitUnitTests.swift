import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoAccess
import PorticoQuota
import PorticoServer
import PorticoValues
import Synchronization
import Testing

/// A limiter clock the test moves.
final class TestClock: LimiterClock, Sendable {
    private let seconds = Mutex<Double>(5000)
    func now() -> Double { seconds.withLock { $0 } }
    func advance(_ by: Double) { seconds.withLock { $0 += by } }
}

/// Rate limits, the per-address limit for failed credentials, the key directory's bound on
/// reads, and quotas over shared counters, through the whole application in process. The
/// counters' SQL and an unreachable MariaDB are tested against MariaDB (`QuotaTests`, `PlanTests`).
@Suite("Limits (no database)")
struct LimitUnitTests {
    static let policy = RatePolicy(name: "default", limit: 10, window: 10, burst: 3)  // 1/s, bursts of 3
    static let acme = Principal(partner: "acme", tenants: [.uint(1)])
    static let globex = Principal(partner: "globex", tenants: [.uint(2)])

    @Test("every response carries the headers; past the burst a 429 problem with Retry-After; refusals cost nothing")
    func burst() async throws {
        let clock = TestClock()
        let limits = Limits(settings: LimitSettings.standard.with { $0.partner = Self.policy }, clock: clock)
        try await UnitApp.build(UnitApp.executor(), principal: Self.acme, limits: limits).test(.router) { client in
            var remaining: [String] = []
            for _ in 0..<3 {
                let response = try await client.execute(uri: "/api/v1/products?limit=1&fields=id", method: .get)
                #expect(response.status == .ok)
                #expect(response.headers[.init("RateLimit-Policy")!] == #""default";q=10;w=10"#)
                remaining.append(response.headers[.init("RateLimit")!] ?? "")
            }
            #expect(remaining == [#""default";r=2;t=1"#, #""default";r=1;t=2"#, #""default";r=0;t=3"#])
            for _ in 0..<5 {
                let refused = try await client.execute(uri: "/api/v1/products?limit=1", method: .get)
                #expect(refused.status == .tooManyRequests)
                #expect(refused.headers[.retryAfter] == "1")
                let body = try PipelineTests.json(refused)
                #expect(body["type"] as? String == "https://iana.org/assignments/http-problem-types#quota-exceeded")
                #expect(body["violated-policies"] as? [String] == ["default"])
            }
            clock.advance(1)
            #expect(try await client.execute(uri: "/api/v1/products?limit=1", method: .get).status == .ok)
            // Errors of authenticated requests carry the headers too.
            clock.advance(1)
            let notFound = try await client.execute(uri: "/api/v1/products/PRD-000099", method: .get)
            #expect(notFound.status == .notFound && notFound.headers[.init("RateLimit")!] != nil)
        }
    }

    @Test("a key without the resource's scope is a 403 answered before the limits: it shows the limits' state and uses none of it")
    func scopeBeforeLimits() async throws {
        let store = InMemoryAccessStore()
        store.addPartner("acme", tenants: [1])
        let key = store.issueKey(partner: "acme", scopes: ["customers:read"])
        let reader = store.issueKey(partner: "acme", scopes: ["products:read"])
        let limits = Limits(settings: LimitSettings.standard.with { $0.partner = Self.policy }, clock: TestClock())
        let executor = UnitApp.executor()
        let app = UnitApp.build(executor, authenticator: Authenticator(store: store, logger: UnitApp.quietLogger), limits: limits)
        try await app.test(.router) { client in
            let bearer: HTTPFields = [.authorization: "Bearer \(key.token)"]
            for _ in 0..<5 {
                let denied = try await client.execute(uri: "/api/v1/products?limit=1", method: .get, headers: bearer)
                #expect(denied.status == .forbidden)
                #expect(denied.headers[.wwwAuthenticate] == "Bearer error=\"insufficient_scope\", scope=\"products:read\"")
                #expect(denied.headers[.init("RateLimit-Policy")!] == #""default";q=10;w=10"#)
                #expect(denied.headers[.init("RateLimit")!] == #""default";r=3;t=0"#, "a refusal used some of the burst")
                let body = try PipelineTests.json(denied)
                #expect(body["detail"] as? String == "Reading products needs the scope 'products:read', which this credential does not hold.")
            }
            // The method is refused before the scope is looked at, as before: the path exists, the method does not.
            let post = try await client.execute(uri: "/api/v1/products", method: .post, headers: bearer)
            #expect(post.status == .methodNotAllowed)
            // The partner's burst of 3: the 405 and this read (another of its keys) used two; the five refusals, none.
            let allowed = try await client.execute(uri: "/api/v1/products?limit=1", method: .get, headers: [.authorization: "Bearer \(reader.token)"])
            #expect(allowed.status == .ok)
            #expect(allowed.headers[.init("RateLimit")!] == #""default";r=1;t=2"#)
        }
        #expect(executor.reads == 1, "only the request with the scope read rows")
    }

    @Test("one partner's traffic never changes another's headers; exports cost more; usage reports the state")
    func independence() async throws {
        let limits = Limits(
            settings: LimitSettings.standard.with {
                $0.partner = Self.policy
                $0.exportCost = 3
            }, clock: TestClock())
        try await UnitApp.build(UnitApp.executor(), principal: Self.acme, limits: limits).test(.router) { client in
            let export = try await client.execute(uri: "/api/v1/products?format=ndjson&fields=id", method: .get)
            #expect(export.status == .ok)
            #expect(export.headers[.init("RateLimit")!] == #""default";r=0;t=3"#, "an export costs 3")
            #expect(try await client.execute(uri: "/api/v1/products?limit=1", method: .get).status == .tooManyRequests)
            let usage = try PipelineTests.json(try await client.execute(uri: "/api/v1/usage", method: .get))
            #expect(usage["partner"] as? String == "acme")
            #expect((usage["rate"] as? [String: Any])?["remaining"] as? Int == 0)
        }
        try await UnitApp.build(UnitApp.executor(), principal: Self.globex, limits: limits).test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/products?limit=1", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.init("RateLimit")!] == #""default";r=2;t=1"#)
        }
    }

    @Test("guessing keys from one address is cut off with 429s before any lookup; a valid key from that address is still served")
    func addressLimit() async throws {
        let anonymous = RatePolicy(name: "anonymous", limit: 3, window: 60, burst: 3)
        let limits = Limits(
            settings: LimitSettings.standard.with {
                $0.partner = Self.policy
                $0.anonymous = anonymous
            }, clock: TestClock())
        let store = InMemoryAccessStore()
        store.addPartner("shared-egress", tenants: [1])
        let valid = store.issueKey(partner: "shared-egress", scopes: ["products:read"])
        let authenticator = Authenticator(store: store, logger: UnitApp.quietLogger)
        try await UnitApp.build(UnitApp.executor(), authenticator: authenticator, limits: limits).test(.router) { client in
            let get = { (headers: HTTPFields) in try await client.execute(uri: "/api/v1/products?limit=1&fields=id", method: .get, headers: headers) }
            for _ in 0..<3 {
                #expect(try await get([.authorization: "Bearer \(ApiKey.generate().token)"]).status == .unauthorized)
            }
            let reads = store.reads
            for _ in 0..<5 {
                let refused = try await get([.authorization: "Bearer \(ApiKey.generate().token)"])
                #expect(refused.status == .tooManyRequests)
                #expect(refused.headers[.retryAfter] != nil)
            }
            #expect(store.reads == reads, "refused guesses must not reach the store")
            let body = try PipelineTests.json(try await get([:]))
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
    }

    @Test("a key whose row appears below the highest id the directory has read (issued concurrently, committed late) is still found")
    func lateCommittedKey() async throws {
        let store = InMemoryAccessStore()
        store.addPartner("late-commit", tenants: [1])
        let late = store.issueKey(partner: "late-commit", scopes: ["products:read"])
        _ = store.issueKey(partner: "late-commit", scopes: ["products:read"])  // a higher id, visible first
        store.hide(late.id, true)
        let limits = Limits(settings: LimitSettings.standard.with { $0.partner = Self.policy }, clock: TestClock())
        let authenticator = Authenticator(store: store, logger: UnitApp.quietLogger)
        try await UnitApp.build(UnitApp.executor(), authenticator: authenticator, limits: limits).test(.router) { client in
            func get(_ token: String) async throws -> HTTPResponse.Status {
                try await client.execute(uri: "/api/v1/products?limit=1&fields=id", method: .get, headers: [.authorization: "Bearer \(token)"]).status
            }
            let uncommitted = try await get(late.token)
            #expect(uncommitted == .unauthorized, "not committed yet: unknown")
            store.hide(late.id, false)
            let committed = try await get(late.token)
            #expect(committed == .ok, "committed now, below the highest id the directory had seen")
        }
    }

    @Test("a flood of well-formed keys with random ids, from many addresses, reads the store at most once a second")
    func randomIDFlood() async throws {
        // Addresses are never limited here (a huge per-address rate; X-Forwarded-For from the
        // in-process client, whose peer is "unknown"), so only the key directory stands between
        // the guesses and the store.
        let anonymous = RatePolicy(name: "anonymous", limit: 1_000_000, window: 60, burst: 1_000_000)
        let limits = Limits(
            settings: LimitSettings.standard.with {
                $0.partner = Self.policy
                $0.anonymous = anonymous
                $0.trustedProxies = ["unknown"]
            }, clock: TestClock())
        let store = InMemoryAccessStore()
        store.addPartner("fresh-key", tenants: [1])
        let authenticator = Authenticator(store: store, logger: UnitApp.quietLogger)
        try await UnitApp.build(UnitApp.executor(), authenticator: authenticator, limits: limits).test(.router) { client in
            let started = ContinuousClock.now
            for round in 0..<3 {
                try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for n in 0..<100 {
                        group.addTask {
                            try await client.execute(
                                uri: "/api/v1/products", method: .get,
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
            #expect(store.reads == authenticator.lookups, "every store read is a counted lookup")
            #expect(authenticator.lookups >= 1)
            // A key issued now, after the directory's last read, is accepted on its first use.
            let fresh = store.issueKey(partner: "fresh-key", scopes: ["products:read"])
            let first = try await client.execute(
                uri: "/api/v1/products?limit=1&fields=id", method: .get, headers: [.authorization: "Bearer \(fresh.token)"])
            #expect(first.status == .ok, "\(String(buffer: first.body))")
        }
    }

    @Test("rate-limit rejections are counted by policy")
    func rejectionsCounted() async throws {
        let metrics = ServerMetrics(version: "test", pools: [], quotas: nil)
        let limits = Limits(
            settings: LimitSettings.standard.with { $0.partner = RatePolicy(name: "default", limit: 1, window: 60, burst: 1) }, clock: TestClock())
        let read = ReadSettings(catalogs: UnitApp.catalogs, cursors: UnitApp.cursors, developmentPrincipal: Self.acme, limits: limits)
        let app = PorticoApplication.build(
            settings: .init(port: 0), read: read, executor: UnitApp.executor(), logger: UnitApp.quietLogger, lifecycle: Lifecycle(metrics: metrics))
        try await app.test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<3 { statuses.append(try await client.execute(uri: "/api/v1/products?limit=1", method: .get).status) }
            #expect(statuses == [.ok, .tooManyRequests, .tooManyRequests])
        }
        let text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(text.contains(#"portico_rate_limit_rejections_total{policy="default"} 2"#), "\(text.prefix(1500))")
        #expect(text.contains(#"portico_http_requests_total{version="v1",resource="products",status="429",partner="acme"} 2"#))
    }
}

@Suite("Quotas over shared counters (no database)")
struct QuotaUnitTests {
    @Test("two instances share one daily quota; the overshoot stays within one flush of the other instance")
    func twoInstances() async throws {
        let counters = InMemoryQuotaCounters()
        let a = QuotaStore(quotas: [.daily(20)], counters: counters, logger: UnitApp.quietLogger)
        let b = QuotaStore(quotas: [.daily(20)], counters: counters, logger: UnitApp.quietLogger)
        var accepted = 0
        for _ in 0..<15 where a.acquire("p") == .allowed { accepted += 1 }
        await a.flush()
        await b.flush()  // B learns A's 15
        for _ in 0..<10 where b.acquire("p") == .allowed { accepted += 1 }
        #expect(accepted == 20, "B sees A's flushed count and stops at the quota")
        var overshoot = 0
        for _ in 0..<10 where a.acquire("p") == .allowed { overshoot += 1 }
        #expect(overshoot == 5, "A has not seen B's 5 yet: exactly one flush of the other instance")
        await a.flush()
        await b.flush()
        await a.flush()
        #expect(a.acquire("p") != .allowed && b.acquire("p") != .allowed, "after a flush both instances refuse")
        let period = "D" + ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withFullDate])
        #expect(counters.used("p", period) == accepted + overshoot, "the shared counter holds exactly what was accepted")
    }

    @Test("when the counters cannot be reached quotas fail open, local counts keep applying, nothing is lost, and failures are counted")
    func countersDown() async throws {
        let counters = InMemoryQuotaCounters()
        let store = QuotaStore(quotas: [.daily(3)], counters: counters, logger: UnitApp.quietLogger)
        counters.setReachable(false)
        #expect(store.acquire("p") == .allowed)
        await store.flush()
        #expect(store.flushFailures == 1)
        #expect(store.acquire("p") == .allowed && store.acquire("p") == .allowed)
        #expect(store.acquire("p") != .allowed, "this instance's own count still limits")
        let metrics = ServerMetrics(version: "test", pools: [], quotas: store)
        #expect(String(decoding: metrics.render(), as: UTF8.self).contains("portico_quota_flush_failures_total 1"))
        counters.setReachable(true)
        await store.flush()
        let period = "D" + ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withFullDate])
        #expect(counters.used("p", period) == 3, "the counts kept through the outage were added once it ended")
    }

    @Test("a partner on a plan gets the plan's rate, headers and daily quota through the application")
    func planLimits() async throws {
        let store = InMemoryAccessStore()
        let plan = Plan(name: "small", rateLimit: 2, rateWindow: 60, rateBurst: 2, maxInFlight: 4, exportCost: 2, dailyQuota: 3, monthlyQuota: nil)
        store.addPartner("planned", tenants: [1], plan: plan)
        let key = store.issueKey(partner: "planned", scopes: ["products:read"])
        let clock = TestClock()
        let quotas = QuotaStore(quotas: [], counters: InMemoryQuotaCounters(), logger: UnitApp.quietLogger)
        let limits = Limits(settings: LimitSettings.standard, clock: clock, quotas: quotas)
        let authenticator = Authenticator(store: store, logger: UnitApp.quietLogger)
        let headers: HTTPFields = [.authorization: "Bearer \(key.token)"]
        try await UnitApp.build(UnitApp.executor(), authenticator: authenticator, limits: limits).test(.router) { client in
            let first = try await client.execute(uri: "/api/v1/products?limit=1", method: .get, headers: headers)
            #expect(first.status == .ok)
            #expect(first.headers[.init("RateLimit-Policy")!] == #""small";q=2;w=60, "daily";q=3;w=86400"#)
            #expect(first.headers[.init("RateLimit")!]?.hasPrefix(#""small";r=1;t=30, "daily";r=2;t="#) == true)
            #expect(try await client.execute(uri: "/api/v1/products?limit=1", method: .get, headers: headers).status == .ok)
            let rate = try await client.execute(uri: "/api/v1/products?limit=1", method: .get, headers: headers)
            #expect(rate.status == .tooManyRequests)
            #expect(try PipelineTests.json(rate)["violated-policies"] as? [String] == ["small"])
            clock.advance(60)
            #expect(try await client.execute(uri: "/api/v1/products?limit=1", method: .get, headers: headers).status == .ok)
            clock.advance(60)
            let quota = try await client.execute(uri: "/api/v1/products?limit=1", method: .get, headers: headers)
            #expect(quota.status == .tooManyRequests)
            #expect(try PipelineTests.json(quota)["violated-policies"] as? [String] == ["daily"])
            let usage = try PipelineTests.json(try await client.execute(uri: "/api/v1/usage", method: .get, headers: headers))
            #expect((usage["plan"] as? [String: Any])?["name"] as? String == "small")
        }
    }
}

import Hummingbird
import HummingbirdTesting
import Logging
import PorticoQuota
import PorticoServer
import Synchronization
import Testing

/// A registry in memory, on a clock the test moves; it can be taken down.
final class InMemoryFleetRegistry: FleetRegistry, Sendable {
    private let beats = Mutex<[String: (time: Duration, settings: String)]>([:])
    private let now = Mutex<Duration>(.zero)
    private let down = Atomic<Bool>(false)

    struct Down: Error {}

    func advance(_ by: Duration) { now.withLock { $0 += by } }
    func setDown(_ value: Bool) { down.store(value, ordering: .relaxed) }

    func beat(instance: String, host: String, settings: String, within: Duration) async throws -> [FleetPeer] {
        guard !down.load(ordering: .relaxed) else { throw Down() }
        let time = now.withLock { $0 }
        return beats.withLock { beats in
            beats[instance] = (time, settings)
            return beats.filter { time - $0.value.time <= within }.map { FleetPeer(instance: $0.key, host: $0.key, settings: $0.value.settings) }
        }
    }

    func leave(instance: String) async throws {
        guard !down.load(ordering: .relaxed) else { throw Down() }
        _ = beats.withLock { $0.removeValue(forKey: instance) }
    }
}

@Suite("Fleet membership (no database)")
struct FleetMembershipTests {
    static var logger: Logger {
        var logger = Logger(label: "fleet")
        logger.logLevel = .critical
        return logger
    }

    static func member(
        _ registry: InMemoryFleetRegistry, _ name: String, _ settings: [String: String] = ["cursor_secret": "same"]
    )
        -> FleetMembership
    {
        FleetMembership(
            registry: registry, share: RateShare(), interval: .seconds(2), host: name, instance: name, settings: FleetSettings(settings),
            logger: logger)
    }

    @Test("a setting that differs from another live instance's is reported, and stops being once that instance is gone")
    func settingsDiffer() async throws {
        let registry = InMemoryFleetRegistry()
        let a = Self.member(registry, "a", ["cursor_secret": "d1", "oauth.issuer": "i1"])
        let b = Self.member(registry, "b", ["cursor_secret": "d2", "oauth.issuer": "i1"])
        let c = Self.member(registry, "c", ["cursor_secret": "d1", "oauth.issuer": "i1"])
        await a.beat()
        await b.beat()
        await c.beat()
        await a.beat()
        #expect(a.mismatches == ["b (b): cursor_secret"])
        #expect(c.mismatches == ["b (b): cursor_secret"])
        #expect(b.mismatches == ["a (a): cursor_secret"], "c had not beaten yet")
        await b.beat()
        #expect(b.mismatches == ["a (a): cursor_secret", "c (c): cursor_secret"])
        try await registry.leave(instance: "b")
        await a.beat()
        #expect(a.mismatches.isEmpty)
        #expect(FleetSettings(encoded: FleetSettings(["x": "1", "y": "2"]).encoded) == FleetSettings(["x": "1", "y": "2"]))
        #expect(FleetSettings(["x": "1"]).differences(from: FleetSettings(["x": "1", "y": "2"])) == ["y"])
    }

    @Test("instances count one another from their heartbeats; one that leaves stops counting at the others' next beat")
    func joinAndLeave() async throws {
        let registry = InMemoryFleetRegistry()
        let (a, b) = (Self.member(registry, "a"), Self.member(registry, "b"))
        await a.beat()
        #expect(a.share.instances == 1)
        await b.beat()
        await a.beat()
        #expect(a.share.instances == 2 && b.share.instances == 2)
        try await registry.leave(instance: "b")
        await a.beat()
        #expect(a.share.instances == 1)
    }

    @Test("an instance that stops beating (killed) counts until three intervals have passed")
    func crash() async {
        let registry = InMemoryFleetRegistry()
        let (a, b) = (Self.member(registry, "a"), Self.member(registry, "b"))
        await b.beat()
        await a.beat()
        registry.advance(.seconds(6))
        await a.beat()
        #expect(a.share.instances == 2, "within three intervals of its last beat, b still counts")
        registry.advance(.milliseconds(1))
        await a.beat()
        #expect(a.share.instances == 1)
    }

    @Test("while the registry is down the last share stands, and each failed beat is counted")
    func registryDown() async {
        let registry = InMemoryFleetRegistry()
        let (a, b) = (Self.member(registry, "a"), Self.member(registry, "b"))
        await b.beat()
        await a.beat()
        registry.setDown(true)
        await a.beat()
        await a.beat()
        #expect(a.share.instances == 2 && a.heartbeatFailures == 2)
        registry.setDown(false)
        await a.beat()
        #expect(a.share.instances == 2 && a.heartbeatFailures == 2)
    }
}

extension FleetMembershipTests {
    @Test("two instances on one registry: a partner alternating between them gets the rate once, not twice; alone again, the whole rate")
    func twoApps() async throws {
        let registry = InMemoryFleetRegistry()
        let clock = TestClock()
        let (a, b) = (Self.member(registry, "a"), Self.member(registry, "b"))
        await a.beat()
        await b.beat()
        await a.beat()
        let policy = RatePolicy(name: "default", limit: 10, window: 10, burst: 4)  // 1/s, bursts of 4
        let settings = LimitSettings.standard.with { $0.partner = policy }
        let limitsA = Limits(settings: settings, clock: clock, share: a.share)
        let limitsB = Limits(settings: settings, clock: clock, share: b.share)
        let appA = UnitApp.build(UnitApp.executor(), principal: LimitUnitTests.acme, limits: limitsA)
        let appB = UnitApp.build(UnitApp.executor(), principal: LimitUnitTests.acme, limits: limitsB)
        try await appA.test(.router) { clientA in
            try await appB.test(.router) { clientB in
                var allowed = 0
                // 30 s, a request every 0.25 s, alternating: 4 a second offered against 1 a second allowed.
                for step in 0..<120 {
                    let client: any TestClientProtocol = step % 2 == 0 ? clientA : clientB
                    if try await client.execute(uri: "/api/v1/products?limit=1&fields=id", method: .get).status == .ok { allowed += 1 }
                    clock.advance(0.25)
                }
                // The rate (30 in 30 s) plus the burst: each instance holds half of it.
                #expect(allowed <= 30 + 4 && allowed >= 29, "\(allowed) through two instances")
                try await registry.leave(instance: "b")
                await a.beat()
                clock.advance(10)
                var alone = 0
                for _ in 0..<6 {
                    if try await clientA.execute(uri: "/api/v1/products?limit=1&fields=id", method: .get).status == .ok { alone += 1 }
                }
                #expect(alone == 4, "alone, the instance allows the whole burst")
            }
        }
    }
}

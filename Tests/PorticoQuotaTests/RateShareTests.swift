import PorticoQuota
import Testing

/// Rates divided among instances (`limits.fleet_rates: shared`), without a database: several
/// limiters on one clock stand for the fleet's instances.
@Suite("Rates shared by a fleet")
struct RateShareTests {
    let policy = RatePolicy(name: "default", limit: 10, window: 1, burst: 5)  // 10/s, bursts of 5

    /// Requests spread over `instances` limiters, one every `step` seconds, round robin (or all
    /// to the first when `sticky`), for `seconds`: how many the fleet let through.
    func admitted(instances: Int, step: Double, seconds: Double, sticky: Bool = false) -> Int {
        let clock = ManualClock()
        let share = RateShare(instances: instances)
        let limiters = (0..<instances).map { _ in RateLimiter(clock: clock, share: share) }
        var allowed = 0
        var sent = 0
        var elapsed = 0.0
        while elapsed < seconds {
            let limiter = limiters[sticky ? 0 : sent % instances]
            if limiter.acquire("partner", policy).allowed { allowed += 1 }
            sent += 1
            clock.advance(step)
            elapsed += step
        }
        return allowed
    }

    @Test("N instances under a flood admit the rate plus at most the burst and N - 1, for N = 1...5")
    func bound() {
        for instances in 1...5 {
            // 100 s at 1,000 requests a second offered, round robin.
            let allowed = admitted(instances: instances, step: 0.001, seconds: 100)
            let bound = 10 * 100 + policy.burst + instances - 1
            #expect(allowed <= bound, "\(instances) instances let \(allowed) through; the bound is \(bound)")
            #expect(allowed >= 10 * 100 - instances, "\(instances) instances let only \(allowed) through")
        }
    }

    @Test("without a share every instance enforces the whole rate: N times it gets through")
    func local() {
        let clock = ManualClock()
        let limiters = (0..<3).map { _ in RateLimiter(clock: clock) }
        var allowed = 0
        for step in 0..<10_000 {
            if limiters[step % 3].acquire("partner", policy).allowed { allowed += 1 }
            clock.advance(0.001)
        }
        #expect(allowed >= 3 * 10 * 10, "\(allowed)")
    }

    @Test("a partner whose requests all reach one of N instances gets that instance's share: the documented cost of dividing")
    func sticky() {
        let allowed = admitted(instances: 2, step: 0.001, seconds: 100, sticky: true)
        #expect(allowed <= 5 * 100 + 3 && allowed >= 5 * 100 - 1, "\(allowed)")
    }

    @Test("the share's arithmetic: the interval N times as long, the burst divided and rounded up, remaining reported for the fleet")
    func arithmetic() {
        let clock = ManualClock()
        let share = RateShare(instances: 2)
        let limiter = RateLimiter(clock: clock, share: share)
        // A burst of 5 over 2 instances: 3 here.
        let decisions = (0..<4).map { _ in limiter.acquire("a", policy) }
        #expect(decisions.map(\.allowed) == [true, true, true, false])
        #expect(decisions.prefix(3).map(\.remaining) == [4, 2, 0])
        clock.advance(0.1)
        #expect(!limiter.acquire("a", policy).allowed, "5/s here: one every 0.2 s")
        clock.advance(0.1)
        #expect(limiter.acquire("a", policy).allowed)
        share.set(1)
        clock.advance(10)
        let alone = (0..<6).map { _ in limiter.acquire("a", policy).allowed }
        #expect(alone == [true, true, true, true, true, false], "alone again: the whole burst")
        #expect(RateShare(instances: 0).instances == 1)
    }
}

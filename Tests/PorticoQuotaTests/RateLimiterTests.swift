import PorticoQuota
import Synchronization
import Testing

/// A clock the test moves by hand.
final class ManualClock: LimiterClock, Sendable {
    private let seconds = Mutex<Double>(1000)
    func now() -> Double { seconds.withLock { $0 } }
    func advance(_ by: Double) { seconds.withLock { $0 += by } }
}

@Suite("GCRA rate limiting")
struct RateLimiterTests {
    let policy = RatePolicy(name: "default", limit: 10, window: 1, burst: 5)  // 10/s, bursts of 5

    @Test("a burst passes at once, the next request is refused with Retry-After")
    func burst() {
        let clock = ManualClock()
        let limiter = RateLimiter(clock: clock)
        let decisions = (0..<6).map { _ in limiter.acquire("a", policy) }
        let allowed = decisions.prefix(5).allSatisfy(\.allowed)
        let remaining = decisions.prefix(5).map(\.remaining)
        #expect(allowed)
        #expect(remaining == [4, 3, 2, 1, 0])
        #expect(!decisions[5].allowed)
        #expect(decisions[5].retryAfter == 1)  // 0.1 s, rounded up to whole seconds
    }

    @Test("after a burst the steady rate applies; a refusal does not consume anything")
    func steady() {
        let clock = ManualClock()
        let limiter = RateLimiter(clock: clock)
        for _ in 0..<5 { _ = limiter.acquire("a", policy) }
        for _ in 0..<10 { #expect(!limiter.acquire("a", policy).allowed) }  // refused: no effect
        clock.advance(0.1)
        #expect(limiter.acquire("a", policy).allowed)
        #expect(!limiter.acquire("a", policy).allowed)
        var allowed = 0
        for _ in 0..<100 {
            clock.advance(0.05)
            if limiter.acquire("a", policy).allowed { allowed += 1 }
        }
        #expect(allowed == 50)  // 5 s at 10/s
    }

    @Test("after idling the full burst is back")
    func recovery() {
        let clock = ManualClock()
        let limiter = RateLimiter(clock: clock)
        for _ in 0..<5 { _ = limiter.acquire("a", policy) }
        #expect(limiter.acquire("a", policy).reset == 1)
        clock.advance(0.5)
        #expect(limiter.peek("a", policy).remaining == 5)
        let refilled = (0..<5).map { _ in limiter.acquire("a", policy).allowed }
        #expect(refilled == [true, true, true, true, true])
    }

    @Test("weights: an export costing 5 uses a whole burst")
    func weights() {
        let clock = ManualClock()
        let limiter = RateLimiter(clock: clock)
        #expect(limiter.acquire("a", policy, cost: 5).allowed)
        #expect(!limiter.acquire("a", policy).allowed)
        #expect(!limiter.acquire("b", policy, cost: 6).allowed, "a cost above the burst can never pass")
    }

    @Test("keys are independent: one partner's traffic never changes another's state")
    func independence() {
        let clock = ManualClock()
        let limiter = RateLimiter(clock: clock)
        for _ in 0..<20 { _ = limiter.acquire("a", policy) }
        #expect(limiter.peek("b", policy) == RateDecision(allowed: true, remaining: 5, reset: 0, retryAfter: 0))
    }

    @Test("in-flight caps take and give back slots")
    func inFlight() {
        let limiter = InFlightLimiter()
        let first = limiter.acquire("a", limit: 2)
        let second = limiter.acquire("a", limit: 2)
        #expect(first && second)
        #expect(!limiter.acquire("a", limit: 2))
        #expect(limiter.acquire("b", limit: 2))
        limiter.release("a")
        #expect(limiter.acquire("a", limit: 2))
        #expect(limiter.current("a") == 2)
    }

    @Test("header fields follow the draft's structured-field form")
    func headers() {
        var one = RateLimitHeaders()
        one.add("default", quota: 4, window: 1, remaining: 4, reset: 1)
        #expect(one.policy == #""default";q=4;w=1"#)
        #expect(one.state == #""default";r=4;t=1"#)
        var two = RateLimitHeaders()
        two.add("default", quota: 10, window: 1, remaining: 0, reset: 1)
        two.add("daily", quota: 1000, window: 86400, remaining: 997, reset: 3600)
        #expect(two.policy == #""default";q=10;w=1, "daily";q=1000;w=86400"#)
        #expect(two.state == #""default";r=0;t=1, "daily";r=997;t=3600"#)
        var extremes = RateLimitHeaders()
        extremes.add("x", quota: Int.max, window: 10, remaining: -5, reset: Int.min)
        #expect(extremes.policy == "\"x\";q=\(Int.max);w=10")
        #expect(extremes.state == "\"x\";r=-5;t=\(Int.min)")
    }
}

import Synchronization

/// GCRA per key, in memory: no database round trip on the request path. One theoretical
/// arrival time (TAT) per key; a refused request changes nothing, so it costs the caller no quota.
///
/// With a ``RateShare`` of N instances, each key gets 1/N of its policy here
/// (``RatePolicy/share(of:)``); what a decision reports as remaining is the fleet's estimate,
/// this instance's remaining times N (at most the burst).
public final class RateLimiter: Sendable {
    let clock: any LimiterClock
    /// Theoretical arrival time per key, in nanoseconds of the clock.
    private let state = Mutex<[String: Int64]>([:])
    /// The fleet this instance shares its rates with; nil for rates of this instance alone.
    public let share: RateShare?

    public init(clock: any LimiterClock = SystemLimiterClock(), share: RateShare? = nil) {
        self.clock = clock
        self.share = share
    }

    /// The policy as this instance enforces it.
    func local(_ policy: RatePolicy) -> RatePolicy { share.map { policy.share(of: $0.instances) } ?? policy }

    private var nowNanos: Int64 { Int64((clock.now() * 1e9).rounded()) }

    /// Charges `cost` requests to `key` under `policy` if they fit.
    public func acquire(_ key: String, _ policy: RatePolicy, cost: Int = 1) -> RateDecision {
        let policy = local(policy)
        let now = nowNanos
        let interval = policy.emissionInterval
        let increment = interval * Int64(max(1, cost))
        return state.withLock { tats in
            let tat = max(tats[key] ?? now, now)
            let newTAT = tat + increment
            let allowAt = newTAT - policy.tolerance - interval
            if allowAt > now {
                return RateDecision(
                    allowed: false, remaining: Self.remaining(tat, now, policy), reset: Self.seconds(tat - now),
                    retryAfter: max(1, Self.seconds(allowAt - now)))
            }
            tats[key] = newTAT
            if tats.count > 200_000 { tats = tats.filter { $0.value > now } }
            return RateDecision(allowed: true, remaining: Self.remaining(newTAT, now, policy), reset: Self.seconds(newTAT - now), retryAfter: 0)
        }
    }

    /// The state without charging anything (for the usage endpoint).
    public func peek(_ key: String, _ policy: RatePolicy) -> RateDecision {
        let policy = local(policy)
        let now = nowNanos
        let tat = max(state.withLock { $0[key] } ?? now, now)
        return RateDecision(allowed: true, remaining: Self.remaining(tat, now, policy), reset: Self.seconds(tat - now), retryAfter: 0)
    }

    /// Whether `key` could make one request now, without charging it.
    public func wouldAllow(_ key: String, _ policy: RatePolicy) -> Bool {
        let policy = local(policy)
        let now = nowNanos
        let tat = max(state.withLock { $0[key] } ?? now, now)
        return tat - policy.tolerance <= now
    }

    /// What remains of the burst, for the fleet: this instance's remaining times the instances sharing it.
    static func remaining(_ tat: Int64, _ now: Int64, _ policy: RatePolicy) -> Int {
        let local = Int(max(0, (now + policy.tolerance + policy.emissionInterval - tat) / policy.emissionInterval))
        return min(policy.burst, local * policy.instances)
    }

    static func seconds(_ nanos: Int64) -> Int { nanos <= 0 ? 0 : Int((nanos + 999_999_999) / 1_000_000_000) }
}

/// A cap on requests in flight per key.
public final class InFlightLimiter: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    public init() {}

    /// Takes a slot if fewer than `limit` are taken.
    public func acquire(_ key: String, limit: Int) -> Bool {
        counts.withLock { counts in
            let current = counts[key] ?? 0
            guard current < limit else { return false }
            counts[key] = current + 1
            return true
        }
    }

    public func release(_ key: String) {
        counts.withLock { counts in
            let next = (counts[key] ?? 1) - 1
            counts[key] = next > 0 ? next : nil
        }
    }

    public func current(_ key: String) -> Int { counts.withLock { $0[key] ?? 0 } }
}

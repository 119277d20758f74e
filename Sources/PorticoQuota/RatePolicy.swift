import PorticoValues

/// A rate with a burst, enforced with GCRA (the generic cell rate algorithm): requests may come
/// in a burst of up to `burst` at once, then at `limit` per `window` on average.
public struct RatePolicy: Sendable, Hashable {
    /// The policy's name in `RateLimit-Policy` and in 429 bodies.
    public let name: String
    public let limit: Int
    /// The window, in seconds, that `limit` is counted over.
    public let window: Int
    public let burst: Int
    /// How many instances share it (``share(of:)``): this one enforces 1/`instances`.
    public internal(set) var instances = 1

    public init(name: String, limit: Int, window: Int, burst: Int) {
        self.name = name
        self.limit = max(1, limit)
        self.window = max(1, window)
        self.burst = max(1, burst)
    }

    /// Nanoseconds between requests at the steady rate (integers, so no rounding drift); an
    /// instance's share of a rate waits N times as long.
    var emissionInterval: Int64 { Int64(window) * 1_000_000_000 * Int64(instances) / Int64(limit) }
    /// The burst this instance allows: its share, rounded up.
    var localBurst: Int { (burst + instances - 1) / instances }
    /// How far ahead of now the theoretical arrival time may run: the burst.
    var tolerance: Int64 { emissionInterval * Int64(localBurst - 1) }
}

/// What a limiter decided for one request.
public struct RateDecision: Sendable, Equatable {
    public let allowed: Bool
    /// Requests that could still be made right now.
    public let remaining: Int
    /// Seconds until the full burst is available again.
    public let reset: Int
    /// For a refusal: seconds until one request of this cost would be allowed.
    public let retryAfter: Int

    public init(allowed: Bool, remaining: Int, reset: Int, retryAfter: Int) {
        self.allowed = allowed
        self.remaining = remaining
        self.reset = reset
        self.retryAfter = retryAfter
    }
}

/// Seconds on a monotonic clock; injected so tests control time.
public protocol LimiterClock: Sendable {
    func now() -> Double
}

/// Seconds since the process started, on the monotonic clock.
public struct SystemLimiterClock: LimiterClock {
    private static let start = ContinuousClock.now

    public init() {}

    public func now() -> Double {
        (ContinuousClock.now - Self.start).inSeconds
    }
}

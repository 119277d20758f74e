import Synchronization

/// Values kept for a fixed time after they were loaded, by key. Bounded: past `capacity`
/// entries it starts over, so unique keys (guessed credentials) cannot grow it without end.
///
/// When reloading an expired entry fails (Portico's schema unreachable), the entry keeps
/// answering for up to `staleIfError` past its lifetime, and is not retried for
/// ``retryInterval``: partners whose credentials were seen go on being served, as the store
/// last described them, instead of failing with it. A change made meanwhile (a revocation)
/// needs the store, so it can only take effect once the store is back, and then does within
/// the lifetime.
final class TTLCache<Value: Sendable>: Sendable {
    struct Entry: Sendable {
        let value: Value
        let fetched: ContinuousClock.Instant
        /// After a failed reload: the entry answers as fresh until then.
        var retryAt: ContinuousClock.Instant?
    }

    /// How long a failed reload leaves the stale entry answering before the next attempt.
    static var retryInterval: Duration { .seconds(1) }

    let ttl: Duration
    let staleIfError: Duration
    let capacity: Int
    /// The instant freshness is judged at; tests pass a clock they move.
    let now: @Sendable () -> ContinuousClock.Instant
    private let entries = Mutex<[String: Entry]>([:])
    private let staleCount = Atomic<Int>(0)

    init(
        ttl: Duration, staleIfError: Duration = .seconds(300), capacity: Int = 100_000,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.ttl = ttl
        self.staleIfError = staleIfError
        self.capacity = capacity
        self.now = now
    }

    /// Answers given from a stale entry because its reload failed.
    var staleAnswers: Int { staleCount.load(ordering: .relaxed) }

    /// The cached value if still fresh. Not `async`: a hit, which is nearly every request, needs
    /// no task frame.
    func fresh(_ key: String) -> Value? {
        guard let entry = entries.withLock({ $0[key] }) else { return nil }
        let now = now()
        guard now - entry.fetched < ttl || entry.retryAt.map({ now < $0 }) == true else { return nil }
        return entry.value
    }

    /// The cached value if still fresh, else `load()`'s, which is then kept; if `load()` fails,
    /// the stale value while it is within `staleIfError`.
    func value(_ key: String, load: () async throws -> Value) async throws -> Value {
        if let value = fresh(key) { return value }
        let value: Value
        do {
            value = try await load()
        } catch {
            let now = now()
            let stale = entries.withLock { cache -> Value? in
                guard var entry = cache[key], now - entry.fetched < ttl + staleIfError else { return nil }
                entry.retryAt = now + Self.retryInterval
                cache[key] = entry
                return entry.value
            }
            guard let stale else { throw error }
            staleCount.add(1, ordering: .relaxed)
            return stale
        }
        entries.withLock { cache in
            if cache.count >= capacity { cache.removeAll() }
            cache[key] = Entry(value: value, fetched: now())
        }
        return value
    }
}

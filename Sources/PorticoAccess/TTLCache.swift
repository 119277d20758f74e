import Synchronization

/// Values kept for a fixed time after they were loaded, by key. Bounded: past `capacity`
/// entries it starts over, so unique keys (guessed credentials) cannot grow it without end.
final class TTLCache<Value: Sendable>: Sendable {
    struct Entry: Sendable {
        let value: Value
        let fetched: ContinuousClock.Instant
    }

    let ttl: Duration
    let capacity: Int
    /// The instant freshness is judged at; tests pass a clock they move.
    let now: @Sendable () -> ContinuousClock.Instant
    private let entries = Mutex<[String: Entry]>([:])

    init(ttl: Duration, capacity: Int = 100_000, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.ttl = ttl
        self.capacity = capacity
        self.now = now
    }

    /// The cached value if still fresh. Not `async`: a hit, which is nearly every request, needs
    /// no task frame.
    func fresh(_ key: String) -> Value? {
        guard let entry = entries.withLock({ $0[key] }), now() - entry.fetched < ttl else { return nil }
        return entry.value
    }

    /// The cached value if still fresh, else `load()`'s, which is then kept.
    func value(_ key: String, load: () async throws -> Value) async throws -> Value {
        if let value = fresh(key) { return value }
        let value = try await load()
        entries.withLock { cache in
            if cache.count >= capacity { cache.removeAll() }
            cache[key] = Entry(value: value, fetched: now())
        }
        return value
    }
}

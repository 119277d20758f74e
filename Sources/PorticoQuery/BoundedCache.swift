import Synchronization

/// A dictionary behind a lock that starts again empty past `capacity` entries, or past
/// `maxCost` of its values' summed `cost`, so unusual keys cannot grow it without end.
final class BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    let capacity: Int
    let maxCost: Int
    private let cost: @Sendable (Value) -> Int
    private let state = Mutex<(entries: [Key: Value], cost: Int)>(([:], 0))

    init(capacity: Int, maxCost: Int = .max, cost: @escaping @Sendable (Value) -> Int = { _ in 0 }) {
        self.capacity = capacity
        self.maxCost = maxCost
        self.cost = cost
    }

    subscript(key: Key) -> Value? { state.withLock { $0.entries[key] } }

    /// Keeps `value`, unless it alone costs more than the whole budget.
    func store(_ value: Value, for key: Key) {
        let size = cost(value)
        guard size <= maxCost else { return }
        state.withLock { state in
            if state.entries.count >= capacity || state.cost + size > maxCost { state = ([:], 0) }
            if let old = state.entries.updateValue(value, forKey: key) { state.cost -= cost(old) }
            state.cost += size
        }
    }

    var count: Int { state.withLock { $0.entries.count } }
    var totalCost: Int { state.withLock { $0.cost } }
}

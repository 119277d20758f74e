import Synchronization

/// The public ids of the API keys in Portico's schema, held in memory so that a well-formed key
/// whose id does not exist is refused without a lookup of its own.
///
/// Guessed keys pass their checksum one time in a few: without this, every guess with a new
/// random id would read `api_keys`, from as many addresses as an attacker has. With it:
/// - an id in the directory (a real key, live or revoked) may read its record, which the
///   authenticator then caches for 5 s: at most one read per real key per 5 s;
/// - an id not in it makes the directory read the keys added since its last read, at most
///   once per ``minimumInterval`` for the whole instance, however many ids and addresses
///   (callers within the interval wait for the next read, which serves them all);
/// - a caller that may not cause lookups (an address over its limit) is answered from the
///   directory as it stands, except for its very first read.
///
/// So a key issued moments ago is accepted on its first use, at most ``minimumInterval`` late.
/// Keys are only ever added (revocation marks a row), so each read fetches only rows past the
/// highest `key_id` seen, less ``overlap``: two keys issued at once may commit in the other
/// order than their ids, and the lower one must not be skipped.
final class KeyDirectory: Sendable {
    static let minimumInterval: Duration = .seconds(1)
    /// Ids below the highest seen that each read looks at again (keys issued concurrently).
    static let overlap: UInt64 = 64

    private struct State {
        var ids: Set<String> = []
        var highestKeyID: UInt64 = 0
        var loaded = false
        var lastRead: ContinuousClock.Instant?
        var pending: Task<Void, any Error>?
    }

    private let store: any AccessStore
    private let state = Mutex(State())
    private let readCount = Atomic<Int>(0)
    /// Reads of Portico's schema so far, for the authenticator's lookup count.
    var reads: Int { readCount.load(ordering: .relaxed) }

    /// - Parameter store: Portico's state.
    init(store: any AccessStore) {
        self.store = store
    }

    /// Whether a key with this public id may exist.
    ///
    /// - Parameters:
    ///   - id: the key's public id.
    ///   - mayRead: whether this caller may make the directory read Portico's schema.
    /// - Throws: the database's error when a read was due and failed.
    func mayExist(_ id: String, mayRead: Bool) async throws -> Bool {
        let now = ContinuousClock.now
        let read: Task<Void, any Error>? = state.withLock { state in
            if state.ids.contains(id) { return nil }
            if let pending = state.pending { return pending }
            guard mayRead || !state.loaded else { return nil }
            // Within the interval of the last read, wait for the next one instead of refusing:
            // a key issued a moment ago is then accepted a little late, never refused, and
            // guesses are slowed to the directory's pace.
            let due = state.lastRead.map { max(now, $0 + Self.minimumInterval) } ?? now
            state.lastRead = due
            let task = Task {
                if due > now { try await Task.sleep(until: due, clock: .continuous) }
                try await self.readNewKeys()
            }
            state.pending = task
            return task
        }
        if let read { try await read.value }
        return state.withLock { $0.ids.contains(id) }
    }

    private func readNewKeys() async throws {
        defer { state.withLock { $0.pending = nil } }
        readCount.add(1, ordering: .relaxed)
        let after = state.withLock { $0.highestKeyID > Self.overlap ? $0.highestKeyID - Self.overlap : 0 }
        let keys = try await store.keyIDs(after: after)
        state.withLock { state in
            for key in keys {
                state.ids.insert(key.publicID)
                state.highestKeyID = max(state.highestKeyID, key.keyID)
            }
            state.loaded = true
        }
    }
}

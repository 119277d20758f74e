import Synchronization

/// Waits until `condition` holds, looking again every few milliseconds, for at most `limit`.
///
/// Tests wait for a state rather than sleeping for it: on a loaded 2-core machine a state that
/// takes milliseconds can take a minute (seen: a listener's port reported 60 s late while the
/// cooperative threads were busy elsewhere), so the limit is five minutes and only stops a
/// broken condition from hanging the suite.
///
/// - Parameters:
///   - limit: how long to keep looking.
///   - condition: the state to wait for.
/// - Returns: whether the condition held before the limit.
@discardableResult
public func waitUntil(limit: Duration = .seconds(300), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + limit
    while try await !condition() {
        if ContinuousClock.now > deadline { return false }
        try await Task.sleep(for: .milliseconds(5))
    }
    return true
}

/// A clock that moves only when the test moves it: cooldowns and intervals read it instead of
/// `ContinuousClock.now`, so their verdicts do not depend on how fast the machine runs.
public final class ManualClock: Sendable {
    private let offset = Mutex<Duration>(.zero)
    private let start = ContinuousClock.now

    public init() {}

    /// The instant the code under test sees.
    public var now: ContinuousClock.Instant { start + offset.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by duration: Duration) { offset.withLock { $0 += duration } }
}

/// A flag one task raises and another reads.
public final class Flag: Sendable {
    private let raised = Atomic<Bool>(false)
    public init() {}
    public func raise() { raised.store(true, ordering: .relaxed) }
    public var isRaised: Bool { raised.load(ordering: .relaxed) }
}

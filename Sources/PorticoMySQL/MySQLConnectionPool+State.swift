import NIOCore

extension MySQLConnectionPool {
    /// A connection the pool owns, with the time it was last handed back.
    struct Pooled: Sendable {
        let connection: MySQLConnection
        var idleSince: ContinuousClock.Instant
    }

    /// What a waiting caller is given when it is woken.
    enum Grant: Sendable {
        /// An idle connection.
        case connection(Pooled)
        /// A free slot: the caller opens a new connection in it.
        case slot
    }

    struct Waiter {
        let id: UInt64
        /// When the caller gives up (the acquire timeout after it began waiting).
        let deadline: ContinuousClock.Instant
        let kind: Kind

        enum Kind {
            /// A caller of ``MySQLConnectionPool/withConnection(_:)``, resumed with its grant.
            case lease(CheckedContinuation<Grant, any Error>)
            /// A read, run by whichever connection thread picks it up (``ReadJob``).
            case read(ReadJob)
        }

        /// Ends the wait with an error (timeout, cancellation, closed pool).
        func fail(_ error: any Error) {
            switch kind {
            case .lease(let continuation): continuation.resume(throwing: error)
            case .read(let job): job.fail(error)
            }
        }
    }

    /// What a connection thread does after a read: the next queued read (the connection stays
    /// leased and the thread does not sleep), or the connection went back to the pool.
    enum AfterRead {
        case next(ReadJob)
        case returned(handoff: (Waiter, Grant)?)
        case closePool
    }

    /// The pool's bookkeeping, only touched under the pool's lock.
    struct State {
        var idle: [Pooled] = []
        /// Connections open or being opened, idle or leased.
        var open = 0
        var leased = 0
        var waiters: CircularBuffer<Waiter> = []
        var nextWaiterID: UInt64 = 0
        /// Whether the task that expires waiters past their deadline is running (one for the pool,
        /// not a timer per waiter: under load most acquires wait).
        var reaperRunning = false
        var closed = false
        var statistics = MySQLPoolStatistics()

        /// Takes an idle connection or a free slot, or `nil` when the caller must wait.
        mutating func take(limit: Int) -> Grant? {
            if let pooled = idle.popLast() {
                leased += 1
                return .connection(pooled)
            }
            if open < limit {
                open += 1
                leased += 1
                return .slot
            }
            return nil
        }

        enum Admission {
            case closed
            case granted(Grant)
            /// Queued; `startReaper` when no reaper runs to enforce its deadline.
            case queued(startReaper: Bool)
        }

        /// Takes an idle connection or a free slot for `waiter`, or queues it.
        mutating func admit(_ waiter: Waiter, limit: Int) -> Admission {
            if closed { return .closed }
            if let grant = take(limit: limit) { return .granted(grant) }
            waiters.append(waiter)
            defer { reaperRunning = true }
            return .queued(startReaper: !reaperRunning)
        }

        /// Hands a returned connection to the longest waiter, or keeps it idle.
        mutating func giveBack(_ pooled: Pooled) -> (Waiter, Grant)? {
            if let waiter = waiters.popFirst() { return (waiter, .connection(pooled)) }
            leased -= 1
            idle.append(pooled)
            return nil
        }

        /// After a read on `pooled`: the next waiter if it is a read, else as ``giveBack(_:)``.
        mutating func afterRead(_ pooled: Pooled, statements: Int) -> AfterRead {
            statistics.statements += statements
            if closed {
                open -= 1
                leased -= 1
                return .closePool
            }
            if case .read(let job) = waiters.first?.kind {
                waiters.removeFirst()
                return .next(job)
            }
            return .returned(handoff: giveBack(pooled))
        }

        /// Frees the slot of a discarded connection, passing it to the longest waiter if any.
        mutating func discard() -> (Waiter, Grant)? {
            if !closed, let waiter = waiters.popFirst() { return (waiter, .slot) }
            open -= 1
            leased -= 1
            return nil
        }

        /// Removes the waiters whose deadline has passed (they are in deadline order), and says
        /// when to look again: `nil` when none is left, and the reaper stops.
        mutating func expireWaiters(now: ContinuousClock.Instant) -> (expired: [Waiter], next: ContinuousClock.Instant?) {
            var expired: [Waiter] = []
            while let first = waiters.first, first.deadline <= now { expired.append(waiters.removeFirst()) }
            statistics.acquireTimeouts += expired.count
            if let next = waiters.first?.deadline { return (expired, next) }
            reaperRunning = false
            return (expired, nil)
        }

        mutating func removeWaiter(_ id: UInt64) -> Waiter? {
            guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return waiters.remove(at: index)
        }
    }
}

/// A snapshot of the pool for metrics and readiness.
public struct MySQLPoolStatistics: Sendable, Equatable {
    /// Connections open or being opened.
    public var open = 0
    /// Connections handed out right now.
    public var leased = 0
    /// Callers waiting for a connection right now.
    public var waiting = 0
    /// Acquires that gave up after the acquire timeout, since start.
    public var acquireTimeouts = 0
    /// Connections opened to replace a broken one, since start.
    public var reconnects = 0
    /// Connections discarded because they broke (lost, client timeout, abandoned stream), since start.
    public var discarded = 0
    /// Statements run through ``MySQLConnectionPool/query(_:_:)``, ``MySQLConnectionPool/read(_:)``
    /// and row streams, since start.
    public var statements = 0
}

public import Logging
import NIOCore
public import ServiceLifecycle
import Synchronization

/// A bounded pool of ``MySQLConnection``s, run as a swift-service-lifecycle `Service`.
///
/// - At most `maxConnections` are open; a caller waits at most `acquireTimeout` for one and then
///   gets a `.poolExhausted` error.
/// - A connection idle for longer than `validationInterval` is pinged before it is handed out and
///   reconnected if the ping fails, so the first query after a server restart succeeds.
/// - A connection that broke (lost, client timeout, abandoned stream) is discarded, never reused.
/// - Reads (``read(_:)``, ``query(_:_:)``) queue with leases in one arrival order; a connection
///   that finishes a read runs the next queued one on its own thread without returning to the
///   pool, so under load its thread does not sleep between statements.
/// - `run()` pings idle connections every `healthCheckInterval` until graceful shutdown, then
///   closes the pool.
///
/// ```swift
/// let pool = MySQLConnectionPool(configuration: db, options: .init(maxConnections: 8), logger: logger)
/// let result = try await pool.query("SELECT 1")
/// ```
public final class MySQLConnectionPool: Service, Sendable {
    public struct Options: Sendable {
        public var maxConnections: Int
        public var acquireTimeout: Duration
        public var validationInterval: Duration
        public var healthCheckInterval: Duration

        public init(
            maxConnections: Int = 8,
            acquireTimeout: Duration = .seconds(2),
            validationInterval: Duration = .seconds(1),
            healthCheckInterval: Duration = .seconds(10)
        ) {
            self.maxConnections = max(1, maxConnections)
            self.acquireTimeout = acquireTimeout
            self.validationInterval = validationInterval
            self.healthCheckInterval = healthCheckInterval
        }
    }

    public let configuration: MySQLConfiguration
    public let options: Options
    let logger: Logger
    let state = Mutex(State())
    /// Connection threads not yet ended (see ``close()``).
    let threads = ThreadCount()

    public init(configuration: MySQLConfiguration, options: Options = Options(), logger: Logger) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
    }

    public var statistics: MySQLPoolStatistics {
        state.withLock { s in
            var stats = s.statistics
            stats.open = s.open
            stats.leased = s.leased
            stats.waiting = s.waiters.count
            return stats
        }
    }

    // MARK: - Leasing

    /// Leases a connection for the duration of `body`, then returns it (or discards it if it broke).
    ///
    /// - Throws: `.poolExhausted` when none became free within the acquire timeout, `.poolClosed`
    ///   after shutdown, `.connect` when a new connection could not be opened, or what `body` throws.
    public func withConnection<R: Sendable>(
        _ body: (MySQLConnection) async throws -> R
    ) async throws -> R {
        let pooled = try await acquire()
        do {
            let result = try await body(pooled.connection)
            release(pooled)
            return result
        } catch {
            release(pooled)
            throw error
        }
    }

    /// Runs one statement and reads its whole result, as a ``read(_:)``: a connection found dead
    /// (the server restarted since it was last used) is replaced and the statement tried once
    /// more; only use this for statements that are safe to repeat, such as reads.
    public func query(_ sql: String, _ values: [MySQLValue] = []) async throws -> MySQLResult {
        try await read { try $0.query(sql, values) }
    }

    /// Streams a result of any size in constant memory: `body` reads rows from the stream, and
    /// the next batch is fetched from the server only when it asks for more (back-pressure).
    public func withRowStream<R: Sendable>(
        _ sql: String, _ values: [MySQLValue] = [], batchSize: Int = 256,
        _ body: (MySQLRowStream) async throws -> R
    ) async throws -> R {
        state.withLock { $0.statistics.statements += 1 }
        let (statementTimeout, streamTimeout) = (configuration.statementTimeout, configuration.streamTimeout)
        return try await withConnection { connection in
            // An export lasts as long as the client reads; the per-statement limit is for queries.
            let changesLimit = streamTimeout != statementTimeout
            if changesLimit { try await connection.setStatementTimeout(streamTimeout) }
            do {
                let columns = try await connection.openStream(sql, values)
                let stream = MySQLRowStream(connection: connection, columns: columns, batchSize: batchSize)
                let result = try await body(stream)
                await connection.closeStream()
                if changesLimit { await Self.restore(statementTimeout, on: connection) }
                return result
            } catch {
                await connection.closeStream()
                if changesLimit { await Self.restore(statementTimeout, on: connection) }
                throw error
            }
        }
    }

    /// Back to the query limit before the connection returns to the pool; a connection that
    /// cannot be reset (or was abandoned mid-stream) is discarded instead.
    private static func restore(_ limit: Duration?, on connection: MySQLConnection) async {
        guard !connection.isBroken else { return }
        do {
            try await connection.setStatementTimeout(limit)
        } catch {
            await connection.markBroken()
        }
    }

    /// True when a connection can be leased and answers a ping within the acquire timeout.
    public func isHealthy() async -> Bool {
        do {
            try await withConnection { try await $0.ping() }
            return true
        } catch {
            return false
        }
    }

    private func acquire() async throws -> Pooled {
        let grant: Grant
        if let immediate = try state.withLock({ s throws(MySQLError) -> Grant? in
            if s.closed { throw Self.closedError }
            return s.take(limit: options.maxConnections)
        }) {
            grant = immediate
        } else {
            grant = try await wait()
        }
        switch grant {
        case .connection(let pooled):
            return try await validated(pooled)
        case .slot:
            return try await openInSlot(replacing: false)
        }
    }

    private func wait() async throws -> Grant {
        try await admitted { .lease($0) }
    }

    /// Takes a connection for a waiter of the given kind, or queues it until one is freed or its
    /// acquire timeout passes; a queued waiter whose task is cancelled is dropped.
    func admitted<T: Sendable>(_ kind: (CheckedContinuation<T, any Error>) -> Waiter.Kind) async throws -> T {
        let id = state.withLock { s in
            s.nextWaiterID += 1
            return s.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let waiter = Waiter(id: id, deadline: .now + options.acquireTimeout, kind: kind(continuation))
                switch state.withLock({ $0.admit(waiter, limit: options.maxConnections) }) {
                case .closed: waiter.fail(Self.closedError)
                case .granted(let grant): hand(grant, to: waiter)
                case .queued(let startReaper): if startReaper { Task { await reapWaiters(firstDeadline: waiter.deadline) } }
                }
            }
        } onCancel: {
            state.withLock({ $0.removeWaiter(id) })?.fail(CancellationError())
        }
    }

    /// Fails waiters that reach their deadline, sleeping until the earliest one; stops when no
    /// one waits (the next waiter starts it again).
    func reapWaiters(firstDeadline: ContinuousClock.Instant) async {
        var next: ContinuousClock.Instant? = firstDeadline
        while let deadline = next {
            try? await Task.sleep(until: deadline, clock: .continuous)
            let (expired, following) = state.withLock { $0.expireWaiters(now: .now) }
            for waiter in expired {
                waiter.fail(
                    MySQLError(
                        kind: .poolExhausted, code: 0, sqlState: "HY000",
                        serverMessage: "no connection free after \(options.acquireTimeout)"
                    ))
            }
            next = following
        }
    }

    /// Pings a connection that sat idle past the validation interval, reconnecting it if the ping fails.
    func validated(_ pooled: Pooled) async throws -> Pooled {
        guard ContinuousClock.now - pooled.idleSince > options.validationInterval else { return pooled }
        do {
            try await pooled.connection.ping()
            return pooled
        } catch {
            logger.info("idle connection failed its ping; reconnecting", metadata: ["error": "\(error)"])
            discardConnection(pooled.connection, keepSlot: true)
            return try await openInSlot(replacing: true)
        }
    }

    func openInSlot(replacing: Bool) async throws -> Pooled {
        do {
            let connection = try await MySQLConnection.connect(configuration, threads: threads)
            if replacing { state.withLock { $0.statistics.reconnects += 1 } }
            return Pooled(connection: connection, idleSince: .now)
        } catch {
            logger.warning("could not open a database connection", metadata: ["error": "\(error)"])
            let handoff = state.withLock { $0.discard() }
            // Another waiter gets the slot and tries for itself.
            if let (waiter, grant) = handoff { hand(grant, to: waiter) }
            throw error
        }
    }

    private func release(_ pooled: Pooled) {
        if pooled.connection.isBroken {
            discardConnection(pooled.connection, keepSlot: false)
            return
        }
        var returned = pooled
        returned.idleSince = .now
        let (handoff, closed) = state.withLock { s -> ((Waiter, Grant)?, Bool) in
            if s.closed {
                s.open -= 1
                s.leased -= 1
                return (nil, true)
            }
            return (s.giveBack(returned), false)
        }
        if closed { Task { await returned.connection.close() } }
        if let (waiter, grant) = handoff { hand(grant, to: waiter) }
    }

    /// Closes a broken connection. With `keepSlot`, the caller reopens in the same slot at once.
    func discardConnection(_ connection: MySQLConnection, keepSlot: Bool) {
        Task { await connection.close() }
        let handoff = state.withLock { s -> (Waiter, Grant)? in
            s.statistics.discarded += 1
            return keepSlot ? nil : s.discard()
        }
        if let (waiter, grant) = handoff {
            state.withLock { $0.statistics.reconnects += 1 }
            hand(grant, to: waiter)
        }
    }

    static var closedError: MySQLError {
        MySQLError(kind: .poolClosed, code: 0, sqlState: "HY000", serverMessage: "pool is shut down")
    }

    // MARK: - Lifecycle

    /// Pings idle connections periodically until graceful shutdown, then closes the pool.
    public func run() async throws {
        let interval = options.healthCheckInterval
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await self.checkIdleConnections()
            }
        }
        await close()
    }

    /// Pings every idle connection and drops the ones that fail, so dead connections do not
    /// wait in the pool for a caller.
    func checkIdleConnections() async {
        let idle = state.withLock { s -> [Pooled] in
            let taken = s.idle
            s.idle.removeAll()
            s.leased += taken.count
            return taken
        }
        for pooled in idle {
            do {
                try await pooled.connection.ping()
                release(pooled)
            } catch {
                await pooled.connection.close()
                release(pooled)
            }
        }
    }

    /// Fails every waiter, closes idle connections, and closes leased ones as they come back.
    /// Returns once the closed connections' threads have ended (at most two seconds), so a
    /// process may exit right after.
    public func close() async {
        await closeIdle()
        let deadline = ContinuousClock.now + .seconds(2)
        while threads.current > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(1))
        }
    }

    /// The pool's connection threads still running; they end once their connection is closed
    /// and released.
    public var runningThreads: Int { threads.current }

    /// The idle connections are released when this returns, which ends their threads.
    private func closeIdle() async {
        let (idle, waiters) = state.withLock { s -> ([Pooled], CircularBuffer<Waiter>) in
            s.closed = true
            let idle = s.idle
            let waiters = s.waiters
            s.open -= idle.count
            s.idle.removeAll()
            s.waiters.removeAll()
            return (idle, waiters)
        }
        for waiter in waiters { waiter.fail(Self.closedError) }
        for pooled in idle { await pooled.connection.close() }
    }
}

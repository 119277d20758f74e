import PorticoMySQL
import PorticoTestSupport
import Synchronization
import Testing

@Suite("Connection pool (MariaDB)")
struct PoolTests {
    static func adminPool(connections: Int, acquireTimeout: Duration) -> MySQLConnectionPool {
        MySQLConnectionPool(
            configuration: TestDatabase.admin(), options: .init(maxConnections: connections, acquireTimeout: acquireTimeout),
            logger: TestDatabase.logger)
    }

    @Test("closing a pool ends its connection threads before it returns, so the process may exit at once")
    func closeEndsThreads() async throws {
        let pool = Self.adminPool(connections: 3, acquireTimeout: .seconds(5))
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Three leases at once need three connections, each with its thread.
            let release = try await Self.holdConnections(pool, count: 3, in: &group)
            release()
            try await group.waitForAll()
        }
        #expect(pool.runningThreads == 3)
        await pool.close()
        #expect(pool.runningThreads == 0)
        await #expect(throws: MySQLError.self) { try await pool.query("SELECT 1") }
    }

    @Test("an exhausted pool fails with .poolExhausted after the acquire timeout, and serves again once a connection is back")
    func exhaustion() async throws {
        let pool = Self.adminPool(connections: 2, acquireTimeout: .milliseconds(300))
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Both connections are held by the test until it lets them go: only the timeout can answer.
            let release = try await Self.holdConnections(pool, count: 2, in: &group)
            let waited = try await Self.timedRefusal(pool)
            #expect(waited >= .milliseconds(300), "refused after \(waited), before the acquire timeout")
            release()
            try await group.waitForAll()
        }
        #expect(pool.statistics.acquireTimeouts == 1)
        #expect(pool.statistics.open == 2)
        #expect(try await pool.query("SELECT 3").rows[0][0] == .int(3))
        await pool.close()
    }

    @Test("waiters that arrive at different times each give up after their own wait, and later ones are timed too")
    func staggeredTimeouts() async throws {
        let timeout = Duration.seconds(2)
        let pool = Self.adminPool(connections: 1, acquireTimeout: timeout)
        try await withThrowingTaskGroup(of: Void.self) { group in
            let release = try await Self.holdConnections(pool, count: 1, in: &group)
            // A second waiter arrives while the first one waits: one reaper serves both, each
            // after its own timeout, so the second is refused later than the first.
            let first = Task { try await Self.timedRefusal(pool) }
            try await Self.waitUntil { pool.statistics.waiting == 1 }
            let firstQueued = ContinuousClock.now
            try await Task.sleep(for: .milliseconds(300))  // only a gap between arrivals; its length is not asserted
            let second = Task { try await Self.timedRefusal(pool) }
            try await Self.waitUntil { pool.statistics.waiting == 2 || pool.statistics.acquireTimeouts > 0 }
            let secondQueued = ContinuousClock.now
            let (firstWait, secondWait) = (try await first.value, try await second.value)
            #expect(firstWait >= timeout && secondWait >= timeout, "waits \(firstWait) and \(secondWait), timeout \(timeout)")
            #expect(secondQueued > firstQueued)
            // The reaper stopped when no one was left; a new waiter starts it again.
            #expect(try await Self.timedRefusal(pool) >= timeout)
            release()
            try await group.waitForAll()
        }
        #expect(pool.statistics.acquireTimeouts == 3)
        await pool.close()
    }

    /// How long a query waited before the pool refused it as exhausted. A query that is served
    /// instead is recorded as an issue; one left waiting (no reaper) is served once the
    /// test's hold ends, so a broken pool fails the test instead of hanging it.
    static func timedRefusal(_ pool: MySQLConnectionPool) async throws -> Duration {
        let start = ContinuousClock.now
        do {
            _ = try await pool.query("SELECT 1")
            Issue.record("expected the pool to be exhausted")
        } catch let error as MySQLError {
            #expect(error.kind == .poolExhausted)
        }
        return ContinuousClock.now - start
    }

    @Test("a waiter gets the connection another caller returns")
    func handOff() async throws {
        // A generous timeout: this is about hand-off, not speed (the suites share 2 cores).
        let pool = Self.adminPool(connections: 1, acquireTimeout: .seconds(30))
        let values = try await withThrowingTaskGroup(of: Int64.self) { group in
            for n in 0..<20 {
                group.addTask { try await pool.query("SELECT ?", [.int(Int64(n))]).rows[0][0].int64 ?? -1 }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(values.sorted() == Array(0..<20))
        #expect(pool.statistics.open == 1)
        #expect(pool.statistics.leased == 0)
        await pool.close()
    }

    @Test("a statement over its time limit fails with .statementTimeout and the pool stays usable")
    func statementTimeout() async throws {
        var config = TestDatabase.admin(database: "tradeflow")
        config.statementTimeout = .milliseconds(300)
        let pool = MySQLConnectionPool(configuration: config, options: .init(maxConnections: 1), logger: TestDatabase.logger)
        do {
            _ = try await pool.query("SELECT SLEEP(3)")
            Issue.record("expected a statement timeout")
        } catch let error as MySQLError {
            #expect(error.kind == .statementTimeout)
            #expect(error.code == 1969)
        }
        #expect(try await pool.query("SELECT 4").rows[0][0] == .int(4))
        #expect(pool.statistics.discarded == 0)
        await pool.close()
    }

    @Test("a connection that hit the client read timeout is discarded and replaced")
    func clientTimeout() async throws {
        var config = TestDatabase.admin()
        config.readTimeout = 1
        config.statementTimeout = nil
        let pool = MySQLConnectionPool(configuration: config, options: .init(maxConnections: 1), logger: TestDatabase.logger)
        do {
            _ = try await pool.withConnection { try await $0.query("SELECT SLEEP(4)") }
            Issue.record("expected the read timeout to fire")
        } catch let error as MySQLError {
            #expect(error.kind == .connectionLost)
        }
        #expect(pool.statistics.discarded == 1)
        #expect(try await pool.query("SELECT 5").rows[0][0] == .int(5))
        await pool.close()
    }

    @Test("a closed pool refuses new work with .poolClosed")
    func closed() async throws {
        let pool = MySQLConnectionPool(configuration: TestDatabase.admin(), logger: TestDatabase.logger)
        _ = try await pool.query("SELECT 1")
        await pool.close()
        do {
            _ = try await pool.query("SELECT 1")
            Issue.record("expected .poolClosed")
        } catch let error as MySQLError {
            #expect(error.kind == .poolClosed)
        }
        #expect(await pool.isHealthy() == false)
    }

    @Test("read runs dependent statements on one leased connection, counts them, and keeps the connection after a statement error")
    func readOnOneConnection() async throws {
        let pool = Self.adminPool(connections: 2, acquireTimeout: .seconds(2))
        let before = pool.statistics.statements
        let (first, second, seen) = try await pool.read { connection in
            // A session variable set by one statement is seen by the next: the same session.
            let first = try connection.query("SELECT CONNECTION_ID()").rows[0][0]
            _ = try connection.query("SET @portico_read_test = ?", [.int(41)])
            let seen = try connection.query("SELECT @portico_read_test + 1").rows[0][0]
            let second = try connection.query("SELECT CONNECTION_ID()").rows[0][0]
            return (first, second, seen)
        }
        #expect(first == second)
        #expect(seen == .int(42))
        #expect(pool.statistics.statements == before + 4)
        do {
            _ = try await pool.read { connection in
                _ = try connection.query("SELECT 1")
                return try connection.query("SELECT * FROM mysql.no_such_table_here").rows.count
            }
            Issue.record("expected the missing table to fail")
        } catch let error as MySQLError {
            #expect(error.code == 1146)
        }
        #expect(pool.statistics.statements == before + 6)
        #expect(pool.statistics.discarded == 0)
        #expect(try await pool.read { try $0.query("SELECT 7").rows[0][0] } == .int(7))
        await pool.close()
    }

    @Test("read replaces a connection the server killed and runs its statements once more")
    func readRetriesALostConnection() async throws {
        // No ping before reuse, so the dead connection is handed out and the retry is what saves the read.
        let pool = MySQLConnectionPool(
            configuration: TestDatabase.admin(),
            options: .init(maxConnections: 1, validationInterval: .seconds(3600)), logger: TestDatabase.logger)
        let victim = try await pool.read { try $0.query("SELECT CONNECTION_ID()").rows[0][0] }
        let killer = Self.adminPool(connections: 1, acquireTimeout: .seconds(2))
        let victimID: UInt64
        switch victim {
        case .uint(let n): victimID = n
        case .int(let n): victimID = UInt64(n)
        default:
            Issue.record("CONNECTION_ID() gave \(victim)")
            return
        }
        try await killer.withConnection { try await $0.execute("KILL \(victimID)") }
        await killer.close()
        let (id, value) = try await pool.read { connection in
            (try connection.query("SELECT CONNECTION_ID()").rows[0][0], try connection.query("SELECT 8").rows[0][0])
        }
        #expect(value == .int(8))
        #expect(id != victim)
        #expect(pool.statistics.discarded == 1)
        await pool.close()
    }

    /// Holds `count` of the pool's connections until `release` is called (or, so a broken pool
    /// cannot hang the suite, 5 minutes have passed), so tests queue work behind them without
    /// depending on timing.
    static func holdConnections(
        _ pool: MySQLConnectionPool, count: Int, in group: inout ThrowingTaskGroup<Void, any Error>
    ) async throws
        -> @Sendable () -> Void
    {
        var gates: [AsyncStream<Void>.Continuation] = []
        for _ in 0..<count {
            let (gate, open) = AsyncStream<Void>.makeStream()
            gates.append(open)
            group.addTask {
                try await pool.withConnection { _ in for await _ in gate { break } }
            }
        }
        let opened = gates
        let watchdog = Task {
            try await Task.sleep(for: .seconds(300))
            for gate in opened { gate.finish() }
        }
        try await waitUntil { pool.statistics.leased == count }
        return {
            watchdog.cancel()
            for gate in opened { gate.finish() }
        }
    }

    static func holdOnlyConnection(
        _ pool: MySQLConnectionPool, in group: inout ThrowingTaskGroup<Void, any Error>
    ) async throws -> @Sendable () -> Void {
        try await holdConnections(pool, count: 1, in: &group)
    }

    /// Holds the only connection, queues a read (`SELECT 2`) behind it, runs `body` with the
    /// read's task, then lets the connection go.
    static func withQueuedRead(_ pool: MySQLConnectionPool, _ body: (Task<MySQLValue, any Error>) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            let release = try await holdOnlyConnection(pool, in: &group)
            let queued = Task { try await pool.read { try $0.query("SELECT 2").rows[0][0] } }
            try await waitUntil { pool.statistics.waiting == 1 }
            try await body(queued)
            release()
            try await group.waitForAll()
        }
    }

    static func waitUntil(_ condition: () -> Bool) async throws {
        if try await !PorticoTestSupport.waitUntil({ condition() }) { Issue.record("condition not reached") }
    }

    @Test("reads queued behind a busy connection run on it in arrival order, a lease waiting among them included")
    func queuedReadsInOrder() async throws {
        let pool = Self.adminPool(connections: 1, acquireTimeout: .seconds(30))
        let order = Arrivals()
        let before = pool.statistics.statements
        try await withThrowingTaskGroup(of: Void.self) { group in
            let release = try await Self.holdOnlyConnection(pool, in: &group)
            for (index, name) in ["a", "lease", "b", "c"].enumerated() {
                if name == "lease" {
                    group.addTask {
                        _ = try await pool.withConnection { connection in
                            order.add(name)  // logged where the work runs, so task scheduling cannot reorder it
                            return try await connection.query("SELECT 1")
                        }
                    }
                } else {
                    group.addTask {
                        let id = try await pool.read { connection in
                            order.add(name)
                            return try connection.query("SELECT CONNECTION_ID()").rows[0][0]
                        }
                        #expect(id != .null)
                    }
                }
                try await Self.waitUntil { pool.statistics.waiting == index + 1 }  // arrival order
            }
            release()
            try await group.waitForAll()
        }
        #expect(order.names == ["a", "lease", "b", "c"])
        #expect(pool.statistics.statements == before + 3)  // the lease's statement is not a pool read
        #expect(pool.statistics.open == 1)
        #expect(pool.statistics.leased == 0)
        await pool.close()
    }

    @Test("a queued read whose task is cancelled ends with CancellationError and the connection serves the next")
    func cancelledQueuedRead() async throws {
        let pool = Self.adminPool(connections: 1, acquireTimeout: .seconds(30))
        try await Self.withQueuedRead(pool) { waiting in
            waiting.cancel()
            do {
                _ = try await waiting.value
                Issue.record("expected the queued read to be cancelled")
            } catch {
                #expect(error is CancellationError)
            }
            #expect(pool.statistics.waiting == 0)
        }
        #expect(try await pool.read { try $0.query("SELECT 3").rows[0][0] } == .int(3))
        await pool.close()
    }

    @Test("closing the pool fails the reads still queued with .poolClosed")
    func closeFailsQueuedReads() async throws {
        let pool = Self.adminPool(connections: 1, acquireTimeout: .seconds(30))
        try await Self.withQueuedRead(pool) { queued in
            await pool.close()
            do {
                _ = try await queued.value
                Issue.record("expected .poolClosed")
            } catch let error as MySQLError {
                #expect(error.kind == .poolClosed)
            }
        }  // the lease still running then ends normally
        #expect(pool.statistics.open == 0)
    }
}

/// Names in the order their work ran.
final class Arrivals: Sendable {
    private let list = Mutex<[String]>([])
    func add(_ name: String) { list.withLock { $0.append(name) } }
    var names: [String] { list.withLock { $0 } }
}

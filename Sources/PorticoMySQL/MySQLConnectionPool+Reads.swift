import Logging
import Synchronization

/// A read waiting for a connection: run on a connection's thread by whichever connection picks
/// it up, which resumes the caller with the result.
struct ReadJob: Sendable {
    /// Runs the read and returns what resumes its caller (called once the pool's books are updated).
    let run: @Sendable (isolated MySQLConnection) -> @Sendable () -> Void
    let fail: @Sendable (any Error) -> Void
}

extension MySQLConnectionPool {
    /// Runs `body` on a pooled connection's thread, isolated to the connection, so several
    /// dependent statements cost one thread hop there and back instead of one each.
    ///
    /// Reads queue for connections; a connection that finishes a read takes the next queued one
    /// on the same thread without going back to the pool, so under load its thread never sleeps
    /// between reads (a hop is a wake-up and a context switch on each side: the largest
    /// per-statement cost measured on the request path). A connection found dead is replaced
    /// and `body` run once more: only use this for reads.
    ///
    /// - Throws: `.poolExhausted` when no connection took the read within the acquire timeout,
    ///   `.poolClosed` after shutdown, `.connect` when no connection could be opened, or what
    ///   `body` throws.
    public func read<R: Sendable>(_ body: @escaping @Sendable (isolated MySQLConnection) throws -> R) async throws -> R {
        do {
            return try await readOnce(body)
        } catch let error as MySQLError where error.kind == .connectionLost {
            logger.debug("retrying after a lost connection", metadata: ["error": "\(error)"])
            return try await readOnce(body)
        }
    }

    private func readOnce<R: Sendable>(_ body: @escaping @Sendable (isolated MySQLConnection) throws -> R) async throws -> R {
        try await admitted { (continuation: CheckedContinuation<R, any Error>) in
            .read(
                ReadJob(
                    run: { connection in
                        let result = Result { try body(connection) }
                        return { continuation.resume(with: result) }
                    },
                    fail: { continuation.resume(throwing: $0) }
                ))
        }
    }

    /// Gives a waiter what was freed for it.
    func hand(_ grant: Grant, to waiter: Waiter) {
        switch waiter.kind {
        case .lease(let continuation): continuation.resume(returning: grant)
        case .read(let job): start(job, with: grant)
        }
    }

    /// Runs a read on a connection that was not busy (one hop to its thread); reads queued
    /// meanwhile follow on the same thread. Only a read still queued can be cancelled; one
    /// already started finishes.
    private func start(_ job: ReadJob, with grant: Grant) {
        Task {
            let pooled: Pooled
            do {
                switch grant {
                case .connection(let idle): pooled = try await validated(idle)
                case .slot: pooled = try await openInSlot(replacing: false)
                }
            } catch {
                job.fail(error)
                return
            }
            await pooled.connection.serveReads(job, pool: self, pooled: pooled)
        }
    }

    /// Called on the connection's thread after each read.
    func afterRead(_ pooled: Pooled, statements: Int) -> AfterRead? {
        if pooled.connection.isBroken {
            state.withLock { $0.statistics.statements += statements }
            discardConnection(pooled.connection, keepSlot: false)
            return nil
        }
        var returned = pooled
        returned.idleSince = .now
        return state.withLock { $0.afterRead(returned, statements: statements) }
    }
}

extension MySQLConnection {
    /// Runs `first`, then the reads queued behind it, until none waits; then hands the connection
    /// back to the pool.
    func serveReads(_ first: ReadJob, pool: MySQLConnectionPool, pooled: MySQLConnectionPool.Pooled) {
        var job = first
        while true {
            let before = executedStatements
            let resume = job.run(self)
            let after = pool.afterRead(pooled, statements: executedStatements - before)
            resume()
            switch after {
            case .next(let next)?:
                job = next
            case .returned(let handoff)?:
                if let (waiter, grant) = handoff { pool.hand(grant, to: waiter) }
                return
            case .closePool?:
                close()
                return
            case nil:
                return  // broken and discarded
            }
        }
    }
}

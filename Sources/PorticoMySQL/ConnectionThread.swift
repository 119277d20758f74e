import NIOPosix
import Synchronization

/// A pool's connection threads that have not ended yet. The process must not exit while one is
/// still ending: libmariadb's OpenSSL clean-up at exit would race it (a heap corruption seen
/// about once in fifty CLI runs before pools waited for this count to reach zero).
final class ThreadCount: Sendable {
    private let value = Atomic<Int>(0)

    var current: Int { value.load(ordering: .acquiring) }
    func started() { value.add(1, ordering: .relaxed) }
    func ended() { value.subtract(1, ordering: .releasing) }
}

/// A serial executor backed by one dedicated thread.
///
/// Every `MySQLConnection` runs on its own `ConnectionThread`, so its blocking C calls never run on
/// an event loop or in the cooperative pool, and its `MYSQL*` (not thread-safe, not `Sendable`)
/// is only ever touched by the thread that owns it. Handing a job to the thread costs a lock and
/// a condition signal (its CPU cost is in bench/results).
final class ConnectionThread: SerialExecutor, @unchecked Sendable {
    // @unchecked: NIOThreadPool is thread-safe; this class only forwards to it.
    private let threads: NIOThreadPool
    private let count: ThreadCount?

    init(count: ThreadCount? = nil) {
        self.count = count
        count?.started()
        threads = NIOThreadPool(numberOfThreads: 1)
        threads.start()
        threads.submit { _ in MySQLLibrary.threadDidStart() }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        // A job submitted after shutdown is handed `.cancelled` on another thread; it must still run,
        // or its task would wait forever. By then the connection holds no C handle any more.
        threads.submit { _ in job.runSynchronously(on: executor) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Ends the thread after the jobs already queued. Does not block the caller; the count
    /// drops once the thread has exited.
    func shutdown() {
        threads.submit { _ in MySQLLibrary.threadWillEnd() }
        let count = count
        threads.shutdownGracefully { _ in count?.ended() }
    }
}

import NIOCore
import NIOPosix

/// Runs a task's jobs on one NIO event loop, so a proxied exchange stays on the partner
/// connection's thread: the upstream connection is asked for on that loop (async-http-client
/// prefers the caller's loop), and each body chunk goes from the upstream socket to the
/// partner's without waking another thread. Used only with `withTaskExecutorPreference`
/// around work that never blocks.
final class EventLoopExecutor: TaskExecutor {
    let loop: any EventLoop

    private init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }

    /// One executor per loop of the group the server and the upstream client share.
    private static let all: [ObjectIdentifier: EventLoopExecutor] = {
        var all: [ObjectIdentifier: EventLoopExecutor] = [:]
        for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() { all[ObjectIdentifier(loop)] = EventLoopExecutor(loop) }
        return all
    }()

    /// The executor for `loop`, or nil when it is not one of the shared group's (a test's embedded loop).
    static func of(_ loop: any EventLoop) -> EventLoopExecutor? {
        all[ObjectIdentifier(loop)]
    }
}

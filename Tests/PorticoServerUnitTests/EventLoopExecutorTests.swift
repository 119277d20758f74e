import NIOCore
import NIOEmbedded
import NIOPosix
import Testing

@testable import PorticoServer

@Suite("The gateway's event-loop executor")
struct EventLoopExecutorTests {
    @Test("work under its preference runs on that loop, before and after a suspension; other loops have none")
    func runsOnTheLoop() async throws {
        let loops = Array(MultiThreadedEventLoopGroup.singleton.makeIterator())
        for loop in loops {
            let executor = try #require(EventLoopExecutor.of(loop))
            let (before, after) = await withTaskExecutorPreference(executor) {
                let before = loop.inEventLoop
                // A suspension that resumes from another thread: the job comes back to the loop.
                await Task.detached { await Task.yield() }.value
                return (before, loop.inEventLoop)
            }
            #expect(before && after)
        }
        #expect(EventLoopExecutor.of(EmbeddedEventLoop()) == nil)
        let other = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        #expect(EventLoopExecutor.of(other.next()) == nil)
        try await other.shutdownGracefully()
    }
}

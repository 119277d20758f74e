import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

@testable import PorticoServer

/// A live connection's requests are handled on the connection's own event loop
/// (``LoopBoundHTTP1Channel``): no hop to Swift's task pool and back for each request.
@Suite("Requests on their connection's event loop (no database)")
struct LoopBoundTests {
    /// Records, for each request, whether its middleware ran on the connection's loop.
    final class OnLoop: RouterMiddleware, Sendable {
        typealias Context = PorticoRequestContext
        let seen = Mutex<[Bool]>([])
        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            seen.withLock { $0.append(context.eventLoop.inEventLoop) }
            let response = try await next(request, context)
            seen.withLock { $0.append(context.eventLoop.inEventLoop) }
            return response
        }
    }

    @Test("before and after the handler, for a read, a refusal and an unknown path")
    func onTheLoop() async throws {
        let inspector = OnLoop()
        try await UnitApp.build(UnitApp.executor(), inspector: inspector).test(.live) { client in
            let read = try await client.execute(uri: "/api/v1/products/PRD-000001", method: .get)
            let refused = try await client.execute(uri: "/api/v1/invoices", method: .get)
            let unknown = try await client.execute(uri: "/nothing", method: .get)
            #expect(read.status == .ok && refused.status == .forbidden && unknown.status == .notFound)
        }
        #expect(inspector.seen.withLock { $0 } == Array(repeating: true, count: 6))
    }
}

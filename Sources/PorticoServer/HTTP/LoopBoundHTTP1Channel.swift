import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 channel, with each connection's task run on the connection's own NIO
/// event loop (``EventLoopExecutor``) instead of Swift's task pool: the request parts the loop
/// reads, the middleware and handler, and the response parts the loop writes then stay on one
/// thread, where otherwise each request woke a pool thread and each response woke the loop
/// again. The database's blocking calls run on the pool's own threads either way
/// (`PorticoMySQL.ConnectionThread`), so nothing that blocks runs on the loop.
struct LoopBoundHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let base: HTTP1Channel

    static func builder(_ configuration: HTTP1Channel.Configuration) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in LoopBoundHTTP1Channel(base: HTTP1Channel(responder: responder, configuration: configuration)) }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        guard let executor = EventLoopExecutor.of(value.channel.eventLoop) else {
            return await base.handle(value: value, logger: logger)
        }
        await withTaskExecutorPreference(executor) { await base.handle(value: value, logger: logger) }
    }
}

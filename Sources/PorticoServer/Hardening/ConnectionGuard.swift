import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Per-connection defences the HTTP/1.1 codec does not give:
///
/// - **Header deadline** (slowloris): from a request's first byte (or from accept), the client
///   has ``headerTimeout`` to finish sending the head; otherwise it gets `408` and the
///   connection is closed. Idle keep-alive connections are the idle timeout's business.
/// - **Malformed requests**: a request the parser rejects (conflicting `Content-Length` and
///   `Transfer-Encoding`, bad framing) gets `400`; a head over the size limit gets `431`;
///   then the connection is closed, since its framing can no longer be trusted.
///
/// Two handlers share one state: ``ConnectionGuard`` sits after the HTTP codec and sees parsed
/// request parts; on being added it puts ``RawSide`` first in the pipeline, where it sees
/// bytes, so the deadline starts with the first byte and error answers bypass the encoder.
final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    final class State {
        var awaitingHead = true
        /// When the head now awaited began (its first byte, or the accept); nil between requests.
        var headStarted: NIODeadline?
        /// At most one timer per connection. It is not cancelled when a head arrives: when it
        /// fires it looks at the head awaited then, and re-arms for that head's own deadline.
        /// Scheduling and cancelling a timer per request showed in the 401/429 profiles.
        var timer: Scheduled<Void>?
        var answered = false
    }

    let headerTimeout: TimeAmount
    let state = State()

    init(headerTimeout: TimeAmount) { self.headerTimeout = headerTimeout }

    func handlerAdded(context: ChannelHandlerContext) {
        try? context.pipeline.syncOperations.addHandler(RawSide(state: state, headerTimeout: headerTimeout), position: .first)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            state.awaitingHead = false
            state.headStarted = nil
        case .end:
            state.awaitingHead = true
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let parser = error as? HTTPParserError {
            let status = parser == .headerOverflow ? "431 Request Header Fields Too Large" : "400 Bad Request"
            RawSide.answer(context.channel, state: state, status: status)
            return
        }
        context.fireErrorCaught(error)
    }

    /// Watches raw bytes, before the HTTP decoder.
    final class RawSide: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        typealias OutboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let state: State
        let headerTimeout: TimeAmount

        init(state: State, headerTimeout: TimeAmount) {
            self.state = state
            self.headerTimeout = headerTimeout
        }

        func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive { arm(context) }
        }

        func channelActive(context: ChannelHandlerContext) {
            arm(context)
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if state.awaitingHead, state.headStarted == nil { arm(context) }
            context.fireChannelRead(data)
        }

        func channelInactive(context: ChannelHandlerContext) {
            state.timer?.cancel()
            state.timer = nil
            context.fireChannelInactive()
        }

        /// Starts the deadline of the head now awaited, scheduling the timer if none is pending.
        func arm(_ context: ChannelHandlerContext) {
            let now = NIODeadline.now()
            state.headStarted = now
            guard state.timer == nil else { return }
            schedule(context.channel, context.eventLoop, at: now + headerTimeout)
        }

        private func schedule(_ channel: any Channel, _ loop: any EventLoop, at deadline: NIODeadline) {
            // The timer fires on the channel's own event loop, the only thread that touches the
            // handler and its state; NIOLoopBound checks that instead of assuming it. The handler
            // is held weakly, so a pending timer does not keep a closed connection's handlers.
            let bound = NIOLoopBound((state: state, handler: WeakHandler(self)), eventLoop: loop)
            let timeout = headerTimeout
            state.timer = loop.scheduleTask(deadline: deadline) {
                let (state, handler) = bound.value
                state.timer = nil
                guard state.awaitingHead, let started = state.headStarted else { return }
                let due = started + timeout
                if due <= .now() {
                    RawSide.answer(channel, state: state, status: "408 Request Timeout")
                } else {
                    handler.value?.schedule(channel, loop, at: due)
                }
            }
        }

        final class WeakHandler {
            weak var value: RawSide?
            init(_ value: RawSide) { self.value = value }
        }

        /// Writes a bare error response straight to the socket and closes the connection.
        static func answer(_ channel: any Channel, state: State, status: String) {
            guard !state.answered else { return }
            state.answered = true
            let text = "HTTP/1.1 \(status)\r\nConnection: close\r\nContent-Length: 0\r\nServer: Portico\r\n\r\n"
            guard let raw = try? channel.pipeline.syncOperations.context(handlerType: RawSide.self) else {
                channel.close(promise: nil)
                return
            }
            raw.writeAndFlush(NIOAny(ByteBuffer(string: text))).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

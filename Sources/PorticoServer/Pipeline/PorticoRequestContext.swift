public import Hummingbird
import NIOCore
public import PorticoAccess
import PorticoValues
import Synchronization

/// Per-request state that travels down the middleware chain.
public struct PorticoRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller's `X-Request-Id` when well-formed, else one generated here; echoed on every response.
    public var requestID = ""
    public var principal: Principal?
    /// What an `/api` request asks for, set once right after routing (``RouteResolutionMiddleware``).
    var route: ResolvedRoute?
    /// A read path's segments, when ``ReadPathResponder`` matched it (else the router's parameters hold them).
    var readPath: ReadPath?
    /// The path the partner sent, when ``BasePathResponder`` mapped a version's own base path onto `/api/<version>`.
    var publicPath: String?
    var viaBasePath: Bool { publicPath != nil }
    /// The peer's IP address, for per-address limits and the access log; its text is made when
    /// asked, which a request with a credential the caches know never does.
    public var remoteAddress: String? { peer?.ipAddress }
    private let peer: SocketAddress?
    /// The partner connection's event loop (the gateway keeps a proxied exchange on it).
    let eventLoop: any EventLoop
    /// What the stages report for the access log and metrics.
    public let trace = RequestTrace()

    public init(source: Source) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress
        eventLoop = source.channel.eventLoop
    }
}

public import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
import PorticoAccess
public import PorticoMySQL
public import ServiceLifecycle
import Synchronization

/// Where Portico listens, and the connection-level defences (see ``ConnectionGuard``).
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// Seconds a client has to send a request's head.
    public var headerTimeout: Int = 10
    /// Seconds an idle keep-alive connection is kept.
    public var idleTimeout: Int = 60
    /// Largest request head (all header fields), bytes.
    public var maxHeaderBytes: Int = 16_384
    /// Largest request body, bytes (only the token endpoint reads one).
    public var maxBodyBytes: Int = 4096
    /// Connections served at once; more wait in the listen backlog.
    public var maxConnections: Int = 1024

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }

    var http1: HTTP1Channel.Configuration {
        let headerTimeout = TimeAmount.seconds(Int64(headerTimeout))
        return HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionGuard(headerTimeout: headerTimeout)],
            idleTimeout: .seconds(Int64(idleTimeout)),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: maxHeaderBytes, maxHeaderListSize: maxHeaderBytes, maxHeaderFieldCount: 200))
    }
}

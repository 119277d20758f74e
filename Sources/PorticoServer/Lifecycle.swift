public import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
import PorticoAccess
public import PorticoMySQL
public import ServiceLifecycle
import Synchronization

/// Shared by the listeners: whether the process is draining, its metrics, and the health of the
/// gateway's upstreams.
public final class Lifecycle: Sendable {
    private let drainingFlag = Atomic<Bool>(false)
    public let metrics: ServerMetrics?
    public let upstreams: UpstreamHealth
    /// Whether `/readyz` fails while a proxied route has no upstream target left (all ejected).
    public let readinessIncludesUpstreams: Bool

    public init(metrics: ServerMetrics? = nil, upstreams: UpstreamHealth = UpstreamHealth(), readinessIncludesUpstreams: Bool = false) {
        self.metrics = metrics
        self.upstreams = upstreams
        self.readinessIncludesUpstreams = readinessIncludesUpstreams
    }

    public var isDraining: Bool { drainingFlag.load(ordering: .relaxed) }
    public func startDraining() { drainingFlag.store(true, ordering: .relaxed) }
}

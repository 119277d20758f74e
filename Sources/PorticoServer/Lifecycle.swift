public import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
import PorticoAccess
public import PorticoMySQL
public import ServiceLifecycle
import Synchronization

/// Shared by the listeners: whether the process is draining, and its metrics.
public final class Lifecycle: Sendable {
    private let drainingFlag = Atomic<Bool>(false)
    public let metrics: ServerMetrics?

    public init(metrics: ServerMetrics? = nil) { self.metrics = metrics }

    public var isDraining: Bool { drainingFlag.load(ordering: .relaxed) }
    public func startDraining() { drainingFlag.store(true, ordering: .relaxed) }
}

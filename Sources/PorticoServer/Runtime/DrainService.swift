import Foundation
import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
public import PorticoAccess
import PorticoCatalog
import PorticoMySQL
import PorticoQuery
import PorticoQuota
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Flips readiness to failing as soon as shutdown starts (it is the last service, so the
/// first to be told), keeps the listeners serving for `delay` (`server.drain_delay`) so a
/// balancer that polls `/readyz` takes the instance out first, then lets them drain.
struct DrainService: Service {
    let lifecycle: Lifecycle
    var delay: Duration = .zero
    let logger: Logger

    func run() async throws {
        try await gracefulShutdown()
        lifecycle.startDraining()
        if delay > .zero {
            logger.notice("draining: readiness fails; still serving for \(delay) before the listeners stop accepting")
            // The group's own cancellation (shutdown taking too long) ends the wait.
            try? await Task.sleep(for: delay)
        }
        logger.notice("draining: listeners stop accepting; requests in flight may finish")
    }
}

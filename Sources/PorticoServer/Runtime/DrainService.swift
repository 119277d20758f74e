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
/// first to be told), then lets the listeners drain.
struct DrainService: Service {
    let lifecycle: Lifecycle
    let logger: Logger

    func run() async throws {
        try await gracefulShutdown()
        lifecycle.startDraining()
        logger.notice("draining: readiness fails; requests in flight may finish")
    }
}

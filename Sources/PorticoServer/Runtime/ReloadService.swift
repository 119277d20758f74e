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

/// Reloads on SIGHUP.
struct ReloadService: Service {
    let runtime: PorticoRuntime

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            runtime.reload()
        }
    }
}

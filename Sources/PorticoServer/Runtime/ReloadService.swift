import Foundation
import Hummingbird
public import Logging
public import PorticoAccess
import PorticoCatalog
import PorticoMySQL
import PorticoQuery
import PorticoQuota
import ServiceLifecycle
import Synchronization
import UnixSignals
import NIOCore
import HummingbirdCore

/// Reloads on SIGHUP.
struct ReloadService: Service {
    let runtime: PorticoRuntime

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            runtime.reload()
        }
    }
}

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

extension ApplicationProtocol {
    /// Wraps the application so `report` learns the port it bound.
    func onRunning(_ report: @escaping @Sendable (Int) -> Void) -> PortReportingApplication<Self> {
        PortReportingApplication(base: self, report: report)
    }
}

struct PortReportingApplication<Base: ApplicationProtocol>: ApplicationProtocol {
    let base: Base
    let report: @Sendable (Int) -> Void
    var responder: Base.Responder { get async throws { try await base.responder } }
    var server: HTTPServerBuilder { base.server }
    var configuration: ApplicationConfiguration { base.configuration }
    var logger: Logger { base.logger }
    var services: [any Service] { base.services }
    var processesRunBeforeServerStart: [@Sendable () async throws -> Void] { base.processesRunBeforeServerStart }
    func onServerRunning(_ channel: any Channel) async {
        if let port = channel.localAddress?.port { report(port) }
        await base.onServerRunning(channel)
    }
}

import Foundation
import Hummingbird
import Logging
import PorticoAccess
import PorticoQuery
import PorticoServer
import PorticoValues

/// The application as `portico serve` builds it, on the demo mappings and an in-memory executor.
enum UnitApp {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static let catalogs: CatalogSet = {
        guard case .success(let set) = CatalogSet.load(directory: "\(repositoryRoot)/mappings") else {
            fatalError("the demo mappings do not compile; CatalogTests says why")
        }
        return set
    }()

    static let cursors = CursorCodec(secret: Array("unit-test-cursor-secret-0123456789abcdef".utf8))

    static var quietLogger: Logger {
        var logger = Logger(label: "portico.unit-tests")
        logger.logLevel = .critical
        return logger
    }

    /// A partner of account 1 holding every demo scope but `invoices:read`.
    static let partner = Principal(
        partner: "acme", credentialID: nil, scopes: ["customers:read", "products:read", "orders:read"],
        tenants: [.uint(1)], plan: nil)

    /// Three products of account 1 and one of account 2, in Tradeflow's column names.
    static let products: InMemoryExecutor.Table = (1...4).map { n in
        [
            "prod_id": .uint(UInt64(n)), "acct_id": .uint(n == 4 ? 2 : 1), "sku": .string("SKU-\(n)"), "title": .string("Product \(n)"),
            "descr": n == 2 ? .null : .string("A product"), "price_cents": .int(Int64(1000 + n)), "currency": .string("EUR"),
            "active": .string(n == 3 ? "N" : "Y"), "attrs": .string(#"{"colour":"red"}"#), "weight_g": .null,
            "updated": .datetime(MySQLDateTime(year: 2026, month: 11, day: n, hour: 9)),
        ]
    }

    static func executor() -> InMemoryExecutor { InMemoryExecutor(["products": products]) }

    static func build(
        _ executor: InMemoryExecutor, principal: Principal? = partner, authenticator: Authenticator? = nil, limits: Limits? = nil,
        catalogs: CatalogSet = UnitApp.catalogs, lifecycle: Lifecycle = Lifecycle(),
        inspector: (any MiddlewareProtocol<Request, Response, PorticoRequestContext>)? = nil
    ) -> some ApplicationProtocol {
        let read = ReadSettings(
            catalogs: catalogs, cursors: cursors, developmentPrincipal: authenticator == nil ? principal : nil, authenticator: authenticator,
            limits: limits)
        return PorticoApplication.build(
            settings: .init(port: 0), read: read, executor: executor, logger: quietLogger, lifecycle: lifecycle,
            inspector: inspector)
    }
}

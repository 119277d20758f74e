import Hummingbird
import Logging
import PorticoAccess
import PorticoMySQL
import PorticoQuery
import PorticoServer
import PorticoTestSupport

/// The application as `portico serve` builds it, on the demo mappings and a given pool.
enum TestApp {
    static let catalogs: CatalogSet = {
        guard case .success(let set) = CatalogSet.load(directory: "\(TestDatabase.repositoryRoot)/mappings") else {
            fatalError("the demo mappings do not compile; CatalogTests says why")
        }
        return set
    }()

    static let cursors = CursorCodec(secret: Array("test-cursor-secret-0123456789abcdef".utf8))

    static var quietLogger: Logger {
        var logger = Logger(label: "portico.tests")
        logger.logLevel = .critical
        return logger
    }

    static func build(pool: MySQLConnectionPool, principal: Principal? = nil) -> some ApplicationProtocol {
        let read = ReadSettings(catalogs: catalogs, cursors: cursors, developmentPrincipal: principal)
        return PorticoApplication.build(settings: .init(port: 0), read: read, pool: pool, logger: quietLogger)
    }
}

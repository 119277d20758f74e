import ArgumentParser
import Foundation
import Hummingbird
import Logging
import PorticoMySQL
import PorticoServer

/// `portico serve`: runs the HTTP server until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the partner API.",
        discussion: """
            The product database is read from PORTICO_PRODUCT_DB_SOCKET (or _HOST and _PORT), _USER,
            _PASSWORD or _PASSWORD_FILE, and _DATABASE. `eval "$(scripts/db env)"` sets them for the
            private demo server.
            """
    )

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port: Int = 8080

    @Option(help: "Most database connections to open (default: 2 per core, at least 4).")
    var maxConnections: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1-65535, got \(port)") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        var logger = Logger(label: "portico")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let productDB = try ProductDatabase.configuration()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let pool = MySQLConnectionPool(
            configuration: productDB,
            options: .init(maxConnections: maxConnections ?? max(4, 2 * cores)),
            logger: logger
        )
        logger.info("starting", metadata: ["listen": "\(host):\(port)", "database": "\(productDB)"])
        let app = PorticoApplication.build(settings: .init(host: host, port: port), pool: pool, logger: logger)
        try await app.runService()
    }
}

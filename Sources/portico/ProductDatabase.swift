import ArgumentParser
import Foundation
import Logging
import PorticoMySQL

/// The product database as every command reaches it: `PORTICO_PRODUCT_DB_*` from the
/// environment, read-only session.
enum ProductDatabase {
    static func configuration() throws -> MySQLConfiguration {
        do {
            var config = try MySQLConfiguration.fromEnvironment(prefix: "PORTICO_PRODUCT_DB")
            config.readOnly = true
            return config
        } catch {
            // Not a usage mistake: the environment is incomplete, so the command could not run.
            FileHandle.standardError.write(Data("error: product database: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// A small pool for a command that runs a few statements and exits.
    static func withPool<R: Sendable>(_ body: (MySQLConnectionPool) async throws -> R) async throws -> R {
        var logger = Logger(label: "portico")
        logger.logLevel = .error
        let pool = MySQLConnectionPool(configuration: try configuration(), options: .init(maxConnections: 1), logger: logger)
        do {
            let result = try await body(pool)
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }
}

import ArgumentParser
import Foundation
import Logging
import PorticoMySQL
import PorticoServer

/// A database as every command reaches it, from `<PREFIX>_*` in the environment.
struct CommandDatabase: Sendable {
    let prefix: String
    let readOnly: Bool

    /// The product's schema, read with a read-only session.
    static let product = CommandDatabase(prefix: "PORTICO_PRODUCT_DB", readOnly: true)
    /// Portico's own schema (partners, keys, grants).
    static let state = CommandDatabase(prefix: "PORTICO_STATE_DB", readOnly: false)

    var isConfigured: Bool { (try? environment())?["\(prefix)_USER"] != nil }

    var section: String { prefix == "PORTICO_STATE_DB" ? "state_db" : "product_db" }

    /// `PREFIX_*` from the environment, on top of `portico.yaml` when PORTICO_CONFIG names one.
    func environment() throws -> [String: String] {
        let process = ProcessInfo.processInfo.environment
        guard let file = process["PORTICO_CONFIG"] else { return process }
        switch ConfigLoader.load(file: file) {
        case .success(let config): return process.merging(config.databaseEnvironment(section, prefix: prefix)) { _, fromConfig in fromConfig }
        case .failure(let error):
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    func configuration() throws -> MySQLConfiguration {
        let environment = try environment()
        do {
            var config = try MySQLConfiguration.fromEnvironment(prefix: prefix, environment)
            config.readOnly = readOnly
            return config
        } catch {
            // Not a usage mistake: the environment is incomplete, so the command could not run.
            FileHandle.standardError.write(
                Data("error: \(prefix == "PORTICO_STATE_DB" ? "Portico's state database" : "product database"): \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    /// A small pool for a command that runs a few statements and exits.
    func withPool<R: Sendable>(_ body: (MySQLConnectionPool) async throws -> R) async throws -> R {
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

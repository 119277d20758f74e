import ArgumentParser
import Foundation
import Logging
import PorticoAccess
import PorticoMySQL
import PorticoServer

/// `portico serve`: runs the public and admin listeners until SIGTERM or SIGINT; SIGHUP reloads.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the partner API.",
        discussion: """
            Settings come from --config (or PORTICO_CONFIG), then PORTICO_* environment variables, then \
            the flags below; see deploy/README.md for every key. `eval "$(scripts/db env)"` sets the \
            database variables for the private demo server.
            """
    )

    @OptionGroup var config: ConfigOptions

    @Option(help: "Address to listen on (listen.host).") var host: String?
    @Option(help: "Port to listen on (listen.port).") var port: Int?
    @Option(help: "Admin listener port (admin.port).") var adminPort: Int?
    @Option(help: "Most product database connections (product_db.max_connections).") var maxConnections: Int?
    @Option(help: "Log level (logging.level).") var logLevel: String?
    @Option(help: "Log format, json or text (logging.format).") var logFormat: String?
    @Option(help: "The mappings directory (mappings).") var mappings: String?
    @Option(help: "Development only (PORTICO_ENV=development): serve every request as this partner.") var devPartner: String?
    @Option(help: "Development only: the tenant ids the development partner may see, comma-separated.") var devTenants: String?
    @Option(help: "limits.rate_limit") var rateLimit: Int?
    @Option(help: "limits.rate_window") var rateWindow: Int?
    @Option(help: "limits.rate_burst") var rateBurst: Int?
    @Option(help: "limits.max_in_flight") var maxInFlight: Int?
    @Option(help: "limits.export_cost") var exportCost: Int?
    @Option(help: "limits.anonymous_limit") var anonymousLimit: Int?
    @Option(help: "limits.daily_quota") var dailyQuota: Int?
    @Option(help: "limits.monthly_quota") var monthlyQuota: Int?
    @Option(help: "limits.quota_flush_interval") var quotaFlushInterval: Int?
    @Option(help: "A proxy whose X-Forwarded-For is trusted, repeatable (limits.trusted_proxies).") var trustedProxy: [String] = []
    @Option(help: "tenants_from: 'grants' or 'table:TABLE:PARTNER_COLUMN:TENANT_COLUMN'.") var tenantsFrom: String?
    @Option(help: "oauth.issuer: Portico's public base URL.") var oauthIssuer: String?
    @Option(help: "oauth.token_lifetime") var tokenLifetime: Int?
    @Option(help: "oauth.token_leeway") var tokenLeeway: Int?
    @Option(help: "oauth.token_request_limit") var tokenRequestLimit: Int?
    @Option(help: "oauth.issuers_file: trusted external token issuers (docs/oauth.md).") var issuers: String?

    var flags: [String: (String, String)] {
        var flags: [String: (String, String)] = [:]
        let pairs: [(String, String, String?)] = [
            ("listen.host", "--host", host), ("listen.port", "--port", port.map(String.init)),
            ("admin.port", "--admin-port", adminPort.map(String.init)),
            ("product_db.max_connections", "--max-connections", maxConnections.map(String.init)), ("logging.level", "--log-level", logLevel),
            ("logging.format", "--log-format", logFormat), ("mappings", "--mappings", mappings),
            ("limits.rate_limit", "--rate-limit", rateLimit.map(String.init)), ("limits.rate_window", "--rate-window", rateWindow.map(String.init)),
            ("limits.rate_burst", "--rate-burst", rateBurst.map(String.init)),
            ("limits.max_in_flight", "--max-in-flight", maxInFlight.map(String.init)),
            ("limits.export_cost", "--export-cost", exportCost.map(String.init)),
            ("limits.anonymous_limit", "--anonymous-limit", anonymousLimit.map(String.init)),
            ("limits.daily_quota", "--daily-quota", dailyQuota.map(String.init)),
            ("limits.monthly_quota", "--monthly-quota", monthlyQuota.map(String.init)),
            ("limits.quota_flush_interval", "--quota-flush-interval", quotaFlushInterval.map(String.init)),
            ("limits.trusted_proxies", "--trusted-proxy", trustedProxy.isEmpty ? nil : trustedProxy.joined(separator: ",")),
            ("tenants_from", "--tenants-from", tenantsFrom), ("oauth.issuer", "--oauth-issuer", oauthIssuer),
            ("oauth.token_lifetime", "--token-lifetime", tokenLifetime.map(String.init)),
            ("oauth.token_leeway", "--token-leeway", tokenLeeway.map(String.init)),
            ("oauth.token_request_limit", "--token-request-limit", tokenRequestLimit.map(String.init)), ("oauth.issuers_file", "--issuers", issuers),
        ]
        for (path, flag, value) in pairs { if let value { flags[path] = (flag, value) } }
        return flags
    }

    func validate() throws {
        if devPartner != nil || devTenants != nil {
            guard ProcessInfo.processInfo.environment["PORTICO_ENV"] == "development" else {
                throw ValidationError(
                    "--dev-partner and --dev-tenants serve data without credentials; they are refused unless PORTICO_ENV=development")
            }
            guard devPartner != nil, let devTenants, !devTenants.isEmpty,
                devTenants.split(separator: ",").allSatisfy({ UInt64($0) != nil })
            else {
                throw ValidationError("--dev-partner NAME and --dev-tenants 1,2,3 go together (tenant ids are integers)")
            }
        }
    }

    func run() async throws {
        let flags = self.flags
        let file = config.file
        let effective = try config.load(flags: flags)
        let (logger, accessLogger) = LogSetup.bootstrap(effective)
        var principal: Principal?
        if let devPartner, let devTenants {
            principal = Principal(partner: devPartner, tenants: devTenants.split(separator: ",").compactMap { UInt64($0) }.map { .uint($0) })
            logger.warning(
                "development principal: every request reads as this partner", metadata: ["partner": "\(devPartner)", "tenants": "\(devTenants)"])
        }
        let runtime: PorticoRuntime
        do {
            runtime = try PorticoRuntime(config: effective, developmentPrincipal: principal, logger: logger, accessLogger: accessLogger) {
                ConfigLoader.load(file: file, flags: flags)
            }
        } catch let error as StartupError {
            logger.critical("cannot start", metadata: ["reason": "\(error.description.split(separator: "\n").first ?? "")"])
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        try await runtime.run()
    }
}

/// How commands log: JSON lines (the default, for log shippers) or text, per `logging.*`.
enum LogSetup {
    static func bootstrap(_ config: EffectiveConfig) -> (Logger, Logger) {
        let json = config.string("logging.format") != "text"
        let level = Logger.Level(rawValue: config.text("logging.level")) ?? .info
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardOutput(label: label)
            handler.logLevel = level
            return handler
        }
        return (Logger(label: "portico"), Logger(label: "portico.access"))
    }
}

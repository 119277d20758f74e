import ArgumentParser
import Foundation
import Hummingbird
import ServiceLifecycle
import Logging
import PorticoAccess
import PorticoMySQL
import PorticoQuery
import PorticoQuota
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

    @Option(help: "The mappings directory (v1/, v2/, …). A catalog with errors is never served.")
    var mappings: String = "mappings"

    @Option(help: "Development only (PORTICO_ENV=development): serve every request as this partner.")
    var devPartner: String?

    @Option(help: "Development only: the tenant (account) ids the development partner may see, comma-separated.")
    var devTenants: String?

    @Option(help: "Requests each partner may make per --rate-window seconds (GCRA).")
    var rateLimit: Int = 600

    @Option(help: "The window of --rate-limit, in seconds.")
    var rateWindow: Int = 60

    @Option(help: "The burst a partner may send at once.")
    var rateBurst: Int = 100

    @Option(help: "Requests one partner may have in flight at once.")
    var maxInFlight: Int = 16

    @Option(help: "What an export (NDJSON, or CSV without a limit) costs, in requests.")
    var exportCost: Int = 10

    @Option(help: "Requests without a valid credential per client address, per minute (bursts of a third).")
    var anonymousLimit: Int = 60

    @Option(help: "Requests each partner may make per UTC day, shared by all instances (needs Portico's schema).")
    var dailyQuota: Int?

    @Option(help: "Requests each partner may make per UTC month, shared by all instances.")
    var monthlyQuota: Int?

    @Option(help: "Seconds between flushes of quota counts to Portico's schema (the overshoot bound scales with it).")
    var quotaFlushInterval: Int = 1

    @Option(help: "A proxy whose X-Forwarded-For is trusted (repeatable).")
    var trustedProxy: [String] = []

    @Option(help: "Where partners' tenants come from: 'grants' (portico grant) or 'table:TABLE:PARTNER_COLUMN:TENANT_COLUMN' in the product schema.")
    var tenantsFrom: String = "grants"

    @Option(help: "Portico's public base URL: the iss of the access tokens it issues (default http://HOST:PORT).")
    var oauthIssuer: String?

    @Option(help: "Access-token lifetime in seconds.")
    var tokenLifetime: Int = 900

    @Option(help: "Clock skew accepted on token times, in seconds (at most 60).")
    var tokenLeeway: Int = 30

    @Option(help: "Token requests per OAuth client per minute (bursts of a sixth).")
    var tokenRequestLimit: Int = 60

    @Option(help: "A YAML file of trusted external token issuers (see deploy/README.md).")
    var issuers: String?

    func validate() throws {
        guard (60...86_400).contains(tokenLifetime) else { throw ValidationError("--token-lifetime must be 60 to 86400 seconds") }
        guard (0...60).contains(tokenLeeway) else { throw ValidationError("--token-leeway must be 0 to 60 seconds") }
        guard tokenRequestLimit >= 1 else { throw ValidationError("--token-request-limit must be at least 1") }
        if let oauthIssuer, !(oauthIssuer.hasPrefix("https://") || oauthIssuer.hasPrefix("http://")) || oauthIssuer.contains("?") || oauthIssuer.contains("#") {
            throw ValidationError("--oauth-issuer must be an http(s) URL without query or fragment")
        }
        for (name, value) in [("--rate-limit", rateLimit), ("--rate-window", rateWindow), ("--rate-burst", rateBurst),
                              ("--max-in-flight", maxInFlight), ("--export-cost", exportCost), ("--anonymous-limit", anonymousLimit)] where value < 1 {
            throw ValidationError("\(name) must be at least 1")
        }
        guard TenantSource(tenantsFrom) != nil else {
            throw ValidationError("--tenants-from must be 'grants' or 'table:TABLE:PARTNER_COLUMN:TENANT_COLUMN'")
        }
        if devPartner != nil || devTenants != nil {
            guard ProcessInfo.processInfo.environment["PORTICO_ENV"] == "development" else {
                throw ValidationError("--dev-partner and --dev-tenants serve data without credentials; they are refused unless PORTICO_ENV=development")
            }
            guard devPartner != nil, let devTenants, !devTenants.isEmpty,
                  devTenants.split(separator: ",").allSatisfy({ UInt64($0) != nil }) else {
                throw ValidationError("--dev-partner NAME and --dev-tenants 1,2,3 go together (tenant ids are integers)")
            }
        }
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1-65535, got \(port)") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        var logger = Logger(label: "portico")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let external: [ExternalIssuer]
        do {
            external = try issuers.map(IssuerFile.load) ?? []
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
        let productDB = try CommandDatabase.product.configuration()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let pool = MySQLConnectionPool(
            configuration: productDB,
            options: .init(maxConnections: maxConnections ?? max(4, 2 * cores)),
            logger: logger
        )
        let catalogs: CatalogSet
        switch CatalogSet.load(directory: mappings) {
        case .success(let loaded): catalogs = loaded
        case .failure(let error):
            logger.critical("the mappings do not validate; refusing to serve them", metadata: ["mappings": "\(mappings)"])
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
        var principal: Principal?
        if let devPartner, let devTenants {
            principal = Principal(partner: devPartner, tenants: devTenants.split(separator: ",").compactMap { UInt64($0) }.map { .uint($0) })
            logger.warning("development principal: every request reads as this partner", metadata: ["partner": "\(devPartner)", "tenants": "\(devTenants)"])
        }
        var authenticator: Authenticator?
        var services: [any Service] = []
        var quotas: QuotaStore?
        if CommandDatabase.state.isConfigured {
            let statePool = MySQLConnectionPool(configuration: try CommandDatabase.state.configuration(),
                                                options: .init(maxConnections: 4), logger: logger)
            services.append(statePool)
            let tokenSettings = TokenSettings(issuer: oauthIssuer ?? "http://\(host):\(port)", lifetime: tokenLifetime, leeway: tokenLeeway)
            if oauthIssuer == nil { logger.notice("no --oauth-issuer: tokens are issued for \(tokenSettings.issuer); set Portico's public URL") }
            authenticator = Authenticator(statePool: statePool, productPool: pool, tenantSource: TenantSource(tenantsFrom)!, logger: logger,
                                          tokenIssuer: TokenIssuer(settings: tokenSettings, pool: statePool, logger: logger),
                                          externalIssuers: external)
            // Always there with Portico's schema: partners' plans may carry quotas even when the defaults do not.
            let defaults = (dailyQuota.map { [QuotaStore.Quota.daily($0)] } ?? []) + (monthlyQuota.map { [QuotaStore.Quota.monthly($0)] } ?? [])
            let store = QuotaStore(quotas: defaults, pool: statePool, flushInterval: .seconds(max(1, quotaFlushInterval)), logger: logger)
            services.append(store)
            quotas = store
        } else if dailyQuota != nil || monthlyQuota != nil {
            throw ValidationError("quotas are shared through Portico's schema: set PORTICO_STATE_DB_* and run portico migrate")
        } else if principal == nil {
            logger.critical("no PORTICO_STATE_DB_* settings: API keys cannot be checked (run portico migrate against Portico's schema)")
            throw ExitCode(1)
        }
        let limits = Limits(settings: LimitSettings(
            partner: RatePolicy(name: "default", limit: rateLimit, window: rateWindow, burst: rateBurst), maxInFlight: maxInFlight,
            anonymous: RatePolicy(name: "anonymous", limit: anonymousLimit, window: 60, burst: max(1, anonymousLimit / 3)),
            exportCost: exportCost, trustedProxies: Set(trustedProxy),
            tokenRequests: RatePolicy(name: "token", limit: tokenRequestLimit, window: 60, burst: max(1, tokenRequestLimit / 6))
        ), quotas: quotas)
        let read = ReadSettings(catalogs: catalogs, cursors: try cursorCodec(logger), developmentPrincipal: principal,
                                authenticator: authenticator, limits: limits)
        logger.info("starting", metadata: ["listen": "\(host):\(port)", "database": "\(productDB)", "versions": "\(catalogs.versions.joined(separator: ","))"])
        let app = PorticoApplication.build(settings: .init(host: host, port: port), read: read, pool: pool, services: services, logger: logger)
        try await app.runService()
    }

    /// The cursor-signing key: `PORTICO_CURSOR_SECRET_FILE` or `PORTICO_CURSOR_SECRET` (at least
    /// 32 bytes; the same on every instance), else a random key for this process alone.
    func cursorCodec(_ logger: Logger) throws -> CursorCodec {
        let environment = ProcessInfo.processInfo.environment
        var secret: String?
        if let file = environment["PORTICO_CURSOR_SECRET_FILE"] {
            secret = try Secret.fromFile(file).value
        } else if let text = environment["PORTICO_CURSOR_SECRET"] {
            secret = text
        }
        guard let secret else {
            logger.notice("no PORTICO_CURSOR_SECRET: cursors are signed with a random key and do not survive a restart")
            return CursorCodec.random()
        }
        guard secret.utf8.count >= 32 else { throw ValidationError("the cursor secret must be at least 32 bytes") }
        return CursorCodec(secret: Array(secret.utf8))
    }
}

import Crypto
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
import PorticoValues
import ServiceLifecycle
import Synchronization
import UnixSignals

/// A failure to start that an operator must fix: printed as it is, exit status 1.
public struct StartupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Everything `portico serve` runs, built from the effective configuration: pools, credential
/// checks, limits, the catalogs, the public and admin listeners, reload and drain.
public final class PorticoRuntime: Sendable {
    public let config: EffectiveConfig
    public let catalogStore: CatalogStore
    public let lifecycle: Lifecycle
    public let metrics: ServerMetrics
    let logger: Logger
    let accessLogger: Logger
    let reloadConfig: @Sendable () -> Result<EffectiveConfig, ConfigError>
    let productPool: MySQLConnectionPool
    let statePool: MySQLConnectionPool?
    let quotas: QuotaStore?
    /// This instance's heartbeat (with a state schema): the fleet's size, for rates shared by
    /// it (`limits.fleet_rates: shared`), and the settings every instance must share.
    let fleet: FleetMembership?
    let read: ReadSettings
    private let ports = Mutex<[String: Int]>([:])
    /// Where each listener (`public`, `admin`) actually bound (port 0 picks one), once running.
    public var boundPorts: [String: Int] { ports.withLock { $0 } }
    func bound(_ listener: String, _ port: Int) { ports.withLock { $0[listener] = port } }

    public static let version = "0.5.0"

    /// - Parameter reloadConfig: reads the configuration again (file, environment, flags) on reload.
    public init(
        config: EffectiveConfig, developmentPrincipal: Principal?, logger: Logger, accessLogger: Logger? = nil,
        reloadConfig: @escaping @Sendable () -> Result<EffectiveConfig, ConfigError>
    ) throws {
        self.config = config
        self.logger = logger
        self.accessLogger = accessLogger ?? logger
        self.reloadConfig = reloadConfig
        let catalogs: CatalogSet
        switch CatalogSet.load(directory: config.text("mappings")) {
        case .success(let loaded): catalogs = loaded
        case .failure(let error): throw StartupError("the mappings do not validate; refusing to serve them:\n\(error)")
        }
        let external =
            try config.string("oauth.issuers_file").map { file -> [ExternalIssuer] in
                do { return try IssuerFile.load(file) } catch { throw StartupError("\(error)") }
            } ?? []
        var productDB = try Self.database(config, section: "product_db", prefix: "PORTICO_PRODUCT_DB")
        productDB.readOnly = true
        let cores = ProcessInfo.processInfo.activeProcessorCount
        productPool = MySQLConnectionPool(
            configuration: productDB,
            options: .init(maxConnections: config.int("product_db.max_connections") ?? max(4, 2 * cores)), logger: logger)
        var authenticator: Authenticator?
        if config.string("state_db.user") != nil {
            let pool = MySQLConnectionPool(
                configuration: try Self.database(config, section: "state_db", prefix: "PORTICO_STATE_DB"),
                options: .init(maxConnections: config.number("state_db.max_connections")), logger: logger)
            statePool = pool
            let listen = "http://\(config.text("listen.host")):\(config.number("listen.port"))"
            let tokens = TokenSettings(
                issuer: config.string("oauth.issuer") ?? listen, lifetime: config.number("oauth.token_lifetime"),
                leeway: config.number("oauth.token_leeway"))
            if config.string("oauth.issuer") == nil {
                logger.notice("no oauth.issuer: tokens are issued for \(tokens.issuer); set Portico's public URL")
            }
            let store = MySQLAccessStore(statePool: pool, productPool: productPool, tenantSource: TenantSource(config.text("tenants_from"))!)
            authenticator = Authenticator(
                store: store, logger: logger, tokenIssuer: TokenIssuer(settings: tokens, store: store, logger: logger), externalIssuers: external)
            let defaults =
                (config.int("limits.daily_quota").map { [QuotaStore.Quota.daily($0)] } ?? [])
                + (config.int("limits.monthly_quota").map { [QuotaStore.Quota.monthly($0)] } ?? [])
            quotas = QuotaStore(
                quotas: defaults, counters: MySQLQuotaCounters(pool), flushInterval: .seconds(config.number("limits.quota_flush_interval")),
                logger: logger)
            // Every instance on a state schema beats, so differing settings are noticed; only
            // `shared` ones divide their rates by the count.
            fleet = FleetMembership(
                registry: MySQLFleetRegistry(pool), share: RateShare(), interval: .seconds(config.number("limits.fleet_heartbeat")),
                host: "\(ProcessInfo.processInfo.hostName):\(config.number("listen.port"))", settings: try Self.fleetSettings(config), logger: logger)
        } else if developmentPrincipal != nil {
            statePool = nil
            quotas = nil
            fleet = nil
            if config.int("limits.daily_quota") != nil || config.int("limits.monthly_quota") != nil {
                throw StartupError("quotas are shared through Portico's schema: configure state_db and run portico migrate")
            }
        } else {
            throw StartupError(
                "state_db is not configured, so credentials cannot be checked: set state_db (or PORTICO_STATE_DB_*) and run portico migrate")
        }
        let limits = Limits(
            settings: LimitSettings(config), quotas: quotas, share: config.text("limits.fleet_rates") == "shared" ? fleet?.share : nil)
        read = ReadSettings(
            catalogs: catalogs, cursors: try Self.cursorCodec(config, logger), developmentPrincipal: developmentPrincipal,
            authenticator: authenticator, limits: limits)
        catalogStore = read.catalogStore
        metrics = ServerMetrics(
            version: Self.version, pools: [("product", productPool)] + (statePool.map { [("state", $0)] } ?? []), quotas: quotas, fleet: fleet,
            authenticator: authenticator)
        lifecycle = Lifecycle(
            metrics: metrics,
            upstreams: UpstreamHealth(threshold: config.number("gateway.eject_after"), cooldown: .seconds(config.number("gateway.eject_seconds"))),
            readinessIncludesUpstreams: config.bool("gateway.readiness_includes_upstreams"))
    }

    static func database(_ config: EffectiveConfig, section: String, prefix: String) throws -> MySQLConfiguration {
        do {
            return try MySQLConfiguration.fromEnvironment(prefix: prefix, config.databaseEnvironment(section, prefix: prefix))
        } catch {
            throw StartupError("\(section): \(error)")
        }
    }

    /// Signs page cursors: `cursor_secret` or `cursor_secret_file` (the same on every
    /// instance), else a random key for this process alone.
    /// `cursor_secret`, or the contents of `cursor_secret_file`; nil when neither is set.
    static func cursorSecret(_ config: EffectiveConfig) throws -> String? {
        if let secret = config.string("cursor_secret") { return secret }
        guard let file = config.string("cursor_secret_file") else { return nil }
        do { return try Secret.fromFile(file).value } catch { throw StartupError("cursor_secret_file: \(error)") }
    }

    /// What this instance says about the settings every instance must share: digests of
    /// secrets, values of the rest. An unset cursor secret or issuer differs from every other
    /// instance's, which is the point: each is then this process's own.
    public static func fleetSettings(_ config: EffectiveConfig) throws -> FleetSettings {
        func digest(_ text: String) -> String { String(decoding: HexDigits.encode(SHA256.hash(data: Array(text.utf8)).prefix(12)), as: UTF8.self) }
        let own = "own-" + Base62.random(16)
        return FleetSettings([
            "cursor_secret": try cursorSecret(config).map(digest) ?? own,
            "oauth.issuer": config.string("oauth.issuer").map(digest) ?? own,
            "limits.fleet_rates": config.text("limits.fleet_rates"),
            "limits.fleet_heartbeat": String(config.number("limits.fleet_heartbeat") as Int),
        ])
    }

    static func cursorCodec(_ config: EffectiveConfig, _ logger: Logger) throws -> CursorCodec {
        let secret = try cursorSecret(config)
        guard let secret else {
            logger.notice("no cursor_secret: cursors are signed with a random key and do not survive a restart")
            return CursorCodec.random()
        }
        guard secret.utf8.count >= 32 else { throw StartupError("the cursor secret must be at least 32 bytes") }
        return CursorCodec(secret: Array(secret.utf8))
    }

    var serverSettings: ServerSettings {
        var settings = ServerSettings(host: config.text("listen.host"), port: config.number("listen.port"))
        settings.headerTimeout = config.number("server.header_timeout")
        settings.idleTimeout = config.number("server.idle_timeout")
        settings.maxHeaderBytes = config.number("server.max_header_bytes")
        settings.maxBodyBytes = config.number("server.max_body_bytes")
        settings.maxConnections = config.number("server.max_connections")
        return settings
    }

    // MARK: - Reload

    public struct ReloadOutcome: Sendable {
        public let succeeded: Bool
        public let messages: [String]
    }

    /// Re-reads the configuration and the mappings; swaps the catalogs if they validate, else
    /// keeps serving the old ones and reports why. Settings that only apply at start are named.
    @discardableResult
    public func reload() -> ReloadOutcome {
        let outcome: ReloadOutcome
        switch reloadConfig() {
        case .failure(let error):
            outcome = ReloadOutcome(succeeded: false, messages: error.diagnostics.map(\.description))
        case .success(let fresh):
            switch CatalogSet.load(directory: fresh.text("mappings")) {
            case .failure(let error):
                outcome = ReloadOutcome(succeeded: false, messages: error.diagnostics.map(\.description))
            case .success(let catalogs):
                catalogStore.replace(with: catalogs)
                let restart = ConfigSchema.keys.filter { !$0.reloadable && fresh.values[$0.path]?.text != config.values[$0.path]?.text }.map(\.path)
                outcome = ReloadOutcome(
                    succeeded: true,
                    messages: ["serving \(catalogs.versions.joined(separator: ", "))"]
                        + (restart.isEmpty ? [] : ["changed but applied only on restart: \(restart.joined(separator: ", "))"]))
            }
        }
        metrics.catalogReload(succeeded: outcome.succeeded)
        if outcome.succeeded {
            logger.notice("reloaded", metadata: ["messages": "\(outcome.messages.joined(separator: "; "))"])
        } else {
            logger.error(
                "reload refused; still serving the previous catalogs", metadata: ["diagnostics": "\(outcome.messages.joined(separator: "\n"))"])
        }
        return outcome
    }

    // MARK: - Running

    /// Runs both listeners until SIGTERM or SIGINT, then drains: readiness fails at once, the
    /// listeners serve `server.drain_delay` longer, then stop accepting, requests in flight get `server.drain_timeout` to finish, and
    /// the pools close. SIGHUP reloads.
    public func run() async throws {
        let settings = serverSettings
        let drainTimeout = config.number("server.drain_timeout")
        // The product pool is the application's own service (PorticoApplication.build adds it).
        let services: [any Service] = (statePool.map { [$0] } ?? []) + (quotas.map { [$0] } ?? []) + (fleet.map { [$0] } ?? [])
        let publicApp = PorticoApplication.build(
            settings: settings, read: read, pool: productPool, services: services, logger: logger,
            lifecycle: lifecycle, accessLogger: accessLogger
        )
        .onRunning { [self] port in bound("public", port) }
        var group: [any Service] = []
        if config.bool("admin.enabled") {
            let admin = AdminRoutes.application(host: config.text("admin.host"), port: config.number("admin.port"), runtime: self)
            group.append(admin)
        }
        group.append(publicApp)
        let drainDelay = config.number("server.drain_delay") as Int
        group.append(DrainService(lifecycle: lifecycle, delay: .seconds(drainDelay), logger: logger))
        group.append(ReloadService(runtime: self))
        logger.info(
            "starting",
            metadata: [
                "listen": "\(settings.host):\(settings.port)", "admin": "\(config.text("admin.host")):\(config.number("admin.port"))",
                "versions": "\(catalogStore.current.versions.joined(separator: ","))", "config": "\(config.file ?? "none")",
            ])
        var configuration = ServiceGroupConfiguration(
            services: group.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(drainDelay + drainTimeout)
        configuration.maximumCancellationDuration = .seconds(5)
        let serviceGroup = ServiceGroup(configuration: configuration)
        try await serviceGroup.run()
        logger.info("stopped")
    }
}

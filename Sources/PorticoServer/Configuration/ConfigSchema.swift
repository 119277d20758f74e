import Foundation

/// Every key `portico.yaml` accepts: its type, default and meaning. The same table drives
/// parsing, environment overrides, `portico config print` and the reference in deploy/README.md.
///
/// Each key `a.b_c` may be overridden by the environment variable `PORTICO_A_B_C`.
public struct ConfigKey: Sendable {
    public enum Kind: Sendable, Equatable {
        case string
        case integer(ClosedRange<Int>)
        case boolean
        case choice([String])
        case list
        /// A secret: never printed, and not accepted inline in the file unless `allow_inline_secrets`.
        case secret
    }

    public let path: String
    public let kind: Kind
    public let defaultValue: String?
    public let help: String
    /// True when a change takes effect on reload (SIGHUP); false when it needs a restart.
    public let reloadable: Bool

    public var environmentName: String { "PORTICO_" + path.replacingOccurrences(of: ".", with: "_").uppercased() }

    init(_ path: String, _ kind: Kind, _ defaultValue: String?, _ help: String, reloadable: Bool = false) {
        self.path = path
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
        self.reloadable = reloadable
    }
}

public enum ConfigSchema {
    static func database(_ name: String, _ what: String, maxConnections: String?) -> [ConfigKey] {
        [
            ConfigKey("\(name).socket", .string, nil, "\(what): unix socket path (instead of host and port)"),
            ConfigKey("\(name).host", .string, "127.0.0.1", "\(what): host"),
            ConfigKey("\(name).port", .integer(1...65535), "3306", "\(what): port"),
            ConfigKey("\(name).user", .string, nil, "\(what): user"),
            ConfigKey("\(name).password", .secret, nil, "\(what): password (environment only, unless allow_inline_secrets)"),
            ConfigKey("\(name).password_file", .string, nil, "\(what): file holding the password"),
            ConfigKey("\(name).database", .string, nil, "\(what): schema name"),
            ConfigKey("\(name).tls", .choice(["disabled", "required", "verify-ca"]), "disabled", "\(what): TLS mode"),
            ConfigKey("\(name).tls_ca", .string, nil, "\(what): CA bundle for tls: verify-ca"),
            ConfigKey(
                "\(name).max_connections", .integer(1...1024), maxConnections,
                "\(what): pool size" + (maxConnections == nil ? " (default: 2 per core, at least 4)" : "")),
        ]
    }

    public static let keys: [ConfigKey] =
        [
            ConfigKey("listen.host", .string, "127.0.0.1", "public listener address"),
            ConfigKey("listen.port", .integer(0...65535), "8080", "public listener port (0: any free port)"),
            ConfigKey("admin.enabled", .boolean, "true", "run the admin listener (metrics, health, reload)"),
            ConfigKey("admin.host", .string, "127.0.0.1", "admin listener address; keep it private"),
            ConfigKey("admin.port", .integer(0...65535), "9090", "admin listener port (0: any free port)"),
        ] + database("product_db", "the product database (read-only user)", maxConnections: nil)
        + database("state_db", "Portico's own schema", maxConnections: "4") + [
            ConfigKey("mappings", .string, "mappings", "the mappings directory (v1/, v2/, …)", reloadable: true),
            ConfigKey("lock", .string, "openapi", "the committed OpenAPI lock directory"),
            ConfigKey(
                "tenants_from", .string, "grants",
                "where partners' tenants come from: grants, or table:TABLE:PARTNER_COLUMN:TENANT_COLUMN (partner codes must equal PARTNER_COLUMN's values under its collation; changes apply within 30 s)"
            ),
            ConfigKey("cursor_secret", .secret, nil, "signs page cursors; the same on every instance, at least 32 bytes"),
            ConfigKey("cursor_secret_file", .string, nil, "file holding cursor_secret"),
            ConfigKey("oauth.issuer", .string, nil, "Portico's public base URL: the iss of the tokens it issues (default http://HOST:PORT)"),
            ConfigKey("oauth.token_lifetime", .integer(60...86_400), "900", "access-token lifetime, seconds"),
            ConfigKey("oauth.token_leeway", .integer(0...60), "30", "clock skew accepted on token times, seconds"),
            ConfigKey("oauth.token_request_limit", .integer(1...1_000_000), "60", "token requests per client per minute"),
            ConfigKey("oauth.issuers_file", .string, nil, "YAML file of trusted external issuers (docs/oauth.md)"),
            ConfigKey("limits.rate_limit", .integer(1...100_000_000), "600", "requests per partner per rate_window (GCRA)"),
            ConfigKey("limits.rate_window", .integer(1...86_400), "60", "the window of rate_limit, seconds"),
            ConfigKey("limits.rate_burst", .integer(1...100_000_000), "100", "the burst a partner may send at once"),
            ConfigKey("limits.max_in_flight", .integer(1...100_000), "16", "requests one partner may have in flight"),
            ConfigKey("limits.export_cost", .integer(1...100_000), "10", "what an export costs, in requests"),
            ConfigKey("limits.anonymous_limit", .integer(1...100_000_000), "60", "requests without a valid credential per address per minute"),
            ConfigKey("limits.daily_quota", .integer(1...Int(Int32.max)), nil, "requests per partner per UTC day, shared by all instances"),
            ConfigKey("limits.monthly_quota", .integer(1...Int(Int32.max)), nil, "requests per partner per UTC month, shared by all instances"),
            ConfigKey("limits.quota_flush_interval", .integer(1...3600), "1", "seconds between quota flushes to Portico's schema"),
            ConfigKey("limits.trusted_proxies", .list, "", "proxies whose X-Forwarded-For is believed"),
            ConfigKey(
                "limits.fleet_rates", .choice(["shared", "local"]), "shared",
                "shared: the instances on one state schema divide every rate (deploy/README.md); local: each instance enforces it whole"),
            ConfigKey("limits.fleet_heartbeat", .integer(1...60), "2", "seconds between an instance's fleet heartbeats (limits.fleet_rates: shared)"),
            ConfigKey(
                "logging.level", .choice(["trace", "debug", "info", "notice", "warning", "error", "critical"]), "info", "log level", reloadable: true),
            ConfigKey("logging.format", .choice(["json", "text"]), "json", "json: one JSON object per line; text: for people"),
            ConfigKey("server.header_timeout", .integer(1...300), "10", "seconds a client has to send a request's headers (slowloris)"),
            ConfigKey("server.idle_timeout", .integer(1...3600), "60", "seconds an idle keep-alive connection is kept"),
            ConfigKey("server.max_header_bytes", .integer(1024...81_920), "16384", "largest request head (all header fields)"),
            ConfigKey("server.max_body_bytes", .integer(0...1_048_576), "4096", "largest request body (only the token endpoint reads one)"),
            ConfigKey("server.max_connections", .integer(1...1_000_000), "1024", "connections served at once; more wait in the backlog"),
            ConfigKey(
                "server.drain_delay", .integer(0...300), "0",
                "seconds /readyz fails before the listeners stop accepting on shutdown, for balancers that poll readiness"),
            ConfigKey("server.drain_timeout", .integer(0...3600), "30", "seconds in-flight requests get to finish on shutdown"),
            ConfigKey("gateway.eject_after", .integer(1...100), "3", "consecutive failures that eject a proxied route's upstream target"),
            ConfigKey("gateway.eject_seconds", .integer(1...3600), "30", "how long an ejected upstream target is passed over (doubling on repeats)"),
            ConfigKey(
                "gateway.readiness_includes_upstreams", .boolean, "false", "readiness fails while a proxied route has every upstream target ejected"),
            ConfigKey("allow_inline_secrets", .boolean, "false", "accept secrets written in the file itself (development only)"),
        ]

    /// The reference table in deploy/README.md (`portico config reference` prints it).
    public static var markdownReference: String {
        var lines = ["| key | environment | default | meaning |", "| --- | --- | --- | --- |"]
        for key in keys {
            let kind: String
            switch key.kind {
            case .integer(let range): kind = " (\(range.lowerBound)–\(range.upperBound))"
            case .choice(let options): kind = " (\(options.joined(separator: ", ")))"
            case .boolean: kind = " (true, false)"
            case .list: kind = " (list)"
            case .secret: kind = " (secret)"
            case .string: kind = ""
            }
            let reload = key.reloadable ? " Applied on reload." : ""
            // Checked across the fleet at every heartbeat (FleetSettings).
            let fleet =
                FleetSettings.reasons[key.path == "cursor_secret_file" ? "cursor_secret" : key.path] != nil ? " The same on every instance." : ""
            lines.append(
                "| `\(key.path)` | `\(key.environmentName)` | \(key.defaultValue.map { $0.isEmpty ? "empty" : "`\($0)`" } ?? "none") | \(key.help)\(kind).\(reload)\(fleet) |"
            )
        }
        return lines.joined(separator: "\n")
    }

    public static let byPath: [String: ConfigKey] = Dictionary(uniqueKeysWithValues: keys.map { ($0.path, $0) })

    /// The section names (`listen`, `limits`, …).
    static let sections: Set<String> = Set(
        keys.compactMap { $0.path.split(separator: ".").count == 2 ? String($0.path.split(separator: ".")[0]) : nil })
}

public import PorticoMySQL

/// Portico's own schema (default `portico`): partners, API keys, tenant grants, quota counters,
/// plans, OAuth clients and token-signing keys.
///
/// Migrations are numbered and recorded in `schema_migrations`; `migrate` applies the missing
/// ones in order, so running it twice changes nothing.
public enum StateSchema {
    public struct Migration: Sendable {
        public let version: Int
        public let name: String
        public let statements: [String]
    }

    public static let migrations: [Migration] = [
        Migration(
            version: 1, name: "partners, api keys, tenant grants",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS partners (
                  partner_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
                  code VARCHAR(64) NOT NULL,
                  name VARCHAR(200) NOT NULL,
                  status ENUM('active','disabled') NOT NULL DEFAULT 'active',
                  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                  PRIMARY KEY (partner_id),
                  UNIQUE KEY uq_partners_code (code)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
                """,
                """
                CREATE TABLE IF NOT EXISTS api_keys (
                  key_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
                  public_id CHAR(10) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
                  partner_id BIGINT UNSIGNED NOT NULL,
                  secret_hash BINARY(32) NOT NULL,
                  scopes VARCHAR(1000) NOT NULL,
                  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                  expires_at DATETIME NULL,
                  revoked_at DATETIME NULL,
                  PRIMARY KEY (key_id),
                  UNIQUE KEY uq_api_keys_public_id (public_id),
                  KEY idx_api_keys_partner (partner_id)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
                """,
                """
                CREATE TABLE IF NOT EXISTS tenant_grants (
                  partner_id BIGINT UNSIGNED NOT NULL,
                  tenant_id BIGINT UNSIGNED NOT NULL,
                  granted_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                  PRIMARY KEY (partner_id, tenant_id)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
                """,
            ]),
        Migration(
            version: 2, name: "quota counters",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS quota_counters (
                  partner VARCHAR(64) NOT NULL,
                  period VARCHAR(16) NOT NULL COMMENT 'D2026-11-29 or M2026-11 (UTC)',
                  used BIGINT UNSIGNED NOT NULL DEFAULT 0,
                  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
                  PRIMARY KEY (partner, period)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
                """
            ]),
        Migration(
            version: 3, name: "plans",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS plans (
                  name VARCHAR(64) NOT NULL,
                  rate_limit INT UNSIGNED NOT NULL,
                  rate_window INT UNSIGNED NOT NULL,
                  rate_burst INT UNSIGNED NOT NULL,
                  max_in_flight INT UNSIGNED NOT NULL,
                  export_cost INT UNSIGNED NOT NULL,
                  daily_quota BIGINT UNSIGNED NULL,
                  monthly_quota BIGINT UNSIGNED NULL,
                  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
                  PRIMARY KEY (name)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
                """,
                "ALTER TABLE partners ADD COLUMN IF NOT EXISTS plan VARCHAR(64) NULL",
            ]),
        Migration(
            version: 4, name: "oauth clients, signing keys",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS oauth_clients (
                  client_id VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
                  partner_id BIGINT UNSIGNED NOT NULL,
                  secret_hash BINARY(32) NOT NULL,
                  previous_secret_hash BINARY(32) NULL COMMENT 'the secret before rotate-secret, valid until previous_valid_until',
                  previous_valid_until DATETIME NULL,
                  scopes VARCHAR(1000) NOT NULL,
                  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                  revoked_at DATETIME NULL,
                  PRIMARY KEY (client_id),
                  KEY idx_oauth_clients_partner (partner_id)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
                """,
                """
                CREATE TABLE IF NOT EXISTS signing_keys (
                  seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
                  kid VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
                  alg VARCHAR(10) NOT NULL,
                  private_pem TEXT NOT NULL,
                  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                  retired_at DATETIME NULL,
                  PRIMARY KEY (seq),
                  UNIQUE KEY uq_signing_keys_kid (kid)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
                """,
            ]),
        Migration(
            version: 5, name: "imported keys",
            statements: [
                """
                ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS origin ENUM('issued', 'imported') NOT NULL DEFAULT 'issued'
                  COMMENT 'imported: an existing credential brought across by portico key import (secret_hash is the SHA-256 of the whole token)'
                """
            ]),
        Migration(
            version: 6, name: "fleet instances",
            statements: [
                """
                CREATE TABLE IF NOT EXISTS fleet_instances (
                  instance_id CHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
                  host VARCHAR(255) NOT NULL,
                  started_at DATETIME(3) NOT NULL,
                  heartbeat_at DATETIME(3) NOT NULL,
                  PRIMARY KEY (instance_id),
                  KEY idx_fleet_instances_heartbeat (heartbeat_at)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
                  COMMENT 'Live Portico instances: each enforces its share of every rate limit (limits.fleet_rates: shared)'
                """
            ]),
        Migration(
            version: 7, name: "fleet settings",
            statements: [
                """
                ALTER TABLE fleet_instances ADD COLUMN IF NOT EXISTS settings VARCHAR(2000) NOT NULL DEFAULT ''
                  COMMENT 'digests of the settings every instance must share (cursor secret, issuer, …): a difference is logged at the next heartbeat'
                """
            ]),
    ]

    public struct MigrationReport: Sendable, Equatable {
        public let applied: [Int]
        public let current: Int
        /// The kid of the signing key this run created, when the schema had no live one.
        public var signingKeyCreated: String?
    }

    /// Creates Portico's schema (the configuration's `database`) when it does not exist yet,
    /// connecting without one. The user needs the CREATE privilege on that name only, which
    /// `GRANT ALL ON portico.* TO …` gives.
    ///
    /// - Returns: whether the schema was created (false: it existed).
    /// - Throws: ``AccessError`` when no schema is named or it cannot be created, with the server's reason.
    public static func createSchemaIfMissing(_ configuration: MySQLConfiguration) async throws -> Bool {
        guard let name = configuration.database, name.wholeMatch(of: /[A-Za-z0-9_$]{1,64}/) != nil else {
            throw AccessError.configuration("the state database needs a schema name of letters, digits, _ and $ (PORTICO_STATE_DB_DATABASE)")
        }
        var server = configuration
        server.database = nil
        let connection = try await MySQLConnection.connect(server)
        let created: Bool
        do {
            let existing = try await connection.query("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [.string(name)])
            created = existing.rows.first?[0].int64 != 1
            // The name was checked above: it is an identifier, never text from a request.
            if created { try await connection.execute("CREATE DATABASE `\(name)` CHARACTER SET utf8mb4") }
        } catch {
            await connection.close()
            throw AccessError.configuration(
                "cannot create schema '\(name)': \(error.serverMessage ?? "\(error.kind)"); create it, or grant CREATE on it")
        }
        await connection.close()
        return created
    }

    /// Applies the missing migrations, and makes sure a live token-signing key exists, so the
    /// JWKS that verifiers fetch is never empty, even before the first token is issued.
    ///
    /// - Parameter productSchema: the product's schema name; migrating into it is refused.
    /// - Throws: ``AccessError`` when the target is the product schema or holds product tables.
    public static func migrate(_ pool: MySQLConnectionPool, productSchema: String?) async throws -> MigrationReport {
        let schema = try await pool.query("SELECT DATABASE()").rows.first?[0].text ?? ""
        guard !schema.isEmpty else { throw AccessError.configuration("the state database connection names no schema") }
        if let productSchema, productSchema.lowercased() == schema.lowercased() {
            throw AccessError.configuration("refusing to migrate: '\(schema)' is the product schema; Portico keeps its state in a schema of its own")
        }
        let foreign = try await pool.query(
            """
            SELECT COUNT(*) FROM information_schema.tables
            WHERE table_schema = ? AND table_name NOT IN ('schema_migrations', 'partners', 'api_keys', 'tenant_grants', 'quota_counters', 'plans', 'oauth_clients', 'signing_keys', 'fleet_instances')
            """, [.string(schema)])
        if (foreign.rows.first?[0].int64 ?? 0) > 0 {
            throw AccessError.configuration("refusing to migrate: schema '\(schema)' holds tables that are not Portico's")
        }
        // One connection, under a named lock of this schema's own: instances (or tests)
        // migrating it at the same time take turns instead of racing to record the same version,
        // and migrations of other schemas on the server do not wait for it. A schema already up
        // to date needs no lock at all, so instances starting together do not queue.
        var report: MigrationReport
        if try await isCurrent(pool) {
            report = MigrationReport(applied: [], current: currentVersion)
        } else {
            let lock = String(("portico_migrate:" + schema).prefix(64))
            report = try await pool.withConnection { connection in
                let locked = try await connection.query("SELECT GET_LOCK(?, 60)", [.string(lock)]).rows.first?[0].int64
                guard locked == 1 else { throw AccessError.configuration("another migration of '\(schema)' holds the lock; try again") }
                do {
                    let report = try await apply(on: connection)
                    _ = try await connection.query("SELECT RELEASE_LOCK(?)", [.string(lock)])
                    return report
                } catch {
                    _ = try? await connection.query("SELECT RELEASE_LOCK(?)", [.string(lock)])
                    throw error
                }
            }
        }
        report.signingKeyCreated = try await SigningKeyStore.rotate(pool, onlyIfEmpty: true).kid
        return report
    }

    static var currentVersion: Int { migrations.map(\.version).max() ?? 0 }

    /// Whether every migration is recorded already (false while `schema_migrations` is missing).
    private static func isCurrent(_ pool: MySQLConnectionPool) async throws -> Bool {
        let exists =
            try await pool.query(
                """
                SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'schema_migrations'
                """
            ).rows.first?[0].int64 == 1
        guard exists else { return false }
        let done = Set(try await pool.query("SELECT version FROM schema_migrations").rows.compactMap { $0[0].int64 }.map(Int.init))
        return migrations.allSatisfy { done.contains($0.version) }
    }

    private static func apply(on connection: MySQLConnection) async throws -> MigrationReport {
        try await connection.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
              version INT NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL,
              applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
            """)
        let done = Set(try await connection.query("SELECT version FROM schema_migrations").rows.compactMap { $0[0].int64 }.map(Int.init))
        var applied: [Int] = []
        for migration in migrations where !done.contains(migration.version) {
            for statement in migration.statements { try await connection.execute(statement) }
            _ = try await connection.query(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                [.int(Int64(migration.version)), .string(migration.name)])
            applied.append(migration.version)
        }
        return MigrationReport(applied: applied, current: currentVersion)
    }
}

/// A problem an operator must fix (configuration, unknown partner, …): clear text, no secrets.
public struct AccessError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public static func configuration(_ text: String) -> AccessError { AccessError(description: text) }
    public static func notFound(_ text: String) -> AccessError { AccessError(description: text) }
}

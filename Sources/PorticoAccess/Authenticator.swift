public import Foundation
public import Logging
public import PorticoMySQL
import Synchronization

/// Where a partner's tenants come from.
public enum TenantSource: Sendable, Equatable {
    /// `tenant_grants` in Portico's schema (`portico grant`).
    case grants
    /// A product table listing which partner may see which tenant, such as Tradeflow's
    /// `partner_links (partner_code, acct_id)`; read with the product's read-only user.
    case productTable(table: String, partnerColumn: String, tenantColumn: String)

    /// Parses `grants` or `table:partner_links:partner_code:acct_id`.
    public init?(_ text: String) {
        if text == "grants" {
            self = .grants
            return
        }
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 4, parts[0] == "table",
            parts.dropFirst().allSatisfy({ $0.wholeMatch(of: /[A-Za-z_][A-Za-z0-9_]{0,63}/) != nil })
        else { return nil }
        self = .productTable(table: parts[1], partnerColumn: parts[2], tenantColumn: parts[3])
    }
}

/// Turns a credential (an API key or a JWT access token) into a ``Principal``, on the request path.
///
/// Keys and tenants are cached in memory: a key for ``keyTTL`` (5 s), a partner's tenants for
/// ``tenantTTL`` (30 s). So a revoked or expired key stops working everywhere within 5 s, and a
/// changed grant within 30 s. A malformed key (bad shape or checksum) is refused without any
/// lookup; a well-formed key whose id does not exist is refused from the in-memory key directory
/// (``KeyDirectory``), so guessed keys cause at most one read of Portico's schema a second per
/// instance, however many there are. Nothing is written on the request path.
public final class Authenticator: Sendable {
    public static let keyTTL: Duration = .seconds(5)
    public static let tenantTTL: Duration = .seconds(30)

    struct KeyRecord: Sendable {
        let secretHash: [UInt8]
        let partner: String
        let scopes: Set<String>
        let expiresAt: MySQLDateTime?
        let revoked: Bool
        let partnerActive: Bool
        let plan: Plan?
    }

    let statePool: MySQLConnectionPool
    let productPool: MySQLConnectionPool
    let tenantSource: TenantSource
    let logger: Logger
    /// Portico's own authorization server, whose tokens are accepted; nil when OAuth is off.
    public let tokenIssuer: TokenIssuer?
    /// Trusted external issuers, by `iss`.
    let external: [String: (issuer: ExternalIssuer, keys: JWKSSource)]
    private let keys = TTLCache<KeyRecord?>(ttl: keyTTL)
    let verifiedTokens = Mutex<[String: VerifiedToken]>([:])
    let partnerRecords = TTLCache<PartnerRecord?>(ttl: keyTTL)
    private let tenants = TTLCache<[MySQLValue]>(ttl: tenantTTL)
    private let lookupCount = Atomic<Int>(0)
    private let directory: KeyDirectory
    /// Lookups made in Portico's schema since start (key records and key directory reads), for tests and metrics.
    public var lookups: Int { lookupCount.load(ordering: .relaxed) + directory.reads }

    /// - Parameters:
    ///   - statePool: Portico's own schema (keys, partners, grants).
    ///   - productPool: the product's schema, read for tenants when they come from a product table.
    ///   - tenantSource: where a partner's tenants are read.
    ///   - logger: where refusals are explained (never the partner's response).
    ///   - tokenIssuer: Portico's own authorization server, or nil when OAuth is off.
    ///   - externalIssuers: trusted identity providers, by `iss`.
    ///   - clock: the instant external issuers' key refetch cooldown and refresh read; tests pass a clock they move.
    public init(
        statePool: MySQLConnectionPool, productPool: MySQLConnectionPool, tenantSource: TenantSource, logger: Logger,
        tokenIssuer: TokenIssuer? = nil, externalIssuers: [ExternalIssuer] = [],
        clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.statePool = statePool
        self.productPool = productPool
        self.tenantSource = tenantSource
        self.logger = logger
        self.tokenIssuer = tokenIssuer
        directory = KeyDirectory(pool: statePool)
        external = Dictionary(
            externalIssuers.map { ($0.policy.issuer, ($0, JWKSSource(issuer: $0, logger: logger, now: clock))) }, uniquingKeysWith: { a, _ in a })
    }

    /// The key source of an external issuer, for tests and metrics.
    public func jwksSource(issuer: String) -> JWKSSource? { external[issuer]?.keys }

    public enum Outcome: Sendable {
        case authenticated(Principal)
        /// The credential is not valid (unknown, malformed, revoked, expired, disabled partner).
        /// The reason goes to the log only; the caller cannot tell them apart.
        case invalid(reason: String)
    }

    /// Which reads of Portico's schema a credential may cause.
    public enum Lookups: Sendable {
        /// Any the credential needs.
        case allowed
        /// Only those of credentials that exist: for a caller already over its limit for failed
        /// attempts, whose unknown keys must not reach the database at all.
        case knownCredentialsOnly
    }

    /// Checks a credential.
    ///
    /// - Parameters:
    ///   - token: an API key or a JWT access token, as the partner sent it.
    ///   - now: the time expiry is judged at.
    ///   - lookups: whether an unknown credential may cause a read of Portico's schema.
    /// - Returns: the principal, or why the credential is not valid (for the log only).
    /// - Throws: the database's error when a needed lookup failed.
    public func authenticate(token: String, now: Date = Date(), lookups: Lookups = .allowed) async throws -> Outcome {
        if !token.hasPrefix(ApiKey.prefix), token.utf8.count(where: { $0 == UInt8(ascii: ".") }) == 2 {
            return try await authenticate(jwt: token, now: now, lookups: lookups)
        }
        guard let key = ApiKey(token: token) else { return .invalid(reason: "malformed key or bad checksum") }
        // The caches are asked synchronously first: a hit needs no async call.
        let found: KeyRecord?
        if let cached = keys.fresh(key.id) {
            found = cached
        } else if try await directory.mayExist(key.id, mayRead: lookups == .allowed) {
            found = try await keyRecord(key.id)
        } else {
            found = nil
        }
        guard let record = found else { return .invalid(reason: "unknown key \(key.id)") }
        guard ApiKey.constantTimeEqual(record.secretHash, key.secretHash) else { return .invalid(reason: "wrong secret for key \(key.id)") }
        if record.revoked { return .invalid(reason: "revoked key \(key.id)") }
        if !record.partnerActive { return .invalid(reason: "disabled partner \(record.partner)") }
        if let expires = record.expiresAt, expires.epochSeconds <= Int(now.timeIntervalSince1970) {
            return .invalid(reason: "expired key \(key.id)")
        }
        let granted: [MySQLValue]
        if let cached = tenants.fresh(record.partner) { granted = cached } else { granted = try await tenantsOf(record.partner) }
        return .authenticated(Principal(partner: record.partner, credentialID: key.id, scopes: record.scopes, tenants: granted, plan: record.plan))
    }

    private func keyRecord(_ publicID: String) async throws -> KeyRecord? {
        try await keys.value(publicID) { try await loadKeyRecord(publicID) }
    }

    private func loadKeyRecord(_ publicID: String) async throws -> KeyRecord? {
        lookupCount.add(1, ordering: .relaxed)
        let rows = try await statePool.query(
            """
            SELECT k.secret_hash, p.code, k.scopes, k.expires_at, k.revoked_at IS NOT NULL, p.status = 'active', \(PartnerStore.planColumnsOfPl)
            FROM api_keys k JOIN partners p ON p.partner_id = k.partner_id LEFT JOIN plans pl ON pl.name = p.plan
            WHERE k.public_id = ?
            """, [.string(publicID)]
        ).rows
        return rows.first.map { row -> KeyRecord in
            var expires: MySQLDateTime?
            if case .datetime(let t) = row[3] { expires = t }
            return KeyRecord(
                secretHash: row[0].bytes ?? [], partner: row[1].text ?? "", scopes: Set((row[2].text ?? "").split(separator: " ").map(String.init)),
                expiresAt: expires, revoked: row[4].int64 == 1, partnerActive: row[5].int64 == 1, plan: PartnerStore.plan(row, from: 6))
        }
    }

    func tenantsOf(_ partner: String) async throws -> [MySQLValue] {
        try await tenants.value(partner) { try await loadTenants(partner) }
    }

    private func loadTenants(_ partner: String) async throws -> [MySQLValue] {
        let rows: [MySQLRow]
        switch tenantSource {
        case .grants:
            rows = try await statePool.query(
                """
                SELECT g.tenant_id FROM tenant_grants g JOIN partners p ON p.partner_id = g.partner_id WHERE p.code = ? ORDER BY g.tenant_id
                """, [.string(partner)]
            ).rows
        case .productTable(let table, let partnerColumn, let tenantColumn):
            // Identifiers were validated by TenantSource.init; the partner is a bound value.
            rows = try await productPool.query(
                "SELECT DISTINCT `\(tenantColumn)` FROM `\(table)` WHERE `\(partnerColumn)` = ? ORDER BY 1", [.string(partner)]
            ).rows
        }
        return rows.map { $0[0] }
    }
}

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
///
/// If Portico's schema cannot be read when an entry is due, the entry answers for up to 5 more
/// minutes (``TTLCache``): partners seen before go on being served while the store is down.
public final class Authenticator: Sendable {
    public static let keyTTL: Duration = .seconds(5)
    public static let tenantTTL: Duration = .seconds(30)

    /// Where keys, partners, tenants and clients are read.
    public let store: any AccessStore
    let logger: Logger
    /// Portico's own authorization server, whose tokens are accepted; nil when OAuth is off.
    public let tokenIssuer: TokenIssuer?
    /// Trusted external issuers, by `iss`.
    let external: [String: (issuer: ExternalIssuer, keys: JWKSSource)]
    private let keys: TTLCache<KeyRecord?>
    let verifiedTokens = Mutex<[String: VerifiedToken]>([:])
    let partnerRecords: TTLCache<PartnerRecord?>
    private let tenants: TTLCache<[MySQLValue]>
    private let lookupCount = Atomic<Int>(0)
    private let directory: KeyDirectory
    /// Answers given from stale cache entries because Portico's schema could not be read.
    public var staleAnswers: Int { keys.staleAnswers + partnerRecords.staleAnswers + tenants.staleAnswers }
    /// Lookups made in Portico's schema since start (key records and key directory reads), for tests and metrics.
    public var lookups: Int { lookupCount.load(ordering: .relaxed) + directory.reads }

    /// - Parameters:
    ///   - store: Portico's state: keys, partners, tenants, clients.
    ///   - logger: where refusals are explained (never the partner's response).
    ///   - tokenIssuer: Portico's own authorization server, or nil when OAuth is off.
    ///   - externalIssuers: trusted identity providers, by `iss`.
    ///   - clock: the instant the caches' lifetimes and external issuers' key refetch cooldown and refresh
    ///     read; tests pass a clock they move.
    public init(
        store: any AccessStore, logger: Logger, tokenIssuer: TokenIssuer? = nil, externalIssuers: [ExternalIssuer] = [],
        clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.store = store
        self.logger = logger
        keys = TTLCache(ttl: Self.keyTTL, now: clock)
        partnerRecords = TTLCache(ttl: Self.keyTTL, now: clock)
        tenants = TTLCache(ttl: Self.tenantTTL, now: clock)
        self.tokenIssuer = tokenIssuer
        directory = KeyDirectory(store: store)
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
        try await authenticate(token: token, now: now, lookups: { lookups })
    }

    /// Checks a credential, asking `lookups` only when the answer matters: when the credential is
    /// not in the caches, so that a known one (nearly every request) costs the caller nothing.
    ///
    /// - Parameters:
    ///   - token: an API key or a JWT access token, as the partner sent it.
    ///   - now: the time expiry is judged at.
    ///   - lookups: whether an unknown credential may cause a read of Portico's schema.
    /// - Returns: the principal, or why the credential is not valid (for the log only).
    /// - Throws: the database's error when a needed lookup failed.
    public func authenticate(token: String, now: Date = Date(), lookups: () -> Lookups) async throws -> Outcome {
        if !token.hasPrefix(ApiKey.prefix), token.utf8.count(where: { $0 == UInt8(ascii: ".") }) == 2 {
            return try await authenticate(jwt: token, now: now, lookups: lookups())
        }
        let id: String
        let hash: [UInt8]
        if let key = ApiKey.idAndSecretHash(of: token) {
            (id, hash) = key
        } else if let imported = ApiKey.Imported(token: token) {
            (id, hash) = (imported.id, imported.hash)
        } else {
            return .invalid(reason: "malformed key or bad checksum")
        }
        return try await authenticate(id: id, hash: hash, now: now, lookups: lookups)
    }

    /// A Portico key or an imported token, by its public id and the hash to compare.
    private func authenticate(id: String, hash: [UInt8], now: Date, lookups: () -> Lookups) async throws -> Outcome {
        // The caches are asked synchronously first: a hit needs no async call.
        let found: KeyRecord?
        if let cached = keys.fresh(id) {
            found = cached
        } else if try await directory.mayExist(id, mayRead: lookups() == .allowed) {
            found = try await keyRecord(id)
        } else {
            found = nil
        }
        guard let record = found else { return .invalid(reason: "unknown key \(id)") }
        guard ApiKey.constantTimeEqual(record.secretHash, hash) else { return .invalid(reason: "wrong secret for key \(id)") }
        if record.revoked { return .invalid(reason: "revoked key \(id)") }
        if !record.partnerActive { return .invalid(reason: "disabled partner \(record.partner)") }
        if let expires = record.expiresAt, expires.epochSeconds <= Int(now.timeIntervalSince1970) {
            return .invalid(reason: "expired key \(id)")
        }
        let granted: [MySQLValue]
        if let cached = tenants.fresh(record.partner) { granted = cached } else { granted = try await tenantsOf(record.partner) }
        return .authenticated(Principal(partner: record.partner, credentialID: id, scopes: record.scopes, tenants: granted, plan: record.plan))
    }

    private func keyRecord(_ publicID: String) async throws -> KeyRecord? {
        try await keys.value(publicID) { try await loadKeyRecord(publicID) }
    }

    private func loadKeyRecord(_ publicID: String) async throws -> KeyRecord? {
        lookupCount.add(1, ordering: .relaxed)
        return try await store.key(publicID)
    }

    func tenantsOf(_ partner: String) async throws -> [MySQLValue] {
        try await tenants.value(partner) { try await loadTenants(partner) }
    }

    private func loadTenants(_ partner: String) async throws -> [MySQLValue] {
        try await store.tenants(of: partner)
    }
}

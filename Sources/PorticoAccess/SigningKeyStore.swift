import Foundation
public import JWTKit
public import Logging
public import PorticoMySQL
import Synchronization

/// Portico's token-signing keys (ES256), kept in `signing_keys` so every instance signs and
/// verifies with the same ones.
///
/// The newest live key signs; the newest two live keys are published in the JWKS and verify.
/// `portico signing-key rotate` adds a key and retires all but the one before it, so tokens
/// signed just before a rotation stay valid until they expire, provided keys are rotated less
/// often than the token lifetime. Instances reread the table every ``refreshInterval`` and at
/// once (at most once a second) when a token names a key they do not know yet.
///
/// The private keys are stored as PEM in Portico's schema: protect that schema (and its
/// backups) like any other secret store.
public final class SigningKeyStore: Sendable {
    public static let refreshInterval: Duration = .seconds(30)
    public static let algorithm = "ES256"

    public struct Key: Sendable {
        public let kid: String
        public let privateKey: ES256PrivateKey
        /// A collection holding this key alone: verification can never fall back to another key.
        public let collection: JWTKeyCollection
        /// The private key, ready to sign (made once per refresh, not per token).
        let signer: JWTKeyCollection
    }

    struct State {
        var keys: [Key] = []
        var fetched: ContinuousClock.Instant?
        var lastMissRefresh: ContinuousClock.Instant?
    }

    let store: any AccessStore
    let logger: Logger
    private let state = Mutex(State())

    /// - Parameters:
    ///   - store: where the keys are kept.
    ///   - logger: where keys that do not parse, and rereads that failed, are reported.
    public init(store: any AccessStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// The key that signs new tokens; one is created if the table has none yet.
    public func signingKey() async throws -> Key {
        if let key = try await liveKeys().first { return key }
        try await store.createSigningKeyIfNone()
        try await refresh()
        guard let key = state.withLock({ $0.keys.first }) else { throw AccessError.configuration("no signing key could be created") }
        return key
    }

    /// The published key named `kid`, or nil. An unknown kid triggers one reread (at most once a
    /// second), unless `mayReread` is false.
    public func verificationKey(_ kid: String, mayReread: Bool = true) async throws -> Key? {
        if let key = try await liveKeys().first(where: { $0.kid == kid }) { return key }
        guard mayReread else { return nil }
        let due = state.withLock { state -> Bool in
            if let last = state.lastMissRefresh, ContinuousClock.now - last < .seconds(1) { return false }
            state.lastMissRefresh = .now
            return true
        }
        guard due else { return nil }
        try await refresh()
        return state.withLock { $0.keys.first { $0.kid == kid } }
    }

    /// The JWKS document (RFC 7517): the published public keys. Never empty: when the table has
    /// no live key yet (a schema migrated by an older Portico), one is created first, so a
    /// verifier that caches the document can verify the first token.
    public func jwks() async throws -> String {
        var keys = try await liveKeys()
        if keys.isEmpty { keys = [try await signingKey()] }
        let entries = keys.compactMap { key -> String? in
            guard let parameters = key.privateKey.publicKey.parameters else { return nil }
            return #"{"kty":"EC","crv":"P-256","alg":"ES256","use":"sig","kid":"\#(key.kid)","x":"\#(parameters.x)","y":"\#(parameters.y)"}"#
        }
        return #"{"keys":["# + entries.joined(separator: ",") + "]}"
    }

    func liveKeys() async throws -> [Key] {
        let (keys, fetched) = state.withLock { ($0.keys, $0.fetched) }
        if let fetched, ContinuousClock.now - fetched < Self.refreshInterval { return keys }
        do {
            try await refresh()
        } catch  where fetched != nil {
            logger.warning("signing keys could not be reread; keeping the ones loaded", metadata: ["error": "\(error)"])
            return keys
        }
        return state.withLock { $0.keys }
    }

    func refresh() async throws {
        var keys: [Key] = []
        for stored in try await store.liveSigningKeys() {
            let (kid, pem) = (stored.kid, stored.privatePEM)
            do {
                let privateKey = try ES256PrivateKey(pem: pem)
                let collection = JWTKeyCollection()
                await collection.add(ecdsa: privateKey.publicKey, kid: JWKIdentifier(string: kid))
                let signer = JWTKeyCollection()
                await signer.add(ecdsa: privateKey, kid: JWKIdentifier(string: kid))
                keys.append(Key(kid: kid, privateKey: privateKey, collection: collection, signer: signer))
            } catch {
                logger.error("a signing key in Portico's schema does not parse; skipping it", metadata: ["kid": "\(kid)"])
            }
        }
        state.withLock {
            $0.keys = keys
            $0.fetched = .now
        }
    }

    /// Adds a new signing key and retires every live key but the newest existing one.
    /// Returns the new kid and the retired ones. With `onlyIfEmpty`, does nothing when a live key exists.
    @discardableResult
    public static func rotate(_ pool: MySQLConnectionPool, onlyIfEmpty: Bool = false) async throws -> (kid: String?, retired: [String]) {
        // Most calls with onlyIfEmpty find a live key: no lock needed to learn that.
        if onlyIfEmpty, try await pool.query("SELECT 1 FROM signing_keys WHERE retired_at IS NULL LIMIT 1").rows.count == 1 { return (nil, []) }
        let lock = String(("portico_signing_keys:" + (try await pool.query("SELECT DATABASE()").rows.first?[0].text ?? "")).prefix(64))
        return try await pool.withConnection { connection in
            guard try await connection.query("SELECT GET_LOCK(?, 30)", [.string(lock)]).rows.first?[0].int64 == 1 else {
                throw AccessError.configuration("another process holds the signing-key lock; try again")
            }
            do {
                let result = try await rotateLocked(connection, onlyIfEmpty: onlyIfEmpty)
                _ = try await connection.query("SELECT RELEASE_LOCK(?)", [.string(lock)])
                return result
            } catch {
                _ = try? await connection.query("SELECT RELEASE_LOCK(?)", [.string(lock)])
                throw error
            }
        }
    }

    private static func rotateLocked(_ connection: MySQLConnection, onlyIfEmpty: Bool) async throws -> (kid: String?, retired: [String]) {
        let live = try await connection.query("SELECT kid FROM signing_keys WHERE retired_at IS NULL ORDER BY seq DESC").rows.compactMap {
            $0[0].text
        }
        if onlyIfEmpty, !live.isEmpty { return (nil, []) }
        let retired = Array(live.dropFirst())
        for kid in retired {
            _ = try await connection.query("UPDATE signing_keys SET retired_at = UTC_TIMESTAMP() WHERE kid = ?", [.string(kid)])
        }
        let kid = newKid()
        _ = try await connection.query(
            "INSERT INTO signing_keys (kid, alg, private_pem) VALUES (?, ?, ?)",
            [.string(kid), .string(algorithm), .string(ES256PrivateKey().pemRepresentation)])
        return (kid, retired)
    }

    static func newKid() -> String {
        let day = ISO8601DateFormatter.string(from: Date(), timeZone: .gmt, formatOptions: [.withFullDate])
        return "pk-\(day)-\(Base62.random(8))"
    }
}

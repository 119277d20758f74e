public import PorticoMySQL

/// What the request path reads of Portico's own state: key and client records, partners'
/// standing and tenants, the token-signing keys.
///
/// The authenticator, the key directory, the token issuer and the signing-key store reach
/// Portico's schema only through this protocol, and cache what it returns (see
/// ``Authenticator``). ``MySQLAccessStore`` is the store `portico serve` uses; the server's unit
/// tests use one held in memory. Everything that changes the state (`portico partner|key|client`,
/// ``PartnerStore``, ``ClientStore``) stays on the database: it is the operators' tool, not the
/// request path.
public protocol AccessStore: Sendable {
    /// The key with this public id, or nil when there is none.
    /// - Throws: the store's error when it cannot be read.
    func key(_ publicID: String) async throws -> KeyRecord?

    /// The keys whose internal id is above `keyID`, in increasing id order: what the key
    /// directory reads to learn of new keys. Keys are only ever added.
    /// - Throws: the store's error when it cannot be read.
    func keyIDs(after keyID: UInt64) async throws -> [(keyID: UInt64, publicID: String)]

    /// The partner with this code, or nil.
    /// - Throws: the store's error when it cannot be read.
    func partner(_ code: String) async throws -> PartnerRecord?

    /// The tenants the partner is granted, in increasing order.
    /// - Throws: the store's error when it cannot be read.
    func tenants(of partner: String) async throws -> [MySQLValue]

    /// The OAuth client with this id, or nil.
    /// - Throws: the store's error when it cannot be read.
    func client(_ clientID: String) async throws -> ClientRecord?

    /// The newest two live signing keys of ``SigningKeyStore/algorithm``, newest first.
    /// - Throws: the store's error when it cannot be read.
    func liveSigningKeys() async throws -> [StoredSigningKey]

    /// Creates a signing key when there is no live one (several instances may ask at once;
    /// exactly one key results).
    /// - Throws: the store's error when it cannot be written.
    func createSigningKeyIfNone() async throws
}

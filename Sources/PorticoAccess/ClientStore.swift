public import PorticoMySQL

/// OAuth clients in Portico's schema: what `portico client add|list|rotate-secret|revoke` do.
public struct ClientStore: Sendable {
    let pool: MySQLConnectionPool

    public init(pool: MySQLConnectionPool) { self.pool = pool }

    public struct Issued: Sendable {
        public let clientID: String
        public let secret: String

        public init(clientID: String, secret: String) {
            self.clientID = clientID
            self.secret = secret
        }
    }

    public struct Summary: Sendable, Equatable {
        public let clientID: String
        public let partner: String
        public let scopes: [String]
        public let createdAt: String
        public let previousSecretValidUntil: String?
        public let revokedAt: String?
    }

    /// Registers a client for a partner; the returned secret exists nowhere else.
    public func add(partner code: String, scopes: [String]) async throws -> Issued {
        guard let partner = try await PartnerStore(pool: pool).partner(code) else { throw AccessError.notFound("no partner '\(code)'") }
        guard !scopes.isEmpty, scopes.allSatisfy(PartnerStore.isScope) else {
            throw AccessError.configuration("scopes must be lower-case names such as orders:read")
        }
        let issued = Issued(clientID: ClientCredentials.generateID(), secret: ClientCredentials.generateSecret())
        _ = try await pool.query(
            "INSERT INTO oauth_clients (client_id, partner_id, secret_hash, scopes) VALUES (?, ?, ?, ?)",
            [
                .string(issued.clientID), .uint(partner.id), .bytes(ClientCredentials.hash(issued.secret)),
                .string(Set(scopes).sorted().joined(separator: " ")),
            ])
        return issued
    }

    public func clients(partner code: String?) async throws -> [Summary] {
        let filter = code == nil ? "" : "WHERE p.code = ?"
        let rows = try await pool.query(
            """
            SELECT c.client_id, p.code, c.scopes, c.created_at, c.previous_valid_until, c.revoked_at
            FROM oauth_clients c JOIN partners p ON p.partner_id = c.partner_id \(filter) ORDER BY p.code, c.created_at, c.client_id
            """, code.map { [.string($0)] } ?? []
        ).rows
        return rows.map {
            Summary(
                clientID: $0[0].text ?? "", partner: $0[1].text ?? "", scopes: ($0[2].text ?? "").split(separator: " ").map(String.init),
                createdAt: PartnerStore.text($0[3]) ?? "", previousSecretValidUntil: PartnerStore.text($0[4]),
                revokedAt: PartnerStore.text($0[5]))
        }
    }

    /// A new secret; the old one keeps working for `overlapSeconds` (0 ends it now), so the
    /// partner can roll it out without downtime.
    public func rotateSecret(clientID: String, overlapSeconds: Int) async throws -> String {
        let secret = ClientCredentials.generateSecret()
        let result = try await pool.query(
            """
            UPDATE oauth_clients SET previous_secret_hash = IF(? > 0, secret_hash, NULL),
                   previous_valid_until = IF(? > 0, UTC_TIMESTAMP() + INTERVAL ? SECOND, NULL), secret_hash = ?
            WHERE client_id = ? AND revoked_at IS NULL
            """,
            [
                .int(Int64(overlapSeconds)), .int(Int64(overlapSeconds)), .int(Int64(overlapSeconds)),
                .bytes(ClientCredentials.hash(secret)), .string(clientID),
            ])
        guard result.affectedRows == 1 else { throw AccessError.notFound("no live client '\(clientID)'") }
        return secret
    }

    /// Revokes a client: no new tokens, and its live tokens stop working within the
    /// authenticator's cache bound (5 s).
    public func revoke(clientID: String) async throws {
        let result = try await pool.query(
            "UPDATE oauth_clients SET revoked_at = UTC_TIMESTAMP() WHERE client_id = ? AND revoked_at IS NULL",
            [.string(clientID)])
        guard result.affectedRows == 1 else { throw AccessError.notFound("no live client '\(clientID)'") }
    }
}

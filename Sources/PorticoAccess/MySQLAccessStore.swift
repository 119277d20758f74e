public import PorticoMySQL

/// Portico's state in its MySQL schema, as the request path reads it; tenants may come from a
/// product table instead (``TenantSource``).
public struct MySQLAccessStore: AccessStore {
    let statePool: MySQLConnectionPool
    let productPool: MySQLConnectionPool
    let tenantSource: TenantSource

    /// - Parameters:
    ///   - statePool: Portico's own schema (keys, partners, grants, clients, signing keys).
    ///   - productPool: the product's schema, read for tenants when they come from a product table.
    ///   - tenantSource: where a partner's tenants are read.
    public init(statePool: MySQLConnectionPool, productPool: MySQLConnectionPool, tenantSource: TenantSource) {
        self.statePool = statePool
        self.productPool = productPool
        self.tenantSource = tenantSource
    }

    public func key(_ publicID: String) async throws -> KeyRecord? {
        let rows = try await statePool.query(
            """
            SELECT k.secret_hash, p.code, k.scopes, k.expires_at, k.revoked_at IS NOT NULL, p.status = 'active', \(PartnerStore.planColumnsOfPl)
            FROM api_keys k JOIN partners p ON p.partner_id = k.partner_id LEFT JOIN plans pl ON pl.name = p.plan
            WHERE k.public_id = ?
            """, [.string(publicID)]
        ).rows
        return rows.first.map { row in
            var expires: MySQLDateTime?
            if case .datetime(let t) = row[3] { expires = t }
            return KeyRecord(
                secretHash: row[0].bytes ?? [], partner: row[1].text ?? "", scopes: Self.scopes(row[2]), expiresAt: expires,
                revoked: row[4].int64 == 1, partnerActive: row[5].int64 == 1, plan: PartnerStore.plan(row, from: 6))
        }
    }

    public func keyIDs(after keyID: UInt64) async throws -> [(keyID: UInt64, publicID: String)] {
        try await statePool.query("SELECT key_id, public_id FROM api_keys WHERE key_id > ? ORDER BY key_id", [.uint(keyID)]).rows.compactMap {
            guard let id = $0[0].int64.flatMap({ UInt64(exactly: $0) }), let publicID = $0[1].text else { return nil }
            return (id, publicID)
        }
    }

    public func partner(_ code: String) async throws -> PartnerRecord? {
        let rows = try await statePool.query(
            """
            SELECT p.status = 'active', \(PartnerStore.planColumnsOfPl)
            FROM partners p LEFT JOIN plans pl ON pl.name = p.plan WHERE p.code = ?
            """, [.string(code)]
        ).rows
        return rows.first.map { PartnerRecord(active: $0[0].int64 == 1, plan: PartnerStore.plan($0, from: 1)) }
    }

    public func tenants(of partner: String) async throws -> [MySQLValue] {
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

    public func client(_ clientID: String) async throws -> ClientRecord? {
        let rows = try await statePool.query(
            """
            SELECT c.secret_hash, c.previous_secret_hash, UNIX_TIMESTAMP(c.previous_valid_until), p.code, c.scopes,
                   c.revoked_at IS NOT NULL, p.status = 'active', \(PartnerStore.planColumnsOfPl)
            FROM oauth_clients c JOIN partners p ON p.partner_id = c.partner_id LEFT JOIN plans pl ON pl.name = p.plan
            WHERE c.client_id = ?
            """, [.string(clientID)]
        ).rows
        return rows.first.map { row in
            ClientRecord(
                secretHash: row[0].bytes ?? [], previousSecretHash: row[1].bytes, previousValidUntil: row[2].int64.map(Int.init),
                partner: row[3].text ?? "", scopes: Self.scopes(row[4]), revoked: row[5].int64 == 1, partnerActive: row[6].int64 == 1,
                plan: PartnerStore.plan(row, from: 7))
        }
    }

    public func liveSigningKeys() async throws -> [StoredSigningKey] {
        try await statePool.query(
            "SELECT kid, private_pem FROM signing_keys WHERE retired_at IS NULL AND alg = ? ORDER BY seq DESC LIMIT 2",
            [.string(SigningKeyStore.algorithm)]
        ).rows.compactMap { row in
            guard let kid = row[0].text, let pem = row[1].text else { return nil }
            return StoredSigningKey(kid: kid, privatePEM: pem)
        }
    }

    public func createSigningKeyIfNone() async throws {
        _ = try await SigningKeyStore.rotate(statePool, onlyIfEmpty: true)
    }

    /// Scopes as stored: one text, space-separated.
    static func scopes(_ value: MySQLValue) -> Set<String> {
        Set((value.text ?? "").split(separator: " ").map(String.init))
    }
}

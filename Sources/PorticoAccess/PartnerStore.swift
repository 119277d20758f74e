import Foundation
public import PorticoMySQL

/// Partners, their keys and tenant grants in Portico's schema: what `portico partner|key|grant` do.
public struct PartnerStore: Sendable {
    public let pool: MySQLConnectionPool

    public init(pool: MySQLConnectionPool) { self.pool = pool }

    public struct Partner: Sendable, Equatable {
        public let id: UInt64
        public let code: String
        public let name: String
        public let active: Bool
    }

    public struct KeySummary: Sendable, Equatable {
        public let publicID: String
        public let scopes: [String]
        public let createdAt: String
        public let expiresAt: String?
        public let revokedAt: String?
        /// `issued` by Portico, or `imported` (``importKey(partner:credential:scopes:expires:)``).
        public var origin: String = "issued"
    }

    static func isCode(_ text: String) -> Bool { text.wholeMatch(of: /[a-z][a-z0-9_-]{0,63}/) != nil }
    static func isScope(_ text: String) -> Bool { text.wholeMatch(of: /[a-z][a-z0-9_.:-]{0,99}/) != nil }

    public func addPartner(code: String, name: String?) async throws -> Partner {
        guard Self.isCode(code) else {
            throw AccessError.configuration("partner code must be lower-case letters, digits, - and _ (starting with a letter)")
        }
        if try await partner(code) != nil { throw AccessError.configuration("partner '\(code)' exists already") }
        _ = try await pool.query("INSERT INTO partners (code, name) VALUES (?, ?)", [.string(code), .string(name ?? code)])
        return try await partner(code)!
    }

    public func partner(_ code: String) async throws -> Partner? {
        let rows = try await pool.query("SELECT partner_id, code, name, status FROM partners WHERE code = ?", [.string(code)]).rows
        return rows.first.map {
            Partner(id: UInt64($0[0].int64 ?? 0), code: $0[1].text ?? "", name: $0[2].text ?? "", active: $0[3].text == "active")
        }
    }

    public func partners() async throws -> [Partner] {
        try await pool.query("SELECT partner_id, code, name, status FROM partners ORDER BY code").rows.map {
            Partner(id: UInt64($0[0].int64 ?? 0), code: $0[1].text ?? "", name: $0[2].text ?? "", active: $0[3].text == "active")
        }
    }

    public func setActive(_ code: String, _ active: Bool) async throws {
        let result = try await pool.query("UPDATE partners SET status = ? WHERE code = ?", [.string(active ? "active" : "disabled"), .string(code)])
        if result.affectedRows == 0, try await partner(code) == nil { throw AccessError.notFound("no partner '\(code)'") }
    }

    /// Issues a key and returns it: the only time its secret exists outside the caller's hands.
    public func issueKey(partner code: String, scopes: [String], expires: MySQLDateTime?) async throws -> ApiKey {
        guard let partner = try await partner(code) else { throw AccessError.notFound("no partner '\(code)'") }
        guard !scopes.isEmpty, scopes.allSatisfy(Self.isScope) else {
            throw AccessError.configuration("scopes must be lower-case names such as orders:read")
        }
        let key = ApiKey.generate()
        _ = try await pool.query(
            "INSERT INTO api_keys (public_id, partner_id, secret_hash, scopes, expires_at) VALUES (?, ?, ?, ?, ?)",
            [
                .string(key.id), .uint(partner.id), .bytes(key.secretHash), .string(scopes.sorted().joined(separator: " ")),
                expires.map { .datetime($0) } ?? .null,
            ]
        )
        return key
    }

    /// Stores an existing credential of the partner's (only its SHA-256), accepted from then on
    /// exactly like a Portico key.
    ///
    /// - Returns: the key's public id, for `key list` and `key revoke`.
    /// - Throws: ``AccessError`` for an unknown partner, bad scopes, or a token imported already.
    public func importKey(partner code: String, credential: ApiKey.Imported, scopes: [String], expires: MySQLDateTime?) async throws -> String {
        guard let partner = try await partner(code) else { throw AccessError.notFound("no partner '\(code)'") }
        guard !scopes.isEmpty, scopes.allSatisfy(Self.isScope) else {
            throw AccessError.configuration("scopes must be lower-case names such as orders:read")
        }
        let exists = try await pool.query("SELECT 1 FROM api_keys WHERE public_id = ?", [.string(credential.id)]).rows
        guard exists.isEmpty else { throw AccessError.configuration("this credential was imported already (key \(credential.id))") }
        _ = try await pool.query(
            "INSERT INTO api_keys (public_id, partner_id, secret_hash, scopes, expires_at, origin) VALUES (?, ?, ?, ?, ?, 'imported')",
            [
                .string(credential.id), .uint(partner.id), .bytes(credential.hash), .string(scopes.sorted().joined(separator: " ")),
                expires.map { .datetime($0) } ?? .null,
            ]
        )
        return credential.id
    }

    /// Issues a Portico key in place of `publicID` (an imported credential, or a key due for
    /// renewal): the same partner and scopes; the old key keeps working for `overlap` seconds
    /// more (never longer than it would have), then expires.
    ///
    /// - Returns: the new key, and when the old one stops working.
    public func rotateKey(_ publicID: String, overlapSeconds: Int) async throws -> (key: ApiKey, oldExpires: String) {
        let rows = try await pool.query(
            "SELECT p.code, k.scopes FROM api_keys k JOIN partners p ON p.partner_id = k.partner_id WHERE k.public_id = ? AND k.revoked_at IS NULL",
            [.string(publicID)]
        ).rows
        guard let row = rows.first, let code = row[0].text else { throw AccessError.notFound("no live key '\(publicID)'") }
        let key = try await issueKey(partner: code, scopes: (row[1].text ?? "").split(separator: " ").map(String.init), expires: nil)
        _ = try await pool.query(
            """
            UPDATE api_keys SET expires_at = LEAST(COALESCE(expires_at, '9999-12-31'), UTC_TIMESTAMP() + INTERVAL ? SECOND)
            WHERE public_id = ?
            """, [.int(Int64(overlapSeconds)), .string(publicID)])
        let expires = try await pool.query("SELECT expires_at FROM api_keys WHERE public_id = ?", [.string(publicID)]).rows.first
        return (key, expires.flatMap { Self.text($0[0]) } ?? "")
    }

    /// The codes of the partners granted `tenant` (`portico grant`).
    public func partners(holding tenant: MySQLValue) async throws -> [String] {
        try await pool.query(
            "SELECT p.code FROM tenant_grants g JOIN partners p ON p.partner_id = g.partner_id WHERE g.tenant_id = ? ORDER BY p.code", [tenant]
        ).rows.compactMap { $0[0].text }
    }

    public func keys(partner code: String) async throws -> [KeySummary] {
        guard let partner = try await partner(code) else { throw AccessError.notFound("no partner '\(code)'") }
        return try await pool.query(
            """
            SELECT public_id, scopes, created_at, expires_at, revoked_at, origin FROM api_keys WHERE partner_id = ? ORDER BY key_id
            """, [.uint(partner.id)]
        ).rows.map { row in
            KeySummary(
                publicID: row[0].text ?? "", scopes: (row[1].text ?? "").split(separator: " ").map(String.init),
                createdAt: Self.text(row[2]) ?? "", expiresAt: Self.text(row[3]), revokedAt: Self.text(row[4]), origin: row[5].text ?? "issued")
        }
    }

    public func revokeKey(_ publicID: String) async throws {
        let result = try await pool.query(
            "UPDATE api_keys SET revoked_at = UTC_TIMESTAMP() WHERE public_id = ? AND revoked_at IS NULL",
            [.string(publicID)])
        if result.affectedRows == 0 { throw AccessError.notFound("no live key '\(publicID)'") }
    }

    public func grant(partner code: String, tenants: [UInt64]) async throws {
        guard let partner = try await partner(code) else { throw AccessError.notFound("no partner '\(code)'") }
        for tenant in tenants {
            _ = try await pool.query("INSERT IGNORE INTO tenant_grants (partner_id, tenant_id) VALUES (?, ?)", [.uint(partner.id), .uint(tenant)])
        }
    }

    public func revokeGrant(partner code: String, tenants: [UInt64]) async throws {
        guard let partner = try await partner(code) else { throw AccessError.notFound("no partner '\(code)'") }
        for tenant in tenants {
            _ = try await pool.query("DELETE FROM tenant_grants WHERE partner_id = ? AND tenant_id = ?", [.uint(partner.id), .uint(tenant)])
        }
    }

    // MARK: - Plans

    static let planColumns = "name, rate_limit, rate_window, rate_burst, max_in_flight, export_cost, daily_quota, monthly_quota"
    /// The same columns of a `plans` table joined as `pl`.
    static let planColumnsOfPl = planColumns.split(separator: ", ").map { "pl." + $0 }.joined(separator: ", ")

    /// A plan from eight columns starting at `index` (nil when the name is NULL: no plan).
    static func plan(_ row: MySQLRow, from index: Int) -> Plan? {
        guard let name = row[index].text else { return nil }
        func int(_ offset: Int) -> Int? { row[index + offset].int64.map(Int.init) }
        return Plan(
            name: name, rateLimit: int(1) ?? 1, rateWindow: int(2) ?? 1, rateBurst: int(3) ?? 1, maxInFlight: int(4) ?? 1,
            exportCost: int(5) ?? 1, dailyQuota: int(6), monthlyQuota: int(7))
    }

    /// Creates or replaces a plan; partners on it get the new limits within the key-cache TTL.
    public func setPlan(_ plan: Plan) async throws {
        guard Self.isCode(plan.name) else { throw AccessError.configuration("plan name must be lower-case letters, digits, - and _") }
        guard [plan.rateLimit, plan.rateWindow, plan.rateBurst, plan.maxInFlight, plan.exportCost].allSatisfy({ $0 >= 1 }),
            (plan.dailyQuota ?? 1) >= 1, (plan.monthlyQuota ?? 1) >= 1
        else {
            throw AccessError.configuration("every limit of a plan must be at least 1")
        }
        _ = try await pool.query(
            """
            REPLACE INTO plans (\(Self.planColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .string(plan.name), .int(Int64(plan.rateLimit)), .int(Int64(plan.rateWindow)), .int(Int64(plan.rateBurst)),
                .int(Int64(plan.maxInFlight)), .int(Int64(plan.exportCost)), plan.dailyQuota.map { .int(Int64($0)) } ?? .null,
                plan.monthlyQuota.map { .int(Int64($0)) } ?? .null,
            ])
    }

    public func plans() async throws -> [Plan] {
        try await pool.query("SELECT \(Self.planColumns) FROM plans ORDER BY name").rows.compactMap { Self.plan($0, from: 0) }
    }

    /// Puts a partner on a plan (nil: back to the server's defaults).
    public func assignPlan(partner code: String, plan: String?) async throws {
        if let plan, try await pool.query("SELECT 1 FROM plans WHERE name = ?", [.string(plan)]).rows.isEmpty {
            throw AccessError.notFound("no plan '\(plan)'; create it with portico plan set")
        }
        let result = try await pool.query("UPDATE partners SET plan = ? WHERE code = ?", [plan.map { .string($0) } ?? .null, .string(code)])
        if result.affectedRows == 0, try await partner(code) == nil { throw AccessError.notFound("no partner '\(code)'") }
    }

    /// A partner's plan and its shared quota counters for the current UTC day and month.
    public func usage(partner code: String, now: MySQLDateTime) async throws -> (plan: Plan?, daily: Int, monthly: Int) {
        guard try await partner(code) != nil else { throw AccessError.notFound("no partner '\(code)'") }
        let plan = try await pool.query(
            """
            SELECT \(Self.planColumnsOfPl)
            FROM partners p LEFT JOIN plans pl ON pl.name = p.plan WHERE p.code = ?
            """, [.string(code)]
        ).rows.first.flatMap { Self.plan($0, from: 0) }
        let day = "D\(now.date)"
        let month = "M\(now.date.description.prefix(7))"
        let rows = try await pool.query(
            "SELECT period, used FROM quota_counters WHERE partner = ? AND period IN (?, ?)",
            [.string(code), .string(day), .string(month)]
        ).rows
        let used = Dictionary(rows.map { ($0[0].text ?? "", Int($0[1].int64 ?? 0)) }, uniquingKeysWith: { a, _ in a })
        return (plan, used[day] ?? 0, used[month] ?? 0)
    }

    static func text(_ value: MySQLValue) -> String? {
        switch value {
        case .datetime(let t): t.rfc3339
        case .null, .zeroDate: nil
        default: value.text
        }
    }
}

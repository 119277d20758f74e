public import PorticoMySQL

/// The counters every instance adds its quota use to, and reads the fleet's totals from.
///
/// ``QuotaStore`` reaches them only through this protocol: ``MySQLQuotaCounters`` keeps them
/// in Portico's schema (`quota_counters`); the server's unit tests keep them in memory.
public protocol QuotaCounters: Sendable {
    /// Adds `count` to each partner's counter of a period (a counter starts at 0).
    /// - Throws: the store's error; then none of the counts may be assumed added.
    func add(_ counts: [(partner: String, period: String, count: Int)]) async throws

    /// Every partner's total for each of `periods`.
    /// - Throws: the store's error when it cannot be read.
    func totals(periods: [String]) async throws -> [(partner: String, period: String, used: Int)]
}

/// Quota counters in Portico's schema, shared by every instance that uses it.
public struct MySQLQuotaCounters: QuotaCounters {
    let pool: MySQLConnectionPool

    /// - Parameter pool: Portico's schema, migrated.
    public init(_ pool: MySQLConnectionPool) { self.pool = pool }

    public func add(_ counts: [(partner: String, period: String, count: Int)]) async throws {
        for (partner, period, count) in counts {
            _ = try await pool.query(
                """
                INSERT INTO quota_counters (partner, period, used) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE used = used + VALUES(used)
                """, [.string(partner), .string(period), .int(Int64(count))])
        }
    }

    public func totals(periods: [String]) async throws -> [(partner: String, period: String, used: Int)] {
        guard !periods.isEmpty else { return [] }
        return try await pool.query(
            "SELECT partner, period, used FROM quota_counters WHERE period IN (\(periods.map { _ in "?" }.joined(separator: ", ")))",
            periods.map { .string($0) }
        ).rows.map { ($0[0].text ?? "", $0[1].text ?? "", Int($0[2].int64 ?? 0)) }
    }
}

import Foundation
import Logging
import PorticoAccess
import PorticoMySQL
import PorticoQuota
import PorticoServer
import PorticoTestSupport
import Testing

/// The fleet registry in Portico's schema (MariaDB), in a scratch schema of its own so that no
/// other test's instances are counted.
@Suite("Fleet registry (MariaDB)")
struct FleetTests {
    @Test("heartbeats count the live instances by the database's clock; leaving, and a beat an hour old, stop counting")
    func registry() async throws {
        try await TestDatabase.withScratchSchema("fleet") { admin in
            let schema = try await admin.query("SELECT DATABASE()").rows[0][0].text ?? ""
            let pool = MySQLConnectionPool(configuration: TestDatabase.admin(database: schema), logger: TestApp.quietLogger)
            _ = try await StateSchema.migrate(pool, productSchema: "tradeflow")
            let registry = MySQLFleetRegistry(pool)
            func member(_ host: String, secret: String = "s1") -> FleetMembership {
                FleetMembership(
                    registry: registry, share: RateShare(), interval: .seconds(2), host: host,
                    settings: FleetSettings(["cursor_secret": secret, "limits.fleet_rates": "shared"]), logger: TestApp.quietLogger)
            }
            let (a, b, c) = (member("a:1"), member("b:1"), member("c:1", secret: "s2"))
            #expect(a.instance.count == 16 && a.instance != b.instance)
            await a.beat()
            #expect(a.share.instances == 1)
            await b.beat()
            await c.beat()
            await a.beat()
            #expect(a.share.instances == 3 && c.share.instances == 3)
            #expect(a.mismatches == ["c:1 (\(c.instance)): cursor_secret"], "the settings go through the table")
            try await registry.leave(instance: b.instance)
            // c was killed an hour ago: its last beat is long past three intervals.
            _ = try await admin.query(
                "UPDATE fleet_instances SET heartbeat_at = NOW(3) - INTERVAL 1 HOUR WHERE instance_id = ?", [.string(c.instance)])
            await a.beat()
            #expect(a.share.instances == 1)
            #expect(a.heartbeatFailures == 0)
            let rows = try await admin.query("SELECT host FROM fleet_instances ORDER BY host").rows.compactMap { $0[0].text }
            #expect(rows == ["a:1", "c:1"], "a stale row stays a day, for ops to see; leaving removes it")
            await pool.close()
        }
    }
}

public import Logging
public import PorticoMySQL
public import PorticoQuota
public import ServiceLifecycle
import Synchronization

/// Where instances say they are alive and count one another (`fleet_instances` in Portico's
/// schema; the server's unit tests keep it in memory).
public protocol FleetRegistry: Sendable {
    /// Records `instance` as alive now; returns how many instances (itself included) beat within `within`.
    func beat(instance: String, host: String, within: Duration) async throws -> Int
    /// Removes `instance`, so the others stop counting it at their next heartbeat.
    func leave(instance: String) async throws
}

/// The registry in Portico's schema. The database's clock decides who is live, so the
/// instances' clocks need not agree.
public struct MySQLFleetRegistry: FleetRegistry {
    let pool: MySQLConnectionPool

    /// - Parameter pool: Portico's schema, migrated.
    public init(_ pool: MySQLConnectionPool) { self.pool = pool }

    public func beat(instance: String, host: String, within: Duration) async throws -> Int {
        _ = try await pool.query(
            """
            INSERT INTO fleet_instances (instance_id, host, started_at, heartbeat_at) VALUES (?, ?, NOW(3), NOW(3))
            ON DUPLICATE KEY UPDATE heartbeat_at = NOW(3), host = VALUES(host)
            """, [.string(instance), .string(String(host.prefix(255)))])
        let micros = Int64(within.components.seconds) * 1_000_000 + within.components.attoseconds / 1_000_000_000_000
        // Rows of instances gone for a day (killed, never left) go; the index makes both cheap.
        _ = try await pool.query("DELETE FROM fleet_instances WHERE heartbeat_at < NOW(3) - INTERVAL 1 DAY LIMIT 100")
        let live = try await pool.query(
            "SELECT COUNT(*) FROM fleet_instances WHERE heartbeat_at >= NOW(3) - INTERVAL ? MICROSECOND", [.int(micros)])
        return Int(live.rows.first?[0].int64 ?? 1)
    }

    public func leave(instance: String) async throws {
        _ = try await pool.query("DELETE FROM fleet_instances WHERE instance_id = ?", [.string(instance)])
    }
}

/// This instance's place in the fleet (`limits.fleet_rates: shared`): a heartbeat every
/// `interval` records it and counts the instances that beat within three intervals, and the
/// count becomes the ``RateShare`` every rate is divided by. Nothing on the request path
/// touches the database: a request reads the share from memory.
///
/// If the registry cannot be reached, the last count stands (1 if there never was one) and the
/// failure is logged and counted; the next heartbeat that gets through corrects it.
public final class FleetMembership: Service, Sendable {
    public let instance: String
    let host: String
    let registry: any FleetRegistry
    public let share: RateShare
    public let interval: Duration
    let logger: Logger
    private let failures = Atomic<Int>(0)

    /// - Parameters:
    ///   - instance: this instance's id (random by default: a restart is a new instance).
    ///   - interval: how often it beats; an instance that stops beating stops counting after three.
    public init(
        registry: any FleetRegistry, share: RateShare, interval: Duration = .seconds(2), host: String, instance: String? = nil, logger: Logger
    ) {
        self.registry = registry
        self.share = share
        self.interval = interval
        self.host = host
        self.instance = instance ?? Self.randomID()
        self.logger = logger
    }

    /// How long an instance counts as live after its last heartbeat.
    public var liveness: Duration { interval * 3 }

    /// Heartbeats that failed since the process started.
    public var heartbeatFailures: Int { failures.load(ordering: .relaxed) }

    /// One heartbeat: record this instance, count the live ones, set the share.
    public func beat() async {
        do {
            let live = try await registry.beat(instance: instance, host: host, within: liveness)
            let before = share.instances
            share.set(live)
            if live != before {
                logger.info("fleet size changed; each instance now enforces 1/\(live) of every rate", metadata: ["instances": "\(live)"])
            }
        } catch {
            failures.add(1, ordering: .relaxed)
            logger.warning(
                "fleet heartbeat failed; rates keep their share of 1/\(share.instances) until the store is back", metadata: ["error": "\(error)"])
        }
    }

    /// Beats until graceful shutdown, then leaves, so the others take over its share at their next beat.
    public func run() async throws {
        await beat()
        let interval = interval
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await self.beat()
            }
        }
        do {
            try await registry.leave(instance: instance)
        } catch {
            logger.warning("could not leave the fleet; the others stop counting this instance within \(liveness)", metadata: ["error": "\(error)"])
        }
    }

    static func randomID() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        var generator = SystemRandomNumberGenerator()
        return String(decoding: (0..<16).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] }, as: UTF8.self)
    }
}

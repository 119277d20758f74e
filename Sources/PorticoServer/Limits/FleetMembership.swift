public import Logging
import PorticoAccess
public import PorticoMySQL
public import PorticoQuota
public import ServiceLifecycle
import Synchronization

/// Where instances say they are alive and count one another (`fleet_instances` in Portico's
/// schema; the server's unit tests keep it in memory).
public protocol FleetRegistry: Sendable {
    /// Records `instance` as alive now, with its `settings`; returns the instances (itself
    /// included) that beat within `within`.
    func beat(instance: String, host: String, settings: String, within: Duration) async throws -> [FleetPeer]
    /// Removes `instance`, so the others stop counting it at their next heartbeat.
    func leave(instance: String) async throws
}

/// A live instance, as the registry last heard from it.
public struct FleetPeer: Sendable, Equatable {
    public let instance: String
    public let host: String
    /// ``FleetSettings/encoded`` of the settings every instance must share.
    public let settings: String

    public init(instance: String, host: String, settings: String) {
        self.instance = instance
        self.host = host
        self.settings = settings
    }
}

/// The registry in Portico's schema. The database's clock decides who is live, so the
/// instances' clocks need not agree.
public struct MySQLFleetRegistry: FleetRegistry {
    let pool: MySQLConnectionPool

    /// - Parameter pool: Portico's schema, migrated.
    public init(_ pool: MySQLConnectionPool) { self.pool = pool }

    public func beat(instance: String, host: String, settings: String, within: Duration) async throws -> [FleetPeer] {
        _ = try await pool.query(
            """
            INSERT INTO fleet_instances (instance_id, host, started_at, heartbeat_at, settings) VALUES (?, ?, NOW(3), NOW(3), ?)
            ON DUPLICATE KEY UPDATE heartbeat_at = NOW(3), host = VALUES(host), settings = VALUES(settings)
            """, [.string(instance), .string(String(host.prefix(255))), .string(String(settings.prefix(2000)))])
        let micros = Int64(within.components.seconds) * 1_000_000 + within.components.attoseconds / 1_000_000_000_000
        // Rows of instances gone for a day (killed, never left) go; the index makes both cheap.
        _ = try await pool.query("DELETE FROM fleet_instances WHERE heartbeat_at < NOW(3) - INTERVAL 1 DAY LIMIT 100")
        let live = try await pool.query(
            "SELECT instance_id, host, settings FROM fleet_instances WHERE heartbeat_at >= NOW(3) - INTERVAL ? MICROSECOND LIMIT 1000",
            [.int(micros)])
        return live.rows.map { FleetPeer(instance: $0[0].text ?? "", host: $0[1].text ?? "", settings: $0[2].text ?? "") }
    }

    public func leave(instance: String) async throws {
        _ = try await pool.query("DELETE FROM fleet_instances WHERE instance_id = ?", [.string(instance)])
    }
}

/// An instance as `fleet_instances` holds it, for `portico fleet`.
public struct FleetRow: Sendable {
    public let instance: String
    public let host: String
    public let settings: FleetSettings
    public let startedAt: String
    /// Seconds since its last heartbeat, by the database's clock.
    public let silence: Double
}

extension MySQLFleetRegistry {
    /// Every instance in the table (live or not yet cleared), the most recent heartbeat first.
    public func rows() async throws -> [FleetRow] {
        let result = try await pool.query(
            """
            SELECT instance_id, host, settings, DATE_FORMAT(started_at, '%Y-%m-%dT%H:%i:%SZ'),
                   TIMESTAMPDIFF(MICROSECOND, heartbeat_at, NOW(3)) FROM fleet_instances ORDER BY heartbeat_at DESC LIMIT 1000
            """)
        return result.rows.map {
            FleetRow(
                instance: $0[0].text ?? "", host: $0[1].text ?? "", settings: FleetSettings(encoded: $0[2].text ?? ""),
                startedAt: $0[3].text ?? "", silence: Double($0[4].int64 ?? 0) / 1_000_000)
        }
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
    /// What this instance says about the settings every instance must share.
    public let settings: FleetSettings
    let logger: Logger
    private let failures = Atomic<Int>(0)
    /// Differences from other live instances, as last seen: "<host> (<instance>): <setting>".
    private let differences = Mutex<Set<String>>([])

    /// - Parameters:
    ///   - instance: this instance's id (random by default: a restart is a new instance).
    ///   - interval: how often it beats; an instance that stops beating stops counting after three.
    public init(
        registry: any FleetRegistry, share: RateShare, interval: Duration = .seconds(2), host: String, instance: String? = nil,
        settings: FleetSettings = FleetSettings(), logger: Logger
    ) {
        self.settings = settings
        self.registry = registry
        self.share = share
        self.interval = interval
        self.host = host
        self.instance = instance ?? Base62.random(16)
        self.logger = logger
    }

    /// How long an instance counts as live after its last heartbeat.
    public var liveness: Duration { interval * 3 }

    /// Heartbeats that failed since the process started.
    public var heartbeatFailures: Int { failures.load(ordering: .relaxed) }

    /// Settings this instance does not share with another live one, as of the last heartbeat:
    /// `"<host> (<instance>): <setting>"`. Each new one is logged as an error once.
    public var mismatches: [String] { differences.withLock { $0.sorted() } }

    /// One heartbeat: record this instance, count the live ones, set the share, compare settings.
    public func beat() async {
        do {
            let peers = try await registry.beat(instance: instance, host: host, settings: settings.encoded, within: liveness)
            compare(peers)
            let live = max(1, peers.count)
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

    func compare(_ peers: [FleetPeer]) {
        var found: Set<String> = []
        for peer in peers where peer.instance != instance {
            for name in settings.differences(from: FleetSettings(encoded: peer.settings)) {
                found.insert("\(peer.host) (\(peer.instance)): \(name)")
            }
        }
        let new = differences.withLock { known -> Set<String> in
            defer { known = found }
            return found.subtracting(known)
        }
        for difference in new.sorted() {
            logger.error(
                "another instance of this fleet has a different setting; it must be the same on every instance",
                metadata: [
                    "difference": "\(difference)", "why": "\(FleetSettings.why(difference.split(separator: " ").last.map(String.init) ?? ""))",
                ])
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
}

/// The settings every instance of a fleet must share, as digests (a secret never leaves the
/// process): compared at every heartbeat, since a difference breaks partners quietly (a cursor
/// from one instance refused by another, a token whose issuer another does not accept).
public struct FleetSettings: Sendable, Equatable {
    public private(set) var values: [String: String] = [:]

    public init(_ values: [String: String] = [:]) { self.values = values }

    /// Keys and why each must be equal.
    public static let reasons: [String: String] = [
        "cursor_secret": "a cursor issued by one instance is refused by the others",
        "oauth.issuer": "a token issued by one instance has an issuer the others refuse",
        "limits.fleet_rates": "instances that share rates and instances that do not admit more than the rate together",
        "limits.fleet_heartbeat": "instances count each other live for different times",
    ]

    static func why(_ name: String) -> String { reasons[name] ?? "" }

    /// A value as ops read it: digests of secrets as they are, an unset one said so.
    public static func describe(_ value: String) -> String {
        value.hasPrefix("own-") ? "unset (each process makes its own, which no other instance shares)" : value
    }

    /// `name=value` pairs, sorted, separated by `;` (values are digests or plain tokens).
    public var encoded: String { values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";") }

    public init(encoded: String) {
        for pair in encoded.split(separator: ";") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            values[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
    }

    /// The names whose values differ (a name only one side has counts as different).
    public func differences(from other: FleetSettings) -> [String] {
        Set(values.keys).union(other.values.keys).filter { values[$0] != other.values[$0] }.sorted()
    }
}

import ArgumentParser
import Foundation
import PorticoMySQL
import PorticoServer

/// `portico fleet`: the instances beating into Portico's schema, and whether they share this
/// configuration's fleet settings.
struct FleetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "List the instances on Portico's schema (PORTICO_STATE_DB_*) and check they share this configuration's fleet settings.",
        discussion: """
            An instance is live while its last heartbeat is within three limits.fleet_heartbeat intervals. Exits 1 when a \
            live instance has a different cursor secret, issuer, fleet_rates or fleet_heartbeat than this configuration, \
            so it can gate a rollout.
            """)
    @OptionGroup var config: ConfigOptions

    func run() async throws {
        let effective = try config.load()
        let own = try PorticoRuntime.fleetSettings(effective)
        let liveness = Double(effective.int("limits.fleet_heartbeat") ?? 2) * 3
        let rows = try await CommandDatabase.state.withPool { try await MySQLFleetRegistry($0).rows() }
        var differing = 0
        let live = rows.filter { $0.silence < liveness }
        print("\(live.count) live instance(s)\(rows.count > live.count ? ", \(rows.count - live.count) silent" : "")")
        for row in rows {
            let differences = own.differences(from: row.settings).filter { !own.values[$0, default: ""].hasPrefix("own-") }
            let state = row.silence < liveness ? "live" : "silent"
            print(
                "  \(row.host)  \(row.instance)  \(state), last beat \(String(format: "%.1f", row.silence)) s ago, started \(row.startedAt)"
                    + (differences.isEmpty ? "" : "  DIFFERS: \(differences.joined(separator: ", "))"))
            if row.silence < liveness, !differences.isEmpty { differing += 1 }
        }
        if differing > 0 {
            FileHandle.standardError.write(
                Data("error: \(differing) live instance(s) differ from this configuration in a setting every instance must share\n".utf8))
            throw ExitCode(1)
        }
    }
}

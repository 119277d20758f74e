public import Foundation
import Synchronization

/// Converts between a zone's local wall-clock time and UTC, with the zones cached.
///
/// Legacy schemas store `DATETIME` in local time. Converting local → UTC picks, for a time that
/// occurs twice when clocks go back, the earlier instant; for a time skipped when clocks go
/// forward, the instant the wall clock would have shown had it not jumped.
public enum TimeZones {
    private static let cache = Mutex<[String: TimeZone]>([:])

    /// The zone for an IANA name (or `UTC`), or nil when the name is unknown.
    public static func zone(_ name: String) -> TimeZone? {
        if let cached = cache.withLock({ $0[name] }) { return cached }
        guard let zone = TimeZone(identifier: name) else { return nil }
        cache.withLock { $0[name] = zone }
        return zone
    }

    /// UTC fields for a local wall-clock time in `zone`.
    public static func utc(fromLocal local: MySQLDateTime, in zone: TimeZone) -> MySQLDateTime {
        let wall = local.epochSeconds
        let firstGuess = wall - zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall)))
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(firstGuess)))
        return MySQLDateTime(epochSeconds: wall - offset, microsecond: local.microsecond)
    }

    /// Local wall-clock fields in `zone` for a UTC instant.
    public static func local(fromUTC utc: MySQLDateTime, in zone: TimeZone) -> MySQLDateTime {
        let instant = utc.epochSeconds
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
        return MySQLDateTime(epochSeconds: instant + offset, microsecond: utc.microsecond)
    }
}

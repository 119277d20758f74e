import Foundation
import Synchronization

/// Converts between a zone's local wall-clock time and UTC, with the zones cached.
///
/// Legacy schemas store `DATETIME` in local time. Converting local → UTC picks, for a time that
/// occurs twice when clocks go back, the earlier instant; for a time skipped when clocks go
/// forward, the instant the wall clock would have shown had it not jumped.
public enum TimeZones {
    private static let cache = Mutex<[String: Zone]>([:])

    /// The zone for an IANA name (or `UTC`), or nil when the name is unknown.
    public static func zone(_ name: String) -> Zone? {
        if let cached = cache.withLock({ $0[name] }) { return cached }
        guard let timeZone = TimeZone(identifier: name) else { return nil }
        let zone = Zone(timeZone)
        cache.withLock { $0[name] = zone }
        return zone
    }

    /// UTC fields for a local wall-clock time in `zone`.
    ///
    /// The instants that can show `wall` are `wall` minus the offset in force a day before or a
    /// day after it; those that really do are kept and the earlier wins. When neither does, the
    /// time fell in a gap and the offset from before the jump applies.
    public static func utc(fromLocal local: MySQLDateTime, in zone: Zone) -> MySQLDateTime {
        let wall = local.epochSeconds
        let before = wall - zone.offset(at: wall - 86_400)
        let after = wall - zone.offset(at: wall + 86_400)
        let instant =
            switch (zone.offset(at: before) + before == wall, zone.offset(at: after) + after == wall) {
            case (true, true): min(before, after)
            case (false, true): after
            default: before
            }
        return MySQLDateTime(epochSeconds: instant, microsecond: local.microsecond)
    }

    /// Local wall-clock fields in `zone` for a UTC instant.
    public static func local(fromUTC utc: MySQLDateTime, in zone: Zone) -> MySQLDateTime {
        let instant = utc.epochSeconds
        return MySQLDateTime(epochSeconds: instant + zone.offset(at: instant), microsecond: utc.microsecond)
    }
}

/// A time zone whose UTC offsets are remembered by period: the span from an instant asked about
/// to the zone's next transition has one offset. Asking Foundation (ICU, behind a lock) for every
/// value was a large part of rendering a page of orders whose times are stored local.
public final class Zone: Sendable {
    private let timeZone: TimeZone
    /// Known spans, sorted and disjoint; each ends at a transition.
    private let periods = Mutex<[Period]>([])

    /// `[start, end)` in seconds since 1970, at `offset` seconds east of UTC.
    private struct Period {
        var start: Int
        let end: Int
        let offset: Int
    }

    /// Past this many spans (a zone with clock changes has two a year) the memory starts afresh.
    private static let maxPeriods = 1024

    init(_ timeZone: TimeZone) { self.timeZone = timeZone }

    /// Seconds east of UTC at `instant` (seconds since 1970).
    public func offset(at instant: Int) -> Int {
        if let known = periods.withLock({ Self.lookup(instant, in: $0) }) { return known }
        let date = Date(timeIntervalSince1970: TimeInterval(instant))
        let offset = timeZone.secondsFromGMT(for: date)
        let end = timeZone.nextDaylightSavingTimeTransition(after: date).map { Int($0.timeIntervalSince1970.rounded(.down)) } ?? Int.max
        guard end > instant else { return offset }
        periods.withLock { Self.remember(Period(start: instant, end: end, offset: offset), in: &$0) }
        return offset
    }

    /// The index of the first span that ends after `instant`.
    private static func firstEnding(after instant: Int, in periods: [Period]) -> Int {
        var low = 0
        var high = periods.count
        while low < high {
            let middle = (low + high) / 2
            if periods[middle].end > instant { high = middle } else { low = middle + 1 }
        }
        return low
    }

    private static func lookup(_ instant: Int, in periods: [Period]) -> Int? {
        let index = firstEnding(after: instant, in: periods)
        guard index < periods.count, periods[index].start <= instant else { return nil }
        return periods[index].offset
    }

    private static func remember(_ period: Period, in periods: inout [Period]) {
        if periods.count >= maxPeriods { periods.removeAll() }
        let index = firstEnding(after: period.start, in: periods)
        // The same transition ends both: one span, reaching back to the earlier start.
        if index < periods.count, periods[index].end == period.end {
            periods[index].start = min(periods[index].start, period.start)
        } else {
            periods.insert(period, at: index)
        }
    }
}

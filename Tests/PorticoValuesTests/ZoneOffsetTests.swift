import Foundation
import PorticoValues
import Testing

@Suite("Zone offsets")
struct ZoneOffsetTests {
    /// Zones with yearly clock changes, half-hour changes, abolished DST, and changes of the
    /// standard offset itself (Caracas 2007 and 2016, Moscow 2011 and 2014, Pyongyang 2015 and
    /// 2018, Apia's skipped day in 2011).
    static let zones = [
        "UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "America/Sao_Paulo",
        "America/Caracas", "Europe/Moscow", "Asia/Pyongyang", "Pacific/Apia", "Asia/Kathmandu",
    ]

    /// Every transition from 2000 to 2030 and one second either side of it, and an instant every
    /// 29 hours between, asked in random order (so spans are learned from both ends), each
    /// compared with asking Foundation directly.
    @Test("cached offsets equal Foundation's at, around and between every transition", arguments: zones)
    func matchesFoundation(_ name: String) throws {
        let zone = try #require(TimeZones.zone(name))
        let reference = try #require(TimeZone(identifier: name))
        let from = 946_684_800
        let to = 1_893_456_000
        var instants = Array(stride(from: from, to: to, by: 29 * 3600))
        var date = Date(timeIntervalSince1970: TimeInterval(from))
        while let next = reference.nextDaylightSavingTimeTransition(after: date), next.timeIntervalSince1970 < TimeInterval(to) {
            let t = Int(next.timeIntervalSince1970)
            instants += [t - 1, t, t + 1]
            date = next
        }
        var random = SystemRandomNumberGenerator()
        instants.shuffle(using: &random)
        for instant in instants + instants.shuffled(using: &random) {
            let expected = reference.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
            #expect(zone.offset(at: instant) == expected, "\(name) at \(instant)")
        }
    }

    @Test("local times in a gap or an overlap convert as documented")
    func gapAndOverlap() throws {
        let berlin = try #require(TimeZones.zone("Europe/Berlin"))
        // 2024-03-31 02:30 does not exist in Berlin (clocks jump 02:00 → 03:00): the instant the
        // wall clock would have shown, 01:30 UTC.
        let gap = TimeZones.utc(fromLocal: MySQLDateTime(year: 2024, month: 3, day: 31, hour: 2, minute: 30), in: berlin)
        #expect(gap == MySQLDateTime(year: 2024, month: 3, day: 31, hour: 1, minute: 30))
        // 2024-10-27 02:30 happens twice: the earlier instant, 00:30 UTC.
        let overlap = TimeZones.utc(fromLocal: MySQLDateTime(year: 2024, month: 10, day: 27, hour: 2, minute: 30), in: berlin)
        #expect(overlap == MySQLDateTime(year: 2024, month: 10, day: 27, minute: 30))
        let summer = MySQLDateTime(year: 2024, month: 7, day: 1, hour: 10)
        #expect(TimeZones.local(fromUTC: summer, in: berlin) == MySQLDateTime(year: 2024, month: 7, day: 1, hour: 12))
    }
}

import PorticoValues

/// Dates for headers, without Foundation formatters, on ``CivilTime``'s calendar arithmetic.
enum HTTPDates {
    /// `YYYY-MM-DD` at 00:00 UTC as Unix seconds.
    static func epochSeconds(_ date: String) -> Int? {
        let parts = date.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return CivilTime.days(year: parts[0], month: parts[1], day: parts[2]) * 86_400
    }

    /// RFC 9110 IMF-fixdate: `Wed, 30 Jun 2027 23:59:59 GMT`.
    static func imfFixdate(_ seconds: Int) -> String {
        let time = MySQLDateTime(epochSeconds: seconds)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
        let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekday), \(two(time.date.day)) \(names[time.date.month - 1]) \(time.date.year) "
            + "\(two(time.hour)):\(two(time.minute)):\(two(time.second)) GMT"
    }
}

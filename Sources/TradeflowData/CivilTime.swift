/// Formats seconds since 1970 as `YYYY-MM-DD HH:MM:SS` (no time zone: the caller decides what
/// wall clock the value stands for). Uses the days-from-civil algorithm; no Foundation on the hot path.
enum CivilTime {
    static func dateTime(_ seconds: Int, millis: Int? = nil) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        var text = date(days: days)
        text += " " + two(rest / 3600) + ":" + two(rest / 60 % 60) + ":" + two(rest % 60)
        if let millis { text += "." + three(millis) }
        return text
    }

    static func date(days: Int) -> String {
        let (y, m, d) = civil(days)
        return four(y) + "-" + two(m) + "-" + two(d)
    }

    static func year(_ seconds: Int) -> Int { civil(seconds / 86_400).0 }

    /// Days since 1970-01-01 for a calendar date.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civil(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    private static func three(_ v: Int) -> String { v < 10 ? "00\(v)" : v < 100 ? "0\(v)" : "\(v)" }
    private static func four(_ v: Int) -> String { String(repeating: "0", count: max(0, 4 - String(v).count)) + "\(v)" }
}

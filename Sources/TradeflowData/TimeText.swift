import PorticoValues

/// Seconds since 1970 as the text `LOAD DATA` reads: `YYYY-MM-DD HH:MM:SS[.fff]`, with no zone
/// (the caller decides which wall clock a value stands for). The calendar arithmetic is
/// PorticoValues' ``CivilTime``.
enum TimeText {
    static func dateTime(_ seconds: Int, millis: Int? = nil) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        var text = date(days: days)
        text += " " + pad(rest / 3600, 2) + ":" + pad(rest / 60 % 60, 2) + ":" + pad(rest % 60, 2)
        if let millis { text += "." + pad(millis, 3) }
        return text
    }

    static func date(days: Int) -> String {
        let (y, m, d) = CivilTime.date(days: days)
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    static func year(_ seconds: Int) -> Int { CivilTime.date(days: seconds / 86_400).year }

    static func days(year: Int, month: Int, day: Int) -> Int { CivilTime.days(year: year, month: month, day: day) }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

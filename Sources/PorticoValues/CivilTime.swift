/// Calendar arithmetic on UTC seconds without Foundation's Calendar (which allocates and locks):
/// days-from-civil and back, as Howard Hinnant's algorithms.
public enum CivilTime {
    /// Days since 1970-01-01 for a proleptic Gregorian date.
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The calendar date of a day number.
    public static func date(days: Int) -> (year: Int, month: Int, day: Int) {
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
}

extension MySQLDateTime {
    /// Seconds since 1970 if these fields were UTC.
    public var epochSeconds: Int {
        CivilTime.days(year: date.year, month: date.month, day: date.day) * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// Milliseconds since 1970 if these fields were UTC (microseconds truncated).
    public var epochMilliseconds: Int64 { Int64(epochSeconds) * 1000 + Int64(microsecond / 1000) }

    /// The fields of a UTC instant.
    public init(epochSeconds seconds: Int, microsecond: Int = 0) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        let (y, m, d) = CivilTime.date(days: days)
        self.init(year: y, month: m, day: d, hour: rest / 3600, minute: rest / 60 % 60, second: rest % 60, microsecond: microsecond)
    }

    /// RFC 3339 in UTC: `2024-07-01T12:00:00Z`, with fractional seconds only when present.
    public var rfc3339: String { rfc3339(fraction: nil, zulu: true) }

    /// RFC 3339 in UTC with `fraction` digits always (0–6, truncated), or as many as needed when
    /// nil; `zulu` ends it with `Z`, else with `+00:00`.
    public func rfc3339(fraction: Int?, zulu: Bool) -> String {
        // Digits written straight into the string's storage: interpolation is dear, and a point
        // read renders three.
        String(unsafeUninitializedCapacity: 32) { out in
            var end = 0
            func digits(_ value: Int, _ width: Int) {
                end = DecimalDigits.write(UInt64(clamping: value), width: width, into: out, at: end)
            }
            func byte(_ byte: UInt8) {
                out[end] = byte
                end += 1
            }
            digits(date.year, 4)
            byte(0x2D)
            digits(date.month, 2)
            byte(0x2D)
            digits(date.day, 2)
            byte(0x54)
            digits(hour, 2)
            byte(0x3A)
            digits(minute, 2)
            byte(0x3A)
            digits(second, 2)
            let micro = microsecond > 0 && microsecond < 1_000_000 ? microsecond : 0
            if let fraction {
                if fraction > 0 {
                    var value = micro
                    for _ in fraction..<6 { value /= 10 }
                    byte(0x2E)
                    digits(value, fraction)
                }
            } else if micro > 0 {
                var value = micro
                var width = 6
                while value % 10 == 0 {
                    value /= 10
                    width -= 1
                }
                byte(0x2E)
                digits(value, width)
            }
            if zulu {
                byte(0x5A)
            } else {
                for b in "+00:00".utf8 { byte(b) }
            }
            return end
        }
    }

    /// Parses RFC 3339 (`2024-01-01T00:00:00Z`, `2024-01-01T01:00:00.5+01:00`) into UTC fields.
    /// Returns nil for anything else, including impossible dates.
    public init?(rfc3339 text: String) {
        let bytes = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[from..<(from + count)] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 20, let y = number(0, 4), bytes[4] == 0x2D, let mo = number(5, 2), bytes[7] == 0x2D, let d = number(8, 2),
            bytes[10] == 0x54 || bytes[10] == 0x74, let h = number(11, 2), bytes[13] == 0x3A, let mi = number(14, 2),
            bytes[16] == 0x3A, let s = number(17, 2)
        else { return nil }
        var index = 19
        var micro = 0
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if digits < 6 { micro = micro * 10 + Int(bytes[index] - 0x30) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<6 where digits < 6 { micro *= 10 }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        if bytes[index] == 0x5A || bytes[index] == 0x7A {
            index += 1
        } else if bytes[index] == 0x2B || bytes[index] == 0x2D, let oh = number(index + 1, 2), bytes[index + 3] == 0x3A, let om = number(index + 4, 2)
        {
            offset = (oh * 60 + om) * 60 * (bytes[index] == 0x2D ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        let date = MySQLDate(year: y, month: mo, day: d)
        guard index == bytes.count, date.isValidCalendarDate, h < 24, mi < 60, s < 60 else { return nil }
        let local = MySQLDateTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
        self.init(epochSeconds: local.epochSeconds - offset, microsecond: micro)
    }
}

extension MySQLDate {
    /// Parses `YYYY-MM-DD`; nil for anything else or an impossible date.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
        guard isValidCalendarDate else { return nil }
    }
}

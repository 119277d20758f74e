/// One cell of a row, or one bound parameter.
///
/// Each case keeps the server's value exactly: `DECIMAL` as its decimal text (never through
/// `Double`), unsigned integers as `UInt64` (so `BIGINT UNSIGNED` above `Int64.max` survives),
/// dates and times as their calendar fields, and the legacy zero date (`0000-00-00`,
/// `0000-00-00 00:00:00`) as ``zeroDate`` rather than an invented date.
public enum MySQLValue: Sendable, Hashable {
    case null
    /// Signed integer columns (`TINYINT` … `BIGINT`, `YEAR`) and bound signed integers.
    case int(Int64)
    /// Unsigned integer columns and bound unsigned integers.
    case uint(UInt64)
    case float(Float)
    case double(Double)
    /// `DECIMAL`/`NUMERIC` as the server's exact text, such as `"-12.340"`.
    case decimal(String)
    /// Text columns (`CHAR`, `VARCHAR`, `TEXT`, `ENUM`, `SET`, `JSON`) decoded from the session's utf8mb4.
    case string(String)
    /// Binary columns (`BINARY`, `VARBINARY`, `BLOB`, geometry).
    case bytes([UInt8])
    /// `BIT(n)` as an unsigned integer (n ≤ 64).
    case bits(UInt64)
    case date(MySQLDate)
    /// `DATETIME` and `TIMESTAMP` (the session runs in UTC, so `TIMESTAMP` values are UTC).
    case datetime(MySQLDateTime)
    case time(MySQLTime)
    /// The legacy all-zero `DATE`/`DATETIME`/`TIMESTAMP`.
    case zeroDate
    /// A bound boolean (sent as `TINYINT`). Columns never decode to this; `TINYINT(1)` is `.int`.
    case bool(Bool)

    public var isNull: Bool {
        if case .null = self { true } else { false }
    }

    /// The value as a signed integer when it is an integer that fits.
    public var int64: Int64? {
        switch self {
        case .int(let v): v
        case .uint(let v): v <= UInt64(Int64.max) ? Int64(v) : nil
        case .bits(let v): v <= UInt64(Int64.max) ? Int64(v) : nil
        case .bool(let v): v ? 1 : 0
        default: nil
        }
    }

    /// The value's bytes when it is binary.
    public var bytes: [UInt8]? {
        if case .bytes(let b) = self { b } else { nil }
    }

    /// The value as text when it is textual (string, decimal).
    public var text: String? {
        switch self {
        case .string(let s), .decimal(let s): s
        default: nil
        }
    }
}

/// A `DATE` value's fields as stored. Fields may be zero in part (`2019-00-00`) where the
/// server's SQL mode allowed it; ``isValidCalendarDate`` tells.
public struct MySQLDate: Sendable, Hashable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public var isValidCalendarDate: Bool {
        guard year >= 1, (1...12).contains(month), day >= 1 else { return false }
        let days = [31, isLeapYear ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    private var isLeapYear: Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public var description: String { "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))" }
}

/// A `DATETIME`/`TIMESTAMP` value's fields, with microseconds (0–6 fractional digits).
public struct MySQLDateTime: Sendable, Hashable, CustomStringConvertible {
    public var date: MySQLDate
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var microsecond: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0) {
        self.date = MySQLDate(year: year, month: month, day: day)
        self.hour = hour
        self.minute = minute
        self.second = second
        self.microsecond = microsecond
    }

    public var description: String {
        var text = "\(date) \(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        if microsecond != 0 { text += ".\(pad(microsecond, 6))" }
        return text
    }
}

/// A `TIME` value: a signed duration of up to ±838:59:59.999999, not a time of day.
public struct MySQLTime: Sendable, Hashable, CustomStringConvertible {
    public var isNegative: Bool
    public var hours: Int
    public var minutes: Int
    public var seconds: Int
    public var microseconds: Int

    public init(isNegative: Bool = false, hours: Int, minutes: Int, seconds: Int, microseconds: Int = 0) {
        self.isNegative = isNegative
        self.hours = hours
        self.minutes = minutes
        self.seconds = seconds
        self.microseconds = microseconds
    }

    /// The signed length in microseconds.
    public var totalMicroseconds: Int64 {
        let magnitude = ((Int64(hours) * 60 + Int64(minutes)) * 60 + Int64(seconds)) * 1_000_000 + Int64(microseconds)
        return isNegative ? -magnitude : magnitude
    }

    public var description: String {
        var text = "\(isNegative ? "-" : "")\(pad(hours, 2)):\(pad(minutes, 2)):\(pad(seconds, 2))"
        if microseconds != 0 { text += ".\(pad(microseconds, 6))" }
        return text
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

extension MySQLValue {
    /// The value as a key a public id formats: an unsigned or non-negative integer (or bits).
    public var unsignedKey: UInt64? {
        switch self {
        case .uint(let key), .bits(let key): key
        case .int(let key) where key >= 0: UInt64(key)
        default: nil
        }
    }
}

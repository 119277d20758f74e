public import PorticoValues

/// How a CSV profile writes dates and times: a pattern in the letters legacy exporters use
/// (Java's and Unicode's), such as `dd.MM.yyyy HH:mm` or `yyyyMMdd`.
///
/// | letters | meaning |
/// |---|---|
/// | `yyyy` / `yy` | year, four digits / last two |
/// | `MM` / `M` | month, two digits / as few as needed |
/// | `dd` / `d` | day of the month |
/// | `HH` / `H` | hour, 00–23 |
/// | `mm` / `m` | minute |
/// | `ss` / `s` | second |
/// | `SSS` / `SSSSSS` | milliseconds / microseconds |
///
/// Text in single quotes is written as it is (`''` is a quote); any other character that is
/// not an ASCII letter is written as it is. Any other letter is an error, so `YYYY` (week
/// year) or `hh` (12-hour) cannot slip in unnoticed.
public struct DateTimePattern: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case literal(String)
        case year(digits: Int)
        case month(padded: Bool)
        case day(padded: Bool)
        case hour(padded: Bool)
        case minute(padded: Bool)
        case second(padded: Bool)
        case fraction(digits: Int)
    }

    public let parts: [Part]
    /// The pattern as written, for documents and messages.
    public let text: String

    /// A wall-clock time written without a pattern: ISO 8601 without an offset (it has none).
    public static let localISO = DateTimePattern(
        parts: [
            .year(digits: 4), .literal("-"), .month(padded: true), .literal("-"), .day(padded: true), .literal("T"), .hour(padded: true),
            .literal(":"), .minute(padded: true), .literal(":"), .second(padded: true),
        ], text: "yyyy-MM-dd'T'HH:mm:ss")

    /// Whether it writes any part of a time of day (a `date` pattern may not).
    public var hasTime: Bool {
        parts.contains {
            switch $0 {
            case .hour, .minute, .second, .fraction: true
            default: false
            }
        }
    }

    /// The pattern, or why it is not one.
    public static func parse(_ text: String) -> Result<DateTimePattern, PatternError> {
        var parts: [Part] = []
        var literal = ""
        let characters = Array(text)
        var index = 0
        func flush() {
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = ""
        }
        while index < characters.count {
            let character = characters[index]
            if character == "'" {
                // 'text' is literal; '' is one quote, inside or outside quoted text.
                if index + 1 < characters.count, characters[index + 1] == "'" {
                    literal.append("'")
                    index += 2
                    continue
                }
                var end = index + 1
                var quoted = ""
                while true {
                    guard end < characters.count else { return .failure(.unclosedQuote) }
                    if characters[end] == "'" {
                        if end + 1 < characters.count, characters[end + 1] == "'" {
                            quoted.append("'")
                            end += 2
                            continue
                        }
                        break
                    }
                    quoted.append(characters[end])
                    end += 1
                }
                literal += quoted
                index = end + 1
                continue
            }
            guard character.isASCII, character.isLetter else {
                literal.append(character)
                index += 1
                continue
            }
            var run = 1
            while index + run < characters.count, characters[index + run] == character { run += 1 }
            let part: Part
            switch (character, run) {
            case ("y", 4): part = .year(digits: 4)
            case ("y", 2): part = .year(digits: 2)
            case ("M", 1), ("M", 2): part = .month(padded: run == 2)
            case ("d", 1), ("d", 2): part = .day(padded: run == 2)
            case ("H", 1), ("H", 2): part = .hour(padded: run == 2)
            case ("m", 1), ("m", 2): part = .minute(padded: run == 2)
            case ("s", 1), ("s", 2): part = .second(padded: run == 2)
            case ("S", 3), ("S", 6): part = .fraction(digits: run)
            default: return .failure(.unknownLetters(String(repeating: character, count: run)))
            }
            flush()
            parts.append(part)
            index += run
        }
        flush()
        guard !parts.isEmpty else { return .failure(.empty) }
        return .success(DateTimePattern(parts: parts, text: text))
    }

    public enum PatternError: Error, Equatable, CustomStringConvertible {
        case empty
        case unclosedQuote
        case unknownLetters(String)

        public var description: String {
            switch self {
            case .empty: "is empty"
            case .unclosedQuote: "has a ' that is not closed"
            case .unknownLetters(let letters):
                "has '\(letters)', which is not one of yyyy yy MM M dd d HH H mm m ss s SSS SSSSSS (quote literal text with ')"
            }
        }
    }

    public func format(_ time: MySQLDateTime) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let text): out += text
            case .year(let digits): out += digits == 4 ? Self.pad(time.date.year, 4) : Self.pad(time.date.year % 100, 2)
            case .month(let padded): out += padded ? Self.pad(time.date.month, 2) : String(time.date.month)
            case .day(let padded): out += padded ? Self.pad(time.date.day, 2) : String(time.date.day)
            case .hour(let padded): out += padded ? Self.pad(time.hour, 2) : String(time.hour)
            case .minute(let padded): out += padded ? Self.pad(time.minute, 2) : String(time.minute)
            case .second(let padded): out += padded ? Self.pad(time.second, 2) : String(time.second)
            case .fraction(let digits): out += digits == 6 ? Self.pad(time.microsecond, 6) : Self.pad(time.microsecond / 1000, 3)
            }
        }
        return out
    }

    public func format(_ date: MySQLDate) -> String { format(MySQLDateTime(year: date.year, month: date.month, day: date.day)) }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

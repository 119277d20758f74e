public import PorticoValues

/// How an instant is written for partners (`time:` on a datetime field, or for the whole
/// version in `_version.yaml`):
///
/// ```yaml
/// time: rfc3339              # 2024-07-01T12:00:00.5Z: fraction digits only as needed (the default)
/// time: {fraction: 3}        # 2024-07-01T12:00:00.500Z: always 0, 3 or 6 digits
/// time: {fraction: 0, offset: "+00:00"}   # 2024-07-01T12:00:00+00:00
/// time: epoch_seconds        # 1719835200, a JSON integer (fractions dropped)
/// time: epoch_milliseconds   # 1719835200500
/// ```
///
/// Filters on the field take the same form: an epoch field is filtered by integers, an RFC 3339
/// field by any RFC 3339 time (its precision and offset are not imposed on the partner).
public enum TimeFormat: Sendable, Hashable {
    /// RFC 3339 in UTC: `fraction` digits always (0, 3 or 6), or nil for as many as needed
    /// (none for whole seconds); `zulu` writes `Z`, else `+00:00`.
    case rfc3339(fraction: Int?, zulu: Bool)
    case epochSeconds
    case epochMilliseconds

    public static let standard = TimeFormat.rfc3339(fraction: nil, zulu: true)

    /// Whether the partner sees a JSON integer.
    public var isEpoch: Bool {
        if case .rfc3339 = self { return false }
        return true
    }

    /// The partner's form of a UTC instant, as text (CSV cells, ids, docs). Epochs are decimal.
    public func text(_ instant: MySQLDateTime) -> String {
        switch self {
        case .rfc3339(let fraction, let zulu): instant.rfc3339(fraction: fraction, zulu: zulu)
        case .epochSeconds: String(instant.epochSeconds)
        case .epochMilliseconds: String(instant.epochMilliseconds)
        }
    }

    /// A partner's filter value in this form, as a UTC instant; nil when it is not one.
    public func parse(_ text: String) -> MySQLDateTime? {
        switch self {
        case .rfc3339: return MySQLDateTime(rfc3339: text)
        case .epochSeconds, .epochMilliseconds:
            // Within years 1–9999, the range a DATETIME holds.
            guard text.utf8.count <= 16, let number = Int64(text), String(number) == text else { return nil }
            let perSecond: Int64 = self == .epochSeconds ? 1 : 1000
            let (seconds, rest) = number.quotientAndRemainder(dividingBy: perSecond)
            let whole = rest < 0 ? seconds - 1 : seconds
            let micro = (rest < 0 ? rest + perSecond : rest) * (1_000_000 / perSecond)
            guard whole >= -62_135_596_800, whole <= 253_402_300_799 else { return nil }
            return MySQLDateTime(epochSeconds: Int(whole), microsecond: Int(micro))
        }
    }

    /// An example of the form, for error messages.
    public var example: String { text(MySQLDateTime(year: 2024, month: 1, day: 1, hour: 0, minute: 0, second: 0)) }

    /// What the form is called in error messages.
    public var name: String {
        switch self {
        case .rfc3339: "an RFC 3339 time"
        case .epochSeconds: "a Unix time in seconds"
        case .epochMilliseconds: "a Unix time in milliseconds"
        }
    }

    static let names = ["rfc3339", "epoch_seconds", "epoch_milliseconds"]

    /// `time:` as a name or `{fraction:, offset:}`.
    static func parse(_ node: MappingNode, in what: String, into diagnostics: inout DiagnosticCollector) -> TimeFormat? {
        if let name = node.scalar {
            switch name {
            case "rfc3339": return .standard
            case "epoch_seconds": return .epochSeconds
            case "epoch_milliseconds": return .epochMilliseconds
            default:
                diagnostics.error(
                    "'time' of \(what) is '\(name)'; use rfc3339, epoch_seconds, epoch_milliseconds or {fraction: 0|3|6, offset: Z|+00:00}"
                        + Suggestion.hint(for: name, among: names),
                    at: node.location)
                return nil
            }
        }
        guard let object = MappingObject(node, what: "'time' of \(what)", allowed: ["fraction", "offset"], into: &diagnostics) else {
            return nil
        }
        var fraction: Int?
        if let node = object["fraction"] {
            switch node.scalar {
            case "0": fraction = 0
            case "3": fraction = 3
            case "6": fraction = 6
            case "trimmed": fraction = nil
            default:
                diagnostics.error(
                    "'fraction' in 'time' of \(what) is 0, 3 or 6 digits, or trimmed (as many as needed), not \(node.scalar ?? node.kindName)",
                    at: node.location)
                return nil
            }
        }
        var zulu = true
        if let node = object["offset"] {
            switch node.scalar {
            case "Z": zulu = true
            case "+00:00": zulu = false
            default:
                diagnostics.error(
                    "'offset' in 'time' of \(what) is Z or \"+00:00\", not \(node.scalar ?? node.kindName)",
                    at: node.location)
                return nil
            }
        }
        return .rfc3339(fraction: fraction, zulu: zulu)
    }
}

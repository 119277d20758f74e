import Foundation

/// IANA zone names, checked against the system's zone database at compile time of a catalog.
enum TimeZones {
    static func isKnown(_ name: String) -> Bool {
        name == "UTC" || TimeZone(identifier: name) != nil
    }

    /// Names offered as "did you mean" suggestions.
    static let common = TimeZone.knownTimeZoneIdentifiers
}

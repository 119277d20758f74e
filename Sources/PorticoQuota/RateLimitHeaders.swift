/// `RateLimit-Policy` and `RateLimit` fields as draft-ietf-httpapi-ratelimit-headers (revision
/// 11) defines them: Structured Field lists of named policies, `q` (quota) and `w` (window)
/// for a policy, `r` (remaining) and `t` (seconds to reset) for its current state.
public enum RateLimitHeaders {
    public static func policy(_ policies: [(name: String, quota: Int, window: Int)]) -> String {
        list(policies.map { ($0.name, "q", $0.quota, "w", $0.window) })
    }

    public static func state(_ states: [(name: String, remaining: Int, reset: Int)]) -> String {
        list(states.map { ($0.name, "r", $0.remaining, "t", $0.reset) })
    }

    /// `"name";a=1;b=2, …`, appended piece by piece (on every authenticated response).
    static func list(_ items: [(String, String, Int, String, Int)]) -> String {
        var text = ""
        text.reserveCapacity(32 * items.count)
        for (index, (name, first, a, second, b)) in items.enumerated() {
            if index > 0 { text += ", " }
            text += "\""
            text += name
            text += "\";"
            text += first
            text += "="
            text += String(a)
            text += ";"
            text += second
            text += "="
            text += String(b)
        }
        return text
    }

    /// The draft's problem type for a request over a limit.
    public static let quotaExceededType = "https://iana.org/assignments/http-problem-types#quota-exceeded"
}

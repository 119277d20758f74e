/// `RateLimit-Policy` and `RateLimit` fields as draft-ietf-httpapi-ratelimit-headers (revision
/// 11) defines them: Structured Field lists of named policies, `q` (quota) and `w` (window)
/// for a policy, `r` (remaining) and `t` (seconds to reset) for its current state.
public enum RateLimitHeaders {
    public static func policy(_ policies: [(name: String, quota: Int, window: Int)]) -> String {
        policies.map { "\"\($0.name)\";q=\($0.quota);w=\($0.window)" }.joined(separator: ", ")
    }

    public static func state(_ states: [(name: String, remaining: Int, reset: Int)]) -> String {
        states.map { "\"\($0.name)\";r=\($0.remaining);t=\($0.reset)" }.joined(separator: ", ")
    }

    /// The draft's problem type for a request over a limit.
    public static let quotaExceededType = "https://iana.org/assignments/http-problem-types#quota-exceeded"
}

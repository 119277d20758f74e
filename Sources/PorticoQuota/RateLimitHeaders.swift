/// `RateLimit-Policy` and `RateLimit` fields as draft-ietf-httpapi-ratelimit-headers (revision
/// 11) defines them: Structured Field lists of named policies, `q` (quota) and `w` (window)
/// for a policy, `r` (remaining) and `t` (seconds to reset) for its current state.
///
/// Both fields are written on every authenticated response, so they are built together, policy
/// by policy, straight into their two strings.
public struct RateLimitHeaders: Sendable {
    /// `"name";q=…;w=…, …`
    public private(set) var policy = ""
    /// `"name";r=…;t=…, …`
    public private(set) var state = ""

    public init() {}

    /// One policy: its quota and window, and what is left of it and when it resets (seconds).
    public mutating func add(_ name: String, quota: Int, window: Int, remaining: Int, reset: Int) {
        Self.append(name, "q", quota, "w", window, to: &policy)
        Self.append(name, "r", remaining, "t", reset, to: &state)
    }

    static func append(_ name: String, _ first: StaticString, _ a: Int, _ second: StaticString, _ b: Int, to text: inout String) {
        if text.isEmpty { text.reserveCapacity(64) } else { text += ", " }
        text += "\""
        text += name
        text += "\";"
        text += first.description
        text += "="
        text += String(a)
        text += ";"
        text += second.description
        text += "="
        text += String(b)
    }

    /// The draft's problem type for a request over a limit.
    public static let quotaExceededType = "https://iana.org/assignments/http-problem-types#quota-exceeded"
}

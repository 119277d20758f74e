import PorticoValues

/// `RateLimit-Policy` and `RateLimit` fields as draft-ietf-httpapi-ratelimit-headers (revision
/// 11) defines them: Structured Field lists of named policies, `q` (quota) and `w` (window)
/// for a policy, `r` (remaining) and `t` (seconds to reset) for its current state.
///
/// Both fields are written on every authenticated response, so they are built together, policy
/// by policy, straight into their two strings.
public struct RateLimitHeaders: Sendable {
    private var policyBytes: [UInt8] = []
    private var stateBytes: [UInt8] = []

    /// `"name";q=…;w=…, …`
    public var policy: String { String(decoding: policyBytes, as: UTF8.self) }
    /// `"name";r=…;t=…, …`
    public var state: String { String(decoding: stateBytes, as: UTF8.self) }

    public init() {}

    /// One policy: its quota and window, and what is left of it and when it resets (seconds).
    public mutating func add(_ name: String, quota: Int, window: Int, remaining: Int, reset: Int) {
        Self.append(name, UInt8(ascii: "q"), quota, UInt8(ascii: "w"), window, to: &policyBytes)
        Self.append(name, UInt8(ascii: "r"), remaining, UInt8(ascii: "t"), reset, to: &stateBytes)
    }

    /// Bytes, not `String` appends: a 429 builds both fields, and `String` appends are dear on
    /// a path that must stay cheap.
    static func append(_ name: String, _ first: UInt8, _ a: Int, _ second: UInt8, _ b: Int, to bytes: inout [UInt8]) {
        if bytes.isEmpty {
            bytes.reserveCapacity(64)
        } else {
            bytes.append(UInt8(ascii: ","))
            bytes.append(UInt8(ascii: " "))
        }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ";"))
        bytes.append(first)
        bytes.append(UInt8(ascii: "="))
        DecimalDigits.append(Int64(a), to: &bytes)
        bytes.append(UInt8(ascii: ";"))
        bytes.append(second)
        bytes.append(UInt8(ascii: "="))
        DecimalDigits.append(Int64(b), to: &bytes)
    }

    /// The draft's problem type for a request over a limit.
    public static let quotaExceededType = "https://iana.org/assignments/http-problem-types#quota-exceeded"
}

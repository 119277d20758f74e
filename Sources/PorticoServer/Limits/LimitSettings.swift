import HTTPTypes
import Hummingbird
public import PorticoQuota

/// Limits for partners and for anonymous traffic.
///
/// These are the defaults; a partner's plan (`portico plan`) overrides the partner limits.
public struct LimitSettings: Sendable {
    /// A partner's rate: `limit` requests per `window` seconds, bursts of `burst`.
    public var partner: RatePolicy
    /// Requests one partner may have in flight at once.
    public var maxInFlight: Int
    /// Requests without a valid credential, per client address: bounds key guessing.
    public var anonymous: RatePolicy
    /// What an export (NDJSON, or CSV without a limit) costs, in requests.
    public var exportCost: Int
    /// Proxies whose `X-Forwarded-For` is believed (their own address is not the client's).
    public var trustedProxies: Set<String>
    /// Token requests per OAuth client (`POST /oauth/token`).
    public var tokenRequests: RatePolicy

    public init(
        partner: RatePolicy = RatePolicy(name: "default", limit: 600, window: 60, burst: 100), maxInFlight: Int = 16,
        anonymous: RatePolicy = RatePolicy(name: "anonymous", limit: 60, window: 60, burst: 20), exportCost: Int = 10,
        trustedProxies: Set<String> = [], tokenRequests: RatePolicy = RatePolicy(name: "token", limit: 60, window: 60, burst: 10)
    ) {
        self.tokenRequests = tokenRequests
        self.partner = partner
        self.maxInFlight = maxInFlight
        self.anonymous = anonymous
        self.exportCost = exportCost
        self.trustedProxies = trustedProxies
    }
}

/// The limiters one process holds: in memory, so limiting adds no database round trip.
public struct Limits: Sendable {
    public let settings: LimitSettings
    public let rates: RateLimiter
    public let inFlight = InFlightLimiter()
    /// Daily and monthly quotas shared through Portico's schema; nil when none are set.
    public let quotas: QuotaStore?

    public init(settings: LimitSettings, clock: any LimiterClock = SystemLimiterClock(), quotas: QuotaStore? = nil) {
        self.settings = settings
        rates = RateLimiter(clock: clock)
        self.quotas = quotas
    }

    /// The client's address: the peer, or the last `X-Forwarded-For` hop when the peer is a trusted proxy.
    func clientAddress(_ request: Request, _ context: PorticoRequestContext) -> String {
        let peer = context.remoteAddress ?? "unknown"
        guard settings.trustedProxies.contains(peer),
            let forwarded = request.headers[.xForwardedFor]?.split(separator: ",").last
        else { return peer }
        return String(forwarded).trimmingBlanks
    }

    /// A 429 in the draft's `quota-exceeded` form, naming the violated policy.
    static func exceeded(_ policy: String, retryAfter: Int, detail: String, headers: HTTPFields) -> Problem {
        var fields = headers
        fields.set(.retryAfter, String(retryAfter))
        var problem = Problem(.quotaExceeded, detail: detail, headers: fields)
        problem.violatedPolicies = [policy]
        return problem
    }
}

extension RateLimitHeaders {
    /// `RateLimit-Policy` and `RateLimit`, appended rather than built from a dictionary literal,
    /// which checks every pair for duplicates.
    var headerFields: HTTPFields {
        var headers = HTTPFields()
        headers.reserveCapacity(4)
        headers.append(HTTPField(name: .rateLimitPolicy, value: policy))
        headers.append(HTTPField(name: .rateLimit, value: state))
        return headers
    }
}

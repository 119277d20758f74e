import HTTPTypes
import Hummingbird
import PorticoAccess
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

    /// The limits a configuration sets. Every default is ``ConfigSchema``'s: the bursts of the
    /// address and token limits are a third and a sixth of their per-minute rates.
    public init(_ config: EffectiveConfig) {
        partner = RatePolicy(
            name: "default", limit: config.number("limits.rate_limit"), window: config.number("limits.rate_window"),
            burst: config.number("limits.rate_burst"))
        maxInFlight = config.number("limits.max_in_flight")
        let anonymous = config.number("limits.anonymous_limit")
        self.anonymous = RatePolicy(name: "anonymous", limit: anonymous, window: 60, burst: max(1, anonymous / 3))
        exportCost = config.number("limits.export_cost")
        trustedProxies = Set(config.list("limits.trusted_proxies"))
        let tokens = config.number("oauth.token_request_limit")
        tokenRequests = RatePolicy(name: "token", limit: tokens, window: 60, burst: max(1, tokens / 6))
    }

    /// ``ConfigSchema``'s defaults, as an unconfigured `portico serve` has them.
    public static let standard = LimitSettings(EffectiveConfig(values: [:], file: nil))

    /// A copy with some settings changed: `LimitSettings.standard.with { $0.exportCost = 3 }`.
    public func with(_ change: (inout LimitSettings) -> Void) -> LimitSettings {
        var copy = self
        change(&copy)
        return copy
    }
}

/// The limiters one process holds: in memory, so limiting adds no database round trip.
public struct Limits: Sendable {
    public let settings: LimitSettings
    public let rates: RateLimiter
    public let inFlight = InFlightLimiter()
    /// Response bytes per partner today, shown by `/usage`.
    public let transfer = TransferCounter()
    /// Daily and monthly quotas shared through Portico's schema; nil when none are set.
    public let quotas: QuotaStore?

    /// - Parameter share: the fleet this instance shares its rates with (``FleetMembership``);
    ///   nil when its rates are its own.
    public init(settings: LimitSettings, clock: any LimiterClock = SystemLimiterClock(), quotas: QuotaStore? = nil, share: RateShare? = nil) {
        self.settings = settings
        rates = RateLimiter(clock: clock, share: share)
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

    /// What limits a principal: its plan's rate policy, in-flight cap and quotas, or the defaults.
    struct Allowance {
        let policy: RatePolicy
        let maxInFlight: Int
        /// The plan's quotas; nil for the store's own.
        let quotas: [QuotaStore.Quota]?
        let exportCost: Int
    }

    func allowance(_ principal: Principal) -> Allowance {
        guard let plan = principal.plan else {
            return Allowance(policy: settings.partner, maxInFlight: settings.maxInFlight, quotas: nil, exportCost: settings.exportCost)
        }
        return Allowance(
            policy: RatePolicy(name: plan.name, limit: plan.rateLimit, window: plan.rateWindow, burst: plan.rateBurst),
            maxInFlight: plan.maxInFlight ?? settings.maxInFlight,
            quotas: (plan.dailyQuota.map { [QuotaStore.Quota.daily($0)] } ?? []) + (plan.monthlyQuota.map { [QuotaStore.Quota.monthly($0)] } ?? []),
            exportCost: plan.exportCost ?? settings.exportCost)
    }

    /// `RateLimit-Policy` and `RateLimit` for a partner: the rate's `decision`, and each quota as
    /// it will stand once `spent` more is used.
    func fields(_ partner: String, _ allowance: Allowance, decision: RateDecision, spent: Int) -> HTTPFields {
        let policy = allowance.policy
        var fields = RateLimitHeaders()
        fields.add(policy.name, quota: policy.limit, window: policy.window, remaining: decision.remaining, reset: decision.reset)
        if let quotas {
            for (quota, used, reset) in quotas.usage(partner, quotas: allowance.quotas) {
                fields.add(
                    quota.name, quota: quota.limit, window: quota.name == "daily" ? 86_400 : 2_592_000,
                    remaining: max(0, quota.limit - used - spent), reset: reset)
            }
        }
        return fields.headerFields
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

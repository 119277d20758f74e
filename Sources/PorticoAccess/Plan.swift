/// A partner's limits, kept in Portico's schema (`portico plan set`, `portico partner plan`).
/// Partners without a plan get the defaults `portico serve` was started with.
public struct Plan: Sendable, Equatable {
    public let name: String
    /// `rateLimit` requests per `rateWindow` seconds, in bursts of up to `rateBurst`.
    public let rateLimit: Int
    public let rateWindow: Int
    public let rateBurst: Int
    public let maxInFlight: Int
    /// What an export costs, in requests.
    public let exportCost: Int
    public let dailyQuota: Int?
    public let monthlyQuota: Int?

    public init(
        name: String, rateLimit: Int, rateWindow: Int, rateBurst: Int, maxInFlight: Int, exportCost: Int, dailyQuota: Int?, monthlyQuota: Int?
    ) {
        self.name = name
        self.rateLimit = rateLimit
        self.rateWindow = rateWindow
        self.rateBurst = rateBurst
        self.maxInFlight = maxInFlight
        self.exportCost = exportCost
        self.dailyQuota = dailyQuota
        self.monthlyQuota = monthlyQuota
    }
}

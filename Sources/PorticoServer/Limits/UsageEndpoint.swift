import Hummingbird
import NIOCore
import PorticoAccess
import PorticoCatalog
import PorticoQuota
import PorticoShape

/// `GET /api/{version}/usage`: the partner's plan and its current state in this instance
/// (GitHub's `/rate_limit` in spirit). Checking it does not count against the rate.
struct UsageEndpoint {
    let limits: Limits

    func response(_ context: PorticoRequestContext) throws -> Response {
        guard let principal = context.principal else { throw Problem.notFound("/usage") }
        // A version whose contract has no usage endpoint does not serve one.
        if let route = context.route, !route.extras.usage { throw Problem.notFound("/api/\(route.version)/usage") }
        let plan = principal.plan
        let policy =
            plan.map { RatePolicy(name: $0.name, limit: $0.rateLimit, window: $0.rateWindow, burst: $0.rateBurst) } ?? limits.settings.partner
        let quotas = plan.map { plan in
            (plan.dailyQuota.map { [QuotaStore.Quota.daily($0)] } ?? []) + (plan.monthlyQuota.map { [QuotaStore.Quota.monthly($0)] } ?? [])
        }
        let state = limits.rates.peek(principal.partner, policy)
        var json = "{\"partner\":"
        json += JSONWriter.quoted(principal.partner)
        json += ",\"plan\":{\"name\":"
        json += JSONWriter.quoted(policy.name)
        json += ",\"rate\":{\"limit\":\(policy.limit),\"window_seconds\":\(policy.window),\"burst\":\(policy.burst)}"
        json +=
            ",\"max_in_flight\":\(plan?.maxInFlight ?? limits.settings.maxInFlight),\"export_cost\":\(plan?.exportCost ?? limits.settings.exportCost)}"
        json += ",\"rate\":{\"remaining\":\(state.remaining),\"reset_seconds\":\(state.reset)}"
        json += ",\"in_flight\":\(limits.inFlight.current(principal.partner)),\"quotas\":["
        json += (limits.quotas?.usage(principal.partner, quotas: quotas) ?? []).map { quota, used, reset in
            "{\"name\":\"\(quota.name)\",\"limit\":\(quota.limit),\"used\":\(used),\"reset_seconds\":\(reset)}"
        }.joined(separator: ",")
        let transfer = limits.transfer.today(principal.partner)
        json += "],\"transfer\":{\"bytes_today\":\(transfer.bytes),\"reset_seconds\":\(transfer.resetSeconds)}}"
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}

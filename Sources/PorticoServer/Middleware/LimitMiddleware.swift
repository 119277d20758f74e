import Hummingbird
import PorticoAccess
import PorticoCatalog
import PorticoQuota

/// Rate limit and in-flight cap per partner, after authentication. Every authenticated
/// response, errors included, carries `RateLimit-Policy` and `RateLimit`; a refused request is
/// a 429 with `Retry-After` and consumes nothing (returned, not thrown: see ``Problem/answer(_:)``).
struct LimitMiddleware: RouterMiddleware {
    typealias Context = PorticoRequestContext
    let limits: Limits

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let principal = context.principal else { return try await next(request, context) }
        let allowance = limits.allowance(principal)
        let policy = allowance.policy
        let proxied = context.route?.proxy
        let cost = proxied.map(\.route.cost) ?? (context.route?.isExport == true ? allowance.exportCost : 1)
        // Asking how much is left must not use any of it.
        let isUsage = context.route?.target == .usage
        let decision = isUsage ? limits.rates.peek(principal.partner, policy) : limits.rates.acquire(principal.partner, policy, cost: cost)
        let headers = limits.fields(principal.partner, allowance, decision: decision, spent: decision.allowed && !isUsage ? cost : 0)
        guard decision.allowed else {
            return Limits.exceeded(
                policy.name, retryAfter: decision.retryAfter,
                detail: cost > 1
                    ? "Exports cost \(cost) requests; the rate allows more in \(decision.retryAfter) s."
                    : "Slow down: the rate allows another request in \(decision.retryAfter) s.", headers: headers
            ).answer(context)
        }
        if !isUsage, let store = limits.quotas,
            case .exceeded(let quota, let retryAfter) = store.acquire(principal.partner, cost: cost, quotas: allowance.quotas)
        {
            return Limits.exceeded(
                quota, retryAfter: retryAfter, detail: "The \(quota) quota is used up; it renews in \(retryAfter) s.", headers: headers
            )
            .answer(context)
        }
        if isUsage {
            var response = try await next(request, context)
            for field in headers { response.headers[field.name] = field.value }
            return response
        }
        guard limits.inFlight.acquire(principal.partner, limit: allowance.maxInFlight) else {
            return Limits.exceeded(
                "in-flight", retryAfter: 1, detail: "At most \(allowance.maxInFlight) requests may be in flight at once.", headers: headers
            )
            .answer(context)
        }
        let partner = principal.partner
        do {
            var response = try await next(request, context)
            for field in headers { response.headers[field.name] = field.value }
            if response.body.contentLength == nil || proxied != nil {
                // A streamed export or proxied download is in flight until its last byte is
                // written, not until the handler returns: release the slot when the body is done.
                let body = response.body
                let inFlight = limits.inFlight
                let transfer = limits.transfer
                response.body = ResponseBody(contentLength: body.contentLength) { writer in
                    let counting = CountingWriter(base: writer)
                    defer {
                        inFlight.release(partner)
                        transfer.add(partner, bytes: counting.bytes)
                    }
                    try await body.write(counting)
                }
            } else {
                limits.inFlight.release(partner)
                if request.method != .head { limits.transfer.add(partner, bytes: response.body.contentLength ?? 0) }
            }
            return response
        } catch let error as Problem {
            limits.inFlight.release(partner)
            var problem = error
            for field in headers where problem.headers[field.name] == nil { problem.headers[field.name] = field.value }
            throw problem
        } catch {
            limits.inFlight.release(partner)
            throw error
        }
    }
}

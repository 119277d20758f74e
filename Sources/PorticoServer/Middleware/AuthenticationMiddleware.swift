import Hummingbird
import Logging
import PorticoAccess
import PorticoMySQL
import PorticoQuota

/// Authenticates `/api` requests: `Authorization: Bearer <key or JWT>` or `X-API-Key: <key>` (never the
/// query string, where keys leak into logs). Sets the principal; the route checks the scope.
///
/// - No credential: 401 with `WWW-Authenticate: Bearer` and no error code (RFC 6750 §3.1).
/// - A credential that is not valid: 401 with `error="invalid_token"`; the body is the same
///   whether the key is unknown, malformed, revoked or expired (the log says which).
/// - A credential without the route's scope: 403 with `error="insufficient_scope"`, answered
///   here, before the limits and the handler (which check again): like a 401 it is a cache hit
///   and a comparison, so it costs about as much. It uses nothing up, and its limit fields say
///   how the partner's limits stand.
/// - Each failed attempt (no credential, or one that is not valid) counts against the client
///   address's `anonymous` policy. Past it, the address's failing requests are 429s and its
///   unknown credentials cause no lookup at all; a credential that authenticates is served
///   whatever its address has done, and is limited only by its own partner's policy.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = PorticoRequestContext
    let authenticator: Authenticator?
    let developmentPrincipal: Principal?
    let limits: Limits?
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let presented = Presented(request)
        // The per-address limit counts only failed attempts, and refuses only requests that fail:
        // partners share egress addresses, so a misconfigured client must not lock out a good one.
        // An address over it may still authenticate, but its unknown credentials cause no lookup.
        // Asked only when that matters (a lookup, a refusal): a credential the caches know, which
        // is nearly every request, costs neither the address's text nor its limiter.
        var address: String?
        func clientAddress() -> String {
            if let address { return address }
            let found = self.clientAddress(request, context)
            address = found
            return found
        }
        var over: Limits??
        func overLimit() -> Limits? {
            if let over { return over }
            let found = limits.flatMap { limits in
                (presented.token != nil || developmentPrincipal == nil)
                    && !limits.rates.wouldAllow("addr:" + clientAddress(), limits.settings.anonymous) ? limits : nil
            }
            over = .some(found)
            return found
        }
        let principal: Principal
        do {
            principal = try await authenticate(presented, context: context, lookups: { overLimit() == nil ? .allowed : .knownCredentialsOnly })
        } catch let problem as Problem where problem.status == .unauthorized {
            if let overLimit = overLimit() { return anonymousExceeded(overLimit, clientAddress()).answer(context) }
            if let limits { _ = limits.rates.acquire("addr:" + clientAddress(), limits.settings.anonymous) }
            return problem.answer(context)
        }
        context.principal = principal
        context.trace.identify(partner: principal.partner, credentialID: principal.credentialID)
        if let route = context.route, let needed = route.scopeNeeded(request.method), !principal.holds(needed.scope) {
            var refusal = route.scopeRefusal(needed)
            if let limits {
                let allowance = limits.allowance(principal)
                let decision = limits.rates.peek(principal.partner, allowance.policy)
                refusal.headers.append(contentsOf: limits.fields(principal.partner, allowance, decision: decision, spent: 0))
            }
            return refusal.answer(context)
        }
        return try await next(request, context)
    }

    func anonymousExceeded(_ limits: Limits, _ address: String) -> Problem {
        let decision = limits.rates.peek("addr:" + address, limits.settings.anonymous)
        let anonymous = limits.settings.anonymous
        var fields = RateLimitHeaders()
        fields.add(anonymous.name, quota: anonymous.limit, window: anonymous.window, remaining: decision.remaining, reset: decision.reset)
        let headers = fields.headerFields
        return Limits.exceeded(
            anonymous.name, retryAfter: max(1, decision.reset),
            detail: "Too many requests without a valid credential from this address.", headers: headers)
    }

    func clientAddress(_ request: Request, _ context: Context) -> String {
        limits?.clientAddress(request, context) ?? context.remoteAddress ?? "unknown"
    }

    /// The principal of the request's credential (or the development principal).
    ///
    /// - Throws: a 401 ``Problem`` when there is no valid credential; a 503 when it cannot be checked.
    func authenticate(_ presented: Presented, context: Context, lookups: () -> Authenticator.Lookups) async throws -> Principal {
        // Two credentials at once (RFC 6750 §2: one method per request) are refused, not ranked:
        // a bad one must never pass because a good one came along.
        if presented.both {
            logger.info("invalid credential", metadata: ["request_id": "\(context.requestID)", "reason": "both Authorization and X-API-Key"])
            throw Self.invalidToken
        }
        guard let token = presented.token else {
            if let developmentPrincipal { return developmentPrincipal }
            throw Problem(
                .unauthorized, detail: "Send an API key or an access token as 'Authorization: Bearer <credential>', or a key as 'X-API-Key: <key>'.",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        guard let authenticator else { throw Self.invalidToken }
        let outcome: Authenticator.Outcome
        do {
            outcome = try await authenticator.authenticate(token: token, lookups: lookups)
        } catch {
            logger.error("credential lookup failed", metadata: ["request_id": "\(context.requestID)", "error": "\(error)"])
            throw Problem.unavailable("Credentials cannot be checked right now; retry shortly.", retryAfter: 2)
        }
        switch outcome {
        case .authenticated(let principal):
            return principal
        case .invalid(let reason):
            logger.info("invalid credential", metadata: ["request_id": "\(context.requestID)", "reason": "\(reason)"])
            throw Self.invalidToken
        }
    }

    /// The credential a request presents, from its headers read once.
    struct Presented {
        /// `Authorization: Bearer …` if present, else `X-API-Key`, without surrounding blanks.
        let token: String?
        /// Both a bearer credential and an `X-API-Key`.
        let both: Bool

        init(_ request: Request) {
            let apiKey = request.headers.value(.xAPIKey)
            if let authorization = request.headers.value(.authorization), ASCIIText.hasPrefix(authorization, "bearer ") {
                // "bearer " is ASCII, so the seventh byte starts the credential.
                token = Substring(authorization.utf8.dropFirst(7)).trimmingBlanks
                both = apiKey != nil
            } else {
                token = apiKey.map { Substring($0).trimmingBlanks }
                both = false
            }
        }
    }

    static var invalidToken: Problem {
        Problem(
            .invalidToken, detail: "The credential is not valid. Check the key, or ask for a new one.",
            headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
    }
}

/// A partner's own identity provider, trusted to issue access tokens for named partners.
///
/// ```yaml
/// issuers:
///   - issuer: https://login.globex.example
///     audience: https://api.tradeflow.example
///     jwks_url: https://login.globex.example/.well-known/jwks.json   # or jwks_file
///     partner_claim: azp             # the claim that names the caller (default sub)
///     partners: { globex-etl: globex }   # claim value → Portico partner; nothing else is accepted
///     scope_claim: scope             # a space-separated string or an array (default scope)
///     scopes: [orders:read]          # the most this issuer may grant (default: no limit)
///     algorithms: [RS256]            # default [RS256, ES256]
///     types: [at+jwt, jwt]           # accepted typ values (default at+jwt and jwt)
///     leeway: 30                     # seconds, at most 60
/// ```
public struct ExternalIssuer: Sendable {
    public enum KeySource: Sendable, Equatable {
        case url(String)
        case file(String)
    }

    public var policy: TokenPolicy
    public var keys: KeySource
    public var partnerClaim: String
    public var partners: [String: String]
    public var scopeClaim: String
    public var maxScopes: Set<String>?
    /// Least time between two JWKS fetches caused by an unknown `kid`, in seconds.
    public var refetchCooldown: Int
    /// How long fetched keys are used before they are fetched again, in seconds.
    public var refreshInterval: Int

    public init(
        policy: TokenPolicy, keys: KeySource, partnerClaim: String = "sub", partners: [String: String],
        scopeClaim: String = "scope", maxScopes: Set<String>? = nil, refetchCooldown: Int = 60, refreshInterval: Int = 900
    ) {
        self.policy = policy
        self.keys = keys
        self.partnerClaim = partnerClaim
        self.partners = partners
        self.scopeClaim = scopeClaim
        self.maxScopes = maxScopes
        self.refetchCooldown = refetchCooldown
        self.refreshInterval = refreshInterval
    }

    /// The partner a verified token speaks for, or nil when the issuer may not name it.
    func partner(in claims: [String: JSONClaim]) -> String? {
        claims[partnerClaim]?.string.flatMap { partners[$0] }
    }

    /// The scopes a verified token grants, capped by ``maxScopes``.
    func scopes(in claims: [String: JSONClaim]) -> Set<String> {
        let named: [String]
        switch claims[scopeClaim] {
        case .string(let text)?: named = text.split(separator: " ").map(String.init)
        case let value?: named = value.strings
        case nil: named = []
        }
        let scopes = Set(named)
        return maxScopes.map { scopes.intersection($0) } ?? scopes
    }
}

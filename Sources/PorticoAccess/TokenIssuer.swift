public import Foundation
import JWTKit
public import Logging

/// Settings of Portico's own authorization server.
public struct TokenSettings: Sendable {
    /// The `iss` of issued tokens and the metadata's `issuer`: Portico's public base URL.
    public var issuer: String
    /// The `aud` of issued tokens (default: the issuer followed by `/api`).
    public var audience: String
    /// Access-token lifetime, in seconds.
    public var lifetime: Int
    /// Clock skew accepted when verifying, in seconds (max 60).
    public var leeway: Int

    public init(issuer: String, audience: String? = nil, lifetime: Int = 900, leeway: Int = 30) {
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        self.issuer = base
        self.audience = audience ?? base + "/api"
        self.lifetime = lifetime
        self.leeway = min(max(leeway, 0), TokenPolicy.maxLeeway)
    }

    var policy: TokenPolicy {
        TokenPolicy(issuer: issuer, audience: audience, algorithms: [SigningKeyStore.algorithm], types: ["at+jwt"], leeway: leeway)
    }
}

/// An OAuth 2 error response (RFC 6749 §5.2).
public struct OAuthError: Error, Sendable, Equatable {
    public let code: String
    public let description: String

    public init(code: String, description: String) {
        self.code = code
        self.description = description
    }

    public static func invalidRequest(_ text: String) -> OAuthError { OAuthError(code: "invalid_request", description: text) }
    public static let invalidClient = OAuthError(code: "invalid_client", description: "Client authentication failed.")
    public static func invalidScope(_ text: String) -> OAuthError { OAuthError(code: "invalid_scope", description: text) }
    public static let unsupportedGrantType = OAuthError(
        code: "unsupported_grant_type", description: "Only grant_type=client_credentials is supported.")
}

/// The client-credentials grant: authenticates a client and signs an RFC 9068 access token.
public final class TokenIssuer: Sendable {
    public struct Issued: Sendable {
        public let accessToken: String
        public let expiresIn: Int
        public let scopes: [String]
    }

    public let settings: TokenSettings
    public let keys: SigningKeyStore
    let store: any AccessStore
    let logger: Logger
    private let clients = TTLCache<ClientRecord?>(ttl: Authenticator.keyTTL)

    /// - Parameters:
    ///   - settings: the issuer, audience and lifetimes of the tokens.
    ///   - store: Portico's state: clients and signing keys.
    ///   - logger: where refused token requests are explained.
    public init(settings: TokenSettings, store: any AccessStore, logger: Logger) {
        self.settings = settings
        self.store = store
        self.logger = logger
        keys = SigningKeyStore(store: store, logger: logger)
    }

    /// Authenticates the client and issues a token for `requested` scopes (nil: all it holds).
    /// `admit` runs once the client is authenticated, before anything is signed: the per-client
    /// rate limit, which a caller without the secret therefore cannot use up.
    public func issue(
        clientID: String, secret: String, requested: [String]?, now: Date = Date(),
        admit: (String) -> OAuthError? = { _ in nil }
    ) async throws -> Result<Issued, OAuthError> {
        guard ClientCredentials.isWellFormedID(clientID), ClientCredentials.isWellFormedSecret(secret),
            let record = try await client(clientID)
        else { return .failure(.invalidClient) }
        let hash = ClientCredentials.hash(secret)
        let nowSeconds = Int(now.timeIntervalSince1970)
        let current = ApiKey.constantTimeEqual(record.secretHash, hash)
        let previous =
            record.previousSecretHash.map { ApiKey.constantTimeEqual($0, hash) } ?? false
            && (record.previousValidUntil ?? 0) > nowSeconds
        guard current || previous, !record.revoked, record.partnerActive else {
            logger.info(
                "token request refused",
                metadata: ["client_id": "\(clientID)", "revoked": "\(record.revoked)", "partner_active": "\(record.partnerActive)"])
            return .failure(.invalidClient)
        }
        let granted: [String]
        if let requested {
            let unknown = requested.filter { !record.scopes.contains($0) }
            guard unknown.isEmpty else { return .failure(.invalidScope("This client may not request: \(unknown.joined(separator: " ")).")) }
            granted = Array(Set(requested)).sorted()
        } else {
            granted = record.scopes.sorted()
        }
        if let refusal = admit(clientID) { return .failure(refusal) }
        let key = try await keys.signingKey()
        let claims = AccessTokenClaims(
            iss: settings.issuer, sub: record.partner, aud: settings.audience, client_id: clientID, scope: granted.joined(separator: " "),
            iat: nowSeconds, nbf: nowSeconds, exp: nowSeconds + settings.lifetime, jti: Base62.random(22))
        var header = JWTHeader()
        header.typ = "at+jwt"
        header.alg = SigningKeyStore.algorithm
        let token = try await key.signer.sign(claims, kid: JWKIdentifier(string: key.kid), header: header)
        return .success(Issued(accessToken: token, expiresIn: settings.lifetime, scopes: granted))
    }

    /// A client's record, cached like API keys (5 s): a revoked client stops within that bound.
    func client(_ clientID: String) async throws -> ClientRecord? {
        try await clients.value(clientID) { try await store.client(clientID) }
    }
}

/// RFC 9068 access-token claims.
struct AccessTokenClaims: JWTPayload {
    let iss: String
    let sub: String
    let aud: String
    let client_id: String
    let scope: String
    let iat: Int
    let nbf: Int
    let exp: Int
    let jti: String

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

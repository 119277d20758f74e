import Foundation
import PorticoMySQL
import Synchronization

/// JWT access tokens: Portico's own (client credentials) and external issuers'.
///
/// A token's signature and claims are verified once per instance and remembered until it
/// expires (at most 10,000 tokens); what can change under a live token (its client revoked,
/// its partner disabled, narrower client scopes) is rechecked on every request through the
/// same 5 s caches as API keys.
extension Authenticator {
    struct VerifiedToken: Sendable {
        let issuer: String
        let claims: [String: JSONClaim]
        let expires: Int
    }

    func authenticate(jwt token: String, now: Date, lookups: Lookups) async throws -> Outcome {
        let nowSeconds = Int(now.timeIntervalSince1970)
        let verified: VerifiedToken
        if let cached = verifiedTokens.withLock({ $0[token] }) {
            verified = cached
        } else {
            let issuer: String
            do {
                issuer = try JWTVerifier.peek(token).claims["iss"]?.string ?? ""
            } catch {
                return .invalid(reason: "\(error)")
            }
            do {
                if let tokenIssuer, issuer == tokenIssuer.settings.issuer {
                    // An unknown kid rereads the signing keys (at most once a second), unless the caller may not cause lookups.
                    let result = try await JWTVerifier.verify(token, policy: tokenIssuer.settings.policy, now: now) { kid in
                        try await tokenIssuer.keys.verificationKey(kid, mayReread: lookups == .allowed)
                            .map { VerificationKey(collection: $0.collection, algorithms: [SigningKeyStore.algorithm]) }
                    }
                    verified = VerifiedToken(issuer: issuer, claims: result.claims, expires: result.expires)
                } else if let (external, keys) = external[issuer] {
                    let result = try await JWTVerifier.verify(token, policy: external.policy, now: now) { kid in await keys.key(kid) }
                    verified = VerifiedToken(issuer: issuer, claims: result.claims, expires: result.expires + external.policy.leeway)
                } else {
                    return .invalid(reason: "token from an issuer that is not trusted")
                }
            } catch let failure as JWTVerifier.Failure {
                return .invalid(reason: failure.description)
            }
            verifiedTokens.withLock { cache in
                if cache.count >= 10_000 { cache = cache.filter { $0.value.expires > nowSeconds } }
                if cache.count < 10_000 { cache[token] = verified }
            }
        }
        guard verified.expires > nowSeconds - (tokenIssuer?.settings.leeway ?? 0) else { return .invalid(reason: "expired token") }
        if let tokenIssuer, verified.issuer == tokenIssuer.settings.issuer {
            return try await ownPrincipal(verified, tokenIssuer)
        }
        guard let (external, _) = external[verified.issuer] else { return .invalid(reason: "issuer no longer trusted") }
        return try await externalPrincipal(verified, external)
    }

    private func ownPrincipal(_ token: VerifiedToken, _ issuer: TokenIssuer) async throws -> Outcome {
        guard let clientID = token.claims["client_id"]?.string, let client = try await issuer.client(clientID) else {
            return .invalid(reason: "token for an unknown client")
        }
        if client.revoked { return .invalid(reason: "token of revoked client \(clientID)") }
        if !client.partnerActive { return .invalid(reason: "disabled partner \(client.partner)") }
        guard token.claims["sub"]?.string == client.partner else { return .invalid(reason: "token sub does not match client \(clientID)") }
        let scopes = Set((token.claims["scope"]?.string ?? "").split(separator: " ").map(String.init)).intersection(client.scopes)
        let granted = try await tenantsOf(client.partner)
        return .authenticated(Principal(partner: client.partner, credentialID: clientID, scopes: scopes, tenants: granted, plan: client.plan))
    }

    private func externalPrincipal(_ token: VerifiedToken, _ issuer: ExternalIssuer) async throws -> Outcome {
        guard let partner = issuer.partner(in: token.claims) else { return .invalid(reason: "token names no partner this issuer may speak for") }
        guard let record = try await partnerRecord(partner) else { return .invalid(reason: "issuer names unknown partner \(partner)") }
        if !record.active { return .invalid(reason: "disabled partner \(partner)") }
        let granted = try await tenantsOf(partner)
        let caller = token.claims[issuer.partnerClaim]?.string ?? ""
        return .authenticated(
            Principal(
                partner: partner, credentialID: "ext:\(caller)", scopes: issuer.scopes(in: token.claims),
                tenants: granted, plan: record.plan))
    }

    private func partnerRecord(_ code: String) async throws -> PartnerRecord? {
        try await partnerRecords.value(code) { try await store.partner(code) }
    }
}

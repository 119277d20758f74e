import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTKit
import PorticoAccess
import PorticoMySQL
import PorticoServer
import PorticoTestSupport
import Synchronization
import Testing

/// A partner's own identity provider: its JWKS served over HTTP by a small server in the test.
@Suite("External token issuers (MariaDB)", .serialized)
struct ExternalIssuerTests {
    static let issuer = "https://login.globex.example"
    static let audience = "https://api.tradeflow.example"

    /// The identity provider: a JWKS at `/jwks.json`, and `/attacker.json` counting hits that must never come.
    final class Provider: Sendable {
        let key = P256.Signing.PrivateKey()
        let kid = Mutex("idp-1")
        let served = Atomic<Int>(0)
        let attackerHits = Atomic<Int>(0)
        let down = Atomic<Bool>(false)

        var jwks: String {
            let raw = key.publicKey.rawRepresentation
            return
                #"{"keys":[{"kty":"EC","crv":"P-256","kid":"\#(kid.withLock { $0 })","x":"\#(OAuthTests.base64URL(raw.prefix(32)))","y":"\#(OAuthTests.base64URL(raw.suffix(32)))"}]}"#
        }

        func app() -> some ApplicationProtocol {
            let router = Router()
            router.get("/jwks.json") { _, _ -> Response in
                if self.down.load(ordering: .relaxed) { return Response(status: .serviceUnavailable) }
                self.served.add(1, ordering: .relaxed)
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: self.jwks)))
            }
            router.get("/attacker.json") { _, _ -> Response in
                self.attackerHits.add(1, ordering: .relaxed)
                return Response(status: .ok, body: .init(byteBuffer: .init(string: self.jwks)))
            }
            return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        }

        func token(claims: [String: Any] = [:], header: [String: Any] = [:], kid: String? = nil) -> String {
            let now = Int(Date().timeIntervalSince1970)
            var payload: [String: Any] = [
                "iss": ExternalIssuerTests.issuer, "aud": ExternalIssuerTests.audience, "azp": "globex-etl",
                "exp": now + 300, "iat": now, "scp": ["orders:read", "customers:read"],
            ]
            for (name, value) in claims { payload[name] = value }
            var fields: [String: Any] = ["alg": "ES256", "typ": "JWT", "kid": kid ?? self.kid.withLock { $0 }]
            for (name, value) in header { fields[name] = value }
            let input = OAuthTests.encode(fields) + "." + OAuthTests.encode(payload)
            return input + "." + OAuthTests.base64URL(try! key.signature(for: Array(input.utf8)).rawRepresentation)
        }
    }

    func issuer(port: Int, partner: String) -> ExternalIssuer {
        ExternalIssuer(
            policy: TokenPolicy(issuer: Self.issuer, audience: Self.audience, algorithms: ["ES256", "RS256"], types: ["at+jwt", "jwt"]),
            keys: .url("http://127.0.0.1:\(port)/jwks.json"), partnerClaim: "azp", partners: ["globex-etl": partner], scopeClaim: "scp",
            maxScopes: ["orders:read"], refetchCooldown: 1, refreshInterval: 3600)
    }

    @Test("an external token maps to its partner and scopes; unknown kids refetch at most once per cooldown; jku is never fetched")
    func externalTokens() async throws {
        let state = MySQLConnectionPool(configuration: try TestDatabase.state(), logger: TestApp.quietLogger)
        _ = try await StateSchema.migrate(state, productSchema: "tradeflow")
        let partner = "globex-ext-\(UInt32.random(in: 0...UInt32.max))"
        _ = try await PartnerStore(pool: state).addPartner(code: partner, name: nil)
        try await PartnerStore(pool: state).grant(partner: partner, tenants: [4])
        await state.close()
        let provider = Provider()
        try await provider.app().test(.live) { idp in
            let port = try #require(idp.port)
            // Time for the cooldown moves only when the test moves it, however slow the machine.
            let clock = ManualClock()
            let (app, auth) = try OAuthTests.app(external: [issuer(port: port, partner: partner)], clock: clock)
            let source = try #require(auth.jwksSource(issuer: Self.issuer))
            try await app.test(.router) { client in
                let ok = try await OAuthTests.get(client, "/api/v1/orders?limit=100&fields=id", token: provider.token())
                #expect(ok.status == .ok, "\(String(buffer: ok.body))")
                // Capped by the issuer's configured scopes: customers:read is claimed but not granted.
                #expect(try await OAuthTests.get(client, "/api/v1/customers", token: provider.token()).status == .forbidden)
                #expect(source.fetches == 1)

                // A jku naming a loopback URL is never fetched; an unknown kid refetches once, then waits for the cooldown.
                #expect(try await OAuthTests.get(client, "/api/v1/orders", token: provider.token(kid: "unknown-0")).status == .unauthorized)
                #expect(source.fetches == 1, "an unknown kid right after a fetch fetched again")
                clock.advance(by: .milliseconds(1100))
                let forged = provider.token(header: ["jku": "http://127.0.0.1:\(port)/attacker.json"], kid: "unknown-1")
                #expect(try await OAuthTests.get(client, "/api/v1/orders", token: forged).status == .unauthorized)
                #expect(source.fetches == 2)
                #expect(try await OAuthTests.get(client, "/api/v1/orders", token: provider.token(kid: "unknown-2")).status == .unauthorized)
                #expect(source.fetches == 2, "a second unknown kid within the cooldown fetched again")
                #expect(provider.attackerHits.load(ordering: .relaxed) == 0)

                // The provider rotates its key: after the cooldown, the new kid is fetched and accepted.
                provider.kid.withLock { $0 = "idp-2" }
                clock.advance(by: .milliseconds(1100))
                #expect(try await OAuthTests.get(client, "/api/v1/orders?limit=1", token: provider.token()).status == .ok)
                #expect(source.fetches == 3)

                // The provider goes down: the keys already loaded keep working.
                provider.down.store(true, ordering: .relaxed)
                clock.advance(by: .milliseconds(1100))
                #expect(try await OAuthTests.get(client, "/api/v1/orders?limit=1", token: provider.token(kid: "unknown-3")).status == .unauthorized)
                #expect(try await OAuthTests.get(client, "/api/v1/orders?limit=1", token: provider.token()).status == .ok)

                // Claims the issuer may not make: another caller, a wrong audience, an expired token.
                for bad in [
                    provider.token(claims: ["azp": "someone-else"]), provider.token(claims: ["aud": "https://api.other.example"]),
                    provider.token(claims: ["exp": Int(Date().timeIntervalSince1970) - 120]),
                    provider.token(header: ["typ": "dpop+jwt"]),
                ] {
                    let response = try await OAuthTests.get(client, "/api/v1/orders?limit=1", token: bad)
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] == "Bearer error=\"invalid_token\"")
                }
            }
        }
    }
}

extension OAuthTests {
    static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func encode(_ object: [String: Any]) -> String {
        base64URL(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }
}

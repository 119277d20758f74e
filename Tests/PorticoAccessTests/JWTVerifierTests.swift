import Crypto
import Foundation
import JWTKit
import Testing

@testable import PorticoAccess

/// RFC 8725 checks on hand-made tokens: no database, no network.
@Suite("JWT verification")
struct JWTVerifierTests {
    static let issuer = "https://login.globex.example"
    static let audience = "https://api.tradeflow.example"
    let signingKey = P256.Signing.PrivateKey()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    var policy: TokenPolicy {
        TokenPolicy(issuer: Self.issuer, audience: Self.audience, algorithms: ["ES256", "RS256"], types: ["at+jwt"], leeway: 30)
    }

    /// The trusted key, as a verifier finds it by kid; `asked` records every kid looked up.
    func keys(_ asked: LookupLog = LookupLog()) async throws -> (String) async throws -> VerificationKey? {
        let collection = JWTKeyCollection()
        await collection.add(ecdsa: try ES256PublicKey(backing: signingKey.publicKey), kid: "k1")
        return { kid in
            asked.record(kid)
            return kid == "k1" ? VerificationKey(collection: collection, algorithms: ["ES256"]) : nil
        }
    }

    static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func json(_ object: [String: Any]) -> String {
        base64URL(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    func claims(_ changes: [String: Any] = [:], removing: [String] = []) -> [String: Any] {
        let t = Int(now.timeIntervalSince1970)
        var claims: [String: Any] = ["iss": Self.issuer, "aud": Self.audience, "sub": "globex-etl", "exp": t + 300, "iat": t, "scope": "orders:read"]
        for (key, value) in changes { claims[key] = value }
        for key in removing { claims.removeValue(forKey: key) }
        return claims
    }

    /// An ES256 token signed with `key` (default: the trusted one).
    func token(header: [String: Any] = [:], claims: [String: Any]? = nil, key: P256.Signing.PrivateKey? = nil) -> String {
        var fields: [String: Any] = ["alg": "ES256", "typ": "at+jwt", "kid": "k1"]
        for (name, value) in header { fields[name] = value }
        let input = Self.json(fields) + "." + Self.json(claims ?? self.claims())
        let signature = try! (key ?? signingKey).signature(for: Array(input.utf8)).rawRepresentation
        return input + "." + Self.base64URL(signature)
    }

    func verify(_ token: String, policy: TokenPolicy? = nil, _ asked: LookupLog = LookupLog()) async throws -> JWTVerifier.Verified {
        try await JWTVerifier.verify(token, policy: policy ?? self.policy, now: now, key: try await keys(asked))
    }

    func refused(_ token: String, policy: TokenPolicy? = nil, _ asked: LookupLog = LookupLog()) async throws -> JWTVerifier.Failure? {
        do {
            _ = try await verify(token, policy: policy, asked)
            return nil
        } catch let failure as JWTVerifier.Failure {
            return failure
        }
    }

    @Test("a well-formed token verifies and its claims come back")
    func valid() async throws {
        let verified = try await verify(token())
        #expect(verified.claims["sub"]?.string == "globex-etl" && verified.kid == "k1")
        // An audience list naming this API is fine as well.
        _ = try await verify(token(claims: claims(["aud": ["other", Self.audience]])))
    }

    @Test("alg none is refused, even when the policy lists it")
    func algNone() async throws {
        let unsigned = Self.json(["alg": "none", "typ": "at+jwt", "kid": "k1"]) + "." + Self.json(claims()) + "."
        #expect(try await refused(unsigned) != nil)
        let withSignature = Self.json(["alg": "none", "typ": "at+jwt", "kid": "k1"]) + "." + Self.json(claims()) + ".AAAA"
        let lax = TokenPolicy(issuer: Self.issuer, audience: Self.audience, algorithms: ["none", "ES256"], types: ["at+jwt"])
        #expect(try await refused(withSignature, policy: lax) == .header("alg 'none' is not accepted"))
    }

    @Test("HS256 signed with the public key is refused (no HS/RS confusion)")
    func hmacConfusion() async throws {
        let publicPEM = signingKey.publicKey.pemRepresentation
        let input = Self.json(["alg": "HS256", "typ": "at+jwt", "kid": "k1"]) + "." + Self.json(claims())
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: Array(publicPEM.utf8)))
        let forged = input + "." + Self.base64URL(mac)
        #expect(try await refused(forged) == .header("alg 'HS256' is not accepted"))
        // Configuring HS256 does not let it in: the policy keeps asymmetric algorithms only.
        let lax = TokenPolicy(issuer: Self.issuer, audience: Self.audience, algorithms: ["HS256", "ES256"], types: ["at+jwt"])
        #expect(try await refused(forged, policy: lax) == .header("alg 'HS256' is not accepted"))
    }

    @Test("an algorithm the key's type cannot have is refused before the signature is checked")
    func algorithmKeyMismatch() async throws {
        #expect(try await refused(token(header: ["alg": "RS256"])) == .header("alg 'RS256' does not fit key 'k1'"))
    }

    @Test("wrong aud, wrong iss, expired, not yet valid and issued in the future are refused; the leeway applies")
    func claimChecks() async throws {
        let t = Int(now.timeIntervalSince1970)
        #expect(try await refused(token(claims: claims(["aud": "https://api.other.example"]))) == .claims("aud does not name '\(Self.audience)'"))
        #expect(try await refused(token(claims: claims(removing: ["aud"]))) == .claims("aud does not name '\(Self.audience)'"))
        #expect(try await refused(token(claims: claims(["iss": "https://evil.example"]))) == .claims("iss is not '\(Self.issuer)'"))
        #expect(try await refused(token(claims: claims(["exp": t - 31]))) == .claims("expired"))
        #expect(try await refused(token(claims: claims(removing: ["exp"]))) == .claims("no exp"))
        #expect(try await refused(token(claims: claims(["nbf": t + 31]))) == .claims("not valid yet (nbf)"))
        #expect(try await refused(token(claims: claims(["iat": t + 120]))) == .claims("issued in the future (iat)"))
        // Within the leeway: accepted.
        _ = try await verify(token(claims: claims(["exp": t - 20, "nbf": t + 20])))
        let strict = TokenPolicy(issuer: Self.issuer, audience: Self.audience, algorithms: ["ES256"], types: ["at+jwt"], leeway: 0)
        #expect(try await refused(token(claims: claims(["exp": t - 1])), policy: strict) == .claims("expired"))
        // The leeway is capped at 60 s whatever is asked.
        #expect(TokenPolicy(issuer: "a", audience: "b", algorithms: [], types: [], leeway: 3600).leeway == 60)
    }

    @Test("a foreign kid is refused; missing kid, wrong typ and crit are refused")
    func headerChecks() async throws {
        #expect(try await refused(token(header: ["kid": "someone-else"])) == .unknownKey("someone-else"))
        #expect(try await refused(token(header: ["kid": ""])) == .header("no kid"))
        #expect(try await refused(token(header: ["typ": "JWT"])) == .header("typ 'jwt' is not accepted"))
        #expect(try await refused(token(header: ["crit": ["exp"]])) == .header("crit extensions are not supported"))
        // application/at+jwt is the same type (RFC 9068 §2.1).
        _ = try await verify(token(header: ["typ": "application/at+jwt"]))
    }

    @Test("jku, x5u and an embedded jwk are never used: the key is looked up by kid among trusted keys only")
    func jkuIgnored() async throws {
        let attacker = P256.Signing.PrivateKey()
        let asked = LookupLog()
        let jwk: [String: Any] = [
            "kty": "EC", "crv": "P-256", "x": Self.base64URL(attacker.publicKey.rawRepresentation.prefix(32)),
            "y": Self.base64URL(attacker.publicKey.rawRepresentation.suffix(32)),
        ]
        let forged = token(header: ["jku": "http://127.0.0.1:9/jwks.json", "x5u": "http://127.0.0.1:9/cert.pem", "jwk": jwk], key: attacker)
        #expect(try await refused(forged, asked) == .signature)
        let foreign = token(header: ["kid": "attacker", "jku": "http://127.0.0.1:9/jwks.json"], key: attacker)
        #expect(try await refused(foreign, asked) == .unknownKey("attacker"))
        #expect(asked.kids == ["k1", "attacker"], "only kids were looked up")
    }

    @Test("a tampered payload or a truncated token is refused")
    func tampering() async throws {
        let good = token()
        let parts = good.split(separator: ".").map(String.init)
        let tampered = parts[0] + "." + Self.json(claims(["sub": "acme"])) + "." + parts[2]
        #expect(try await refused(tampered) == .signature)
        #expect(try await refused(parts[0] + "." + parts[1]) == .malformed("not a compact JWS"))
        #expect(try await refused("e30.e30.e30.e30") == .malformed("not a compact JWS"))
        #expect(try await refused(String(repeating: "a", count: 9000)) == .malformed("longer than 8192 bytes"))
        #expect(try await refused("bm90IGpzb24.e30.AAAA") == .malformed("header is not base64url JSON"))
    }
}

/// The kids a verifier asked for, in order.
final class LookupLog: @unchecked Sendable {
    private let lock = NSLock()
    private var asked: [String] = []
    func record(_ kid: String) { lock.withLock { asked.append(kid) } }
    var kids: [String] { lock.withLock { asked } }
}

public import Foundation
public import JWTKit

/// What a token must satisfy to be accepted (RFC 8725, RFC 9068 §4).
public struct TokenPolicy: Sendable {
    public var issuer: String
    public var audience: String
    /// Algorithms accepted at all; each key narrows this further by its own type. `none` and
    /// the HMAC family are never accepted, whatever is configured.
    public var algorithms: Set<String>
    /// Accepted `typ` values, lower-case, without `application/`. An empty set accepts a
    /// missing `typ` too.
    public var types: Set<String>
    /// Clock skew allowed on `exp`, `nbf` and `iat`, in seconds (0–60).
    public var leeway: Int

    public static let maxLeeway = 60
    public static let asymmetric: Set<String> = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]

    public init(issuer: String, audience: String, algorithms: Set<String>, types: Set<String>, leeway: Int = 30) {
        self.issuer = issuer
        self.audience = audience
        self.algorithms = algorithms.intersection(Self.asymmetric)
        self.types = Set(types.map { $0.lowercased() })
        self.leeway = min(max(leeway, 0), Self.maxLeeway)
    }
}

/// A key that may verify tokens, with the algorithms its type allows.
public struct VerificationKey: Sendable {
    public let collection: JWTKeyCollection
    public let algorithms: Set<String>

    public init(collection: JWTKeyCollection, algorithms: Set<String>) {
        self.collection = collection
        self.algorithms = algorithms
    }
}

/// Verifies a compact JWS access token. The order matters: everything that can be refused from
/// the header is refused before any key is used, and the key is found only by `kid` among keys
/// the configuration trusts: `jku`, `x5u`, `jwk` and `x5c` headers are never followed or used.
public enum JWTVerifier {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case header(String)
        case unknownKey(String)
        case signature
        case claims(String)

        public var description: String {
            switch self {
            case .malformed(let text): "malformed token: \(text)"
            case .header(let text): "refused header: \(text)"
            case .unknownKey(let kid): "no trusted key with kid '\(kid)'"
            case .signature: "signature does not verify"
            case .claims(let text): "refused claims: \(text)"
            }
        }
    }

    public struct Verified: Sendable {
        public let claims: [String: JSONClaim]
        public let kid: String
        public let expires: Int
    }

    /// The three parts, decoded but not trusted: for choosing the issuer before verifying.
    public static func peek(_ token: String) throws -> (header: [String: JSONClaim], claims: [String: JSONClaim]) {
        guard token.utf8.count <= 8192 else { throw Failure.malformed("longer than 8192 bytes") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else { throw Failure.malformed("not a compact JWS") }
        guard let header = JSONClaim.object(base64URL: parts[0]) else { throw Failure.malformed("header is not base64url JSON") }
        guard let claims = JSONClaim.object(base64URL: parts[1]) else { throw Failure.malformed("payload is not base64url JSON") }
        return (header, claims)
    }

    public static func verify(
        _ token: String, policy: TokenPolicy, now: Date = Date(), key: (String) async throws -> VerificationKey?
    ) async throws -> Verified {
        let (header, claims) = try peek(token)
        guard let alg = header["alg"]?.string else { throw Failure.header("no alg") }
        guard alg != "none", policy.algorithms.contains(alg) else { throw Failure.header("alg '\(alg)' is not accepted") }
        if header["crit"] != nil { throw Failure.header("crit extensions are not supported") }
        let typ = header["typ"]?.string.map { $0.lowercased().replacingOccurrences(of: "application/", with: "") }
        if !policy.types.isEmpty {
            guard let typ, policy.types.contains(typ) else { throw Failure.header("typ '\(typ ?? "none")' is not accepted") }
        }
        guard let kid = header["kid"]?.string, !kid.isEmpty else { throw Failure.header("no kid") }
        guard let verificationKey = try await key(kid) else { throw Failure.unknownKey(kid) }
        guard verificationKey.algorithms.contains(alg) else { throw Failure.header("alg '\(alg)' does not fit key '\(kid)'") }
        do {
            _ = try await verificationKey.collection.verify(token, as: OpaquePayload.self)
        } catch {
            throw Failure.signature
        }
        return try check(claims, policy: policy, now: Int(now.timeIntervalSince1970), kid: kid)
    }

    static func check(_ claims: [String: JSONClaim], policy: TokenPolicy, now: Int, kid: String) throws -> Verified {
        guard claims["iss"]?.string == policy.issuer else { throw Failure.claims("iss is not '\(policy.issuer)'") }
        guard claims["aud"]?.strings.contains(policy.audience) == true else { throw Failure.claims("aud does not name '\(policy.audience)'") }
        guard let exp = claims["exp"]?.number, exp.isFinite else { throw Failure.claims("no exp") }
        guard Double(now - policy.leeway) < exp else { throw Failure.claims("expired") }
        if let nbf = claims["nbf"] {
            guard let value = nbf.number, value <= Double(now + policy.leeway) else { throw Failure.claims("not valid yet (nbf)") }
        }
        if let iat = claims["iat"] {
            guard let value = iat.number, value <= Double(now + policy.leeway) else { throw Failure.claims("issued in the future (iat)") }
        }
        return Verified(claims: claims, kid: kid, expires: Int(exp))
    }
}

/// jwt-kit checks the signature; the claims are checked above, with the configured leeway.
struct OpaquePayload: JWTPayload {
    init(from decoder: any Decoder) throws {}
    func encode(to encoder: any Encoder) throws {}
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

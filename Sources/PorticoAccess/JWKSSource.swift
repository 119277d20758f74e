import AsyncHTTPClient
import Foundation
import JWTKit
public import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// An external issuer's keys, from a JWKS URL or file.
///
/// - Fetched with async-http-client on first use and again after the refresh interval.
/// - A token naming an unknown `kid` causes one fetch at most every cooldown, so forged
///   kids cannot make Portico hammer the issuer.
/// - If a fetch fails, the keys already loaded stay in use (and the failure is logged).
/// - Only RSA, EC and OKP keys are loaded; symmetric (`oct`) keys
///   are ignored, so HS256 can never be verified with a public key.
public final class JWKSSource: Sendable {
    struct State {
        var keys: [String: VerificationKey] = [:]
        var fetched: ContinuousClock.Instant?
        var lastAttempt: ContinuousClock.Instant?
    }

    let source: ExternalIssuer.KeySource
    let allowed: Set<String>
    let cooldown: Duration
    let refresh: Duration
    let logger: Logger
    /// The clock the cooldown and the refresh interval are read on (tests pass one they move).
    let now: @Sendable () -> ContinuousClock.Instant
    private let state = Mutex(State())
    private let fetchCount = Atomic<Int>(0)
    /// Fetches (or file reads) so far, for tests and metrics.
    public var fetches: Int { fetchCount.load(ordering: .relaxed) }

    /// - Parameters:
    ///   - issuer: where the keys come from, which algorithms they may verify, the cooldown and refresh interval.
    ///   - logger: where failed fetches are reported.
    ///   - now: the current instant; `ContinuousClock.now` unless a test moves time itself.
    public init(issuer: ExternalIssuer, logger: Logger, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.now = now
        source = issuer.keys
        allowed = issuer.policy.algorithms
        cooldown = .seconds(issuer.refetchCooldown)
        refresh = .seconds(issuer.refreshInterval)
        self.logger = logger
    }

    public func key(_ kid: String) async -> VerificationKey? {
        let (known, fetched, lastAttempt) = state.withLock { ($0.keys[kid], $0.fetched, $0.lastAttempt) }
        let stale = fetched.map { now() - $0 >= refresh } ?? true
        let cooled = lastAttempt.map { now() - $0 >= cooldown } ?? true
        if known != nil, !stale { return known }
        // Unknown kid or stale keys: fetch, but never more often than the cooldown.
        if cooled, reserveAttempt() { await load() }
        return state.withLock { $0.keys[kid] }
    }

    private func reserveAttempt() -> Bool {
        let now = now()
        return state.withLock { state in
            if let last = state.lastAttempt, now - last < cooldown { return false }
            state.lastAttempt = now
            return true
        }
    }

    func load() async {
        fetchCount.add(1, ordering: .relaxed)
        do {
            let data = try await document()
            let keys = try await Self.keys(from: data, allowed: allowed)
            let fetched = now()
            state.withLock {
                $0.keys = keys
                $0.fetched = fetched
            }
        } catch {
            logger.warning(
                "could not load an issuer's JWKS; keeping the keys already loaded",
                metadata: ["source": "\(source)", "error": "\(error)"])
        }
    }

    func document() async throws -> Data {
        switch source {
        case .file(let path):
            return try Data(contentsOf: URL(fileURLWithPath: path))
        case .url(let url):
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: "application/jwk-set+json, application/json")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            guard response.status == .ok else { throw JWKSError("HTTP \(response.status.code)") }
            let body = try await response.body.collect(upTo: 1 << 20)
            return Data(body.readableBytesView)
        }
    }

    /// The usable keys of a JWKS document, by kid, each with the algorithms its type allows.
    static func keys(from data: Data, allowed: Set<String>) async throws -> [String: VerificationKey] {
        let jwks = try JSONDecoder().decode(JWKS.self, from: data)
        var keys: [String: VerificationKey] = [:]
        for jwk in jwks.keys {
            guard let kid = jwk.keyIdentifier?.string else { continue }
            var fits = algorithms(for: jwk).intersection(allowed)
            if let alg = jwk.algorithm?.rawValue { fits = fits.intersection([alg]) }
            guard !fits.isEmpty else { continue }
            let collection = JWTKeyCollection()
            do {
                try await collection.add(jwk: jwk)
            } catch {
                continue
            }
            keys[kid] = VerificationKey(collection: collection, algorithms: fits)
        }
        return keys
    }

    static func algorithms(for jwk: JWK) -> Set<String> {
        switch jwk.keyType {
        case .rsa: ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
        case .ecdsa:
            switch jwk.curve?.rawValue {
            case "P-256": ["ES256"]
            case "P-384": ["ES384"]
            case "P-521": ["ES512"]
            default: []
            }
        case .octetKeyPair: jwk.curve?.rawValue == "Ed25519" ? ["EdDSA"] : []
        default: []
        }
    }
}

struct JWKSError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

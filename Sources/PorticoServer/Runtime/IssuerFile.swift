import Foundation
public import PorticoAccess
import Yams

/// Reads the external-issuers file (`serve --issuers FILE`): see ``ExternalIssuer`` for the
/// format. Every problem is reported as `path:line:column: message`, all of them at once.
public enum IssuerFile {
    static let keys: Set<String> = [
        "issuer", "audience", "jwks_url", "jwks_file", "partner_claim", "partners", "scope_claim",
        "scopes", "algorithms", "types", "leeway", "refetch_cooldown", "refresh_interval",
    ]

    struct Failure: Error, CustomStringConvertible {
        let problems: [String]
        var description: String { problems.joined(separator: "\n") }
    }

    public static func load(_ path: String) throws -> [ExternalIssuer] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw Failure(problems: ["\(path): cannot be read"]) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch {
            throw Failure(problems: ["\(path): not valid YAML: \(error)"])
        }
        var problems: [String] = []
        func fail(_ node: Node?, _ message: String) {
            problems.append("\(path):\(node?.mark?.line ?? 1):\(node?.mark?.column ?? 1): \(message)")
        }
        guard let list = root?.mapping?["issuers"]?.sequence else {
            fail(root, "expected a mapping with an 'issuers' list")
            throw Failure(problems: problems)
        }
        var issuers: [ExternalIssuer] = []
        for entry in list {
            guard let mapping = entry.mapping else {
                fail(entry, "each issuer is a mapping")
                continue
            }
            for (key, _) in mapping where !keys.contains(key.string ?? "") {
                fail(key, "unknown key '\(key.string ?? "")'; expected one of \(keys.sorted().joined(separator: ", "))")
            }
            func string(_ name: String) -> String? {
                guard let node = mapping[name] else { return nil }
                guard let value = node.scalar?.string, !value.isEmpty else {
                    fail(node, "'\(name)' must be a non-empty string")
                    return nil
                }
                return value
            }
            func strings(_ name: String) -> [String]? {
                guard let node = mapping[name] else { return nil }
                guard let values = node.sequence?.compactMap({ $0.scalar?.string }), values.count == node.sequence?.count else {
                    fail(node, "'\(name)' must be a list of strings")
                    return nil
                }
                return values
            }
            func int(_ name: String, _ range: ClosedRange<Int>) -> Int? {
                guard let node = mapping[name] else { return nil }
                guard let value = node.scalar.flatMap({ Int($0.string) }), range.contains(value) else {
                    fail(node, "'\(name)' must be a whole number of seconds in \(range.lowerBound)...\(range.upperBound)")
                    return nil
                }
                return value
            }
            let issuer = string("issuer")
            if mapping["issuer"] == nil { fail(entry, "an issuer needs 'issuer' (its iss value)") }
            let audience = string("audience")
            if mapping["audience"] == nil { fail(entry, "an issuer needs 'audience' (the aud its tokens carry for this API)") }
            var source: ExternalIssuer.KeySource?
            switch (string("jwks_url"), string("jwks_file")) {
            case (let url?, nil):
                if url.hasPrefix("https://") || url.hasPrefix("http://") {
                    source = .url(url)
                } else {
                    fail(mapping["jwks_url"], "'jwks_url' must be an http(s) URL")
                }
            case (nil, let file?): source = .file(file)
            case (.some, .some): fail(entry, "give 'jwks_url' or 'jwks_file', not both")
            case (nil, nil): fail(entry, "an issuer needs 'jwks_url' or 'jwks_file'")
            }
            var partners: [String: String] = [:]
            if let node = mapping["partners"] {
                if let pairs = node.mapping, !pairs.isEmpty {
                    for (key, value) in pairs {
                        guard let claim = key.string, let partner = value.string else {
                            fail(key, "partners map claim values to partner codes")
                            continue
                        }
                        partners[claim] = partner
                    }
                } else {
                    fail(node, "'partners' must map claim values to partner codes")
                }
            } else {
                fail(entry, "an issuer needs 'partners': which partners it may speak for")
            }
            let algorithms = strings("algorithms") ?? ["RS256", "ES256"]
            for alg in algorithms where !TokenPolicy.asymmetric.contains(alg) {
                fail(
                    mapping["algorithms"],
                    "algorithm '\(alg)' is not accepted; use asymmetric ones: \(TokenPolicy.asymmetric.sorted().joined(separator: ", "))")
            }
            let leeway = int("leeway", 0...TokenPolicy.maxLeeway) ?? 30
            guard let issuer, let audience, let source else { continue }
            issuers.append(
                ExternalIssuer(
                    policy: TokenPolicy(
                        issuer: issuer, audience: audience, algorithms: Set(algorithms), types: Set(strings("types") ?? ["at+jwt", "jwt"]),
                        leeway: leeway),
                    keys: source, partnerClaim: string("partner_claim") ?? "sub", partners: partners, scopeClaim: string("scope_claim") ?? "scope",
                    maxScopes: strings("scopes").map(Set.init), refetchCooldown: int("refetch_cooldown", 1...86_400) ?? 60,
                    refreshInterval: int("refresh_interval", 10...86_400) ?? 900))
        }
        if !problems.isEmpty { throw Failure(problems: problems) }
        return issuers
    }
}

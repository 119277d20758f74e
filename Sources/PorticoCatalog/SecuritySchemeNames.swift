/// The security schemes a version's document names (`security:` in `_version.yaml`): each
/// name the contract uses, with the way of presenting a credential it stands for. By default
/// all three, named `api_key`, `bearer` and `oauth2`.
///
/// ```yaml
/// security: {ApiKeyAuth: api_key, BearerAuth: bearer}
/// ```
///
/// - `api_key`: an API key in `X-API-Key`;
/// - `bearer`: `Authorization: Bearer` with an API key or an access token;
/// - `oauth2`: the client-credentials flow at `/oauth/token`.
///
/// The names change only what the document says: the server accepts every form whatever the
/// version declares, since a credential the contract does not describe is one no partner of
/// that contract sends.
public struct SecuritySchemeNames: Sendable, Equatable {
    public enum Scheme: String, Sendable, CaseIterable {
        case apiKey = "api_key"
        case bearer
        case oauth2
    }

    /// In the order written (the default: api_key, bearer, oauth2).
    public var schemes: [(name: String, scheme: Scheme)]

    public static let standard = SecuritySchemeNames(schemes: Scheme.allCases.map { ($0.rawValue, $0) })

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.schemes.map(\.name) == rhs.schemes.map(\.name) && lhs.schemes.map(\.scheme) == rhs.schemes.map(\.scheme)
    }

    static func parse(_ node: MappingNode, into diagnostics: inout DiagnosticCollector) -> SecuritySchemeNames {
        guard let object = MappingObject(node, what: "'security' (scheme names to api_key, bearer or oauth2)", allowed: [], into: &diagnostics)
        else { return .standard }
        let pairs = object.pairs
        var schemes: [(name: String, scheme: Scheme)] = []
        for (name, keyLocation, value) in pairs {
            guard ASCIIPattern.isComponentName(name) else {
                diagnostics.error("'security' names a scheme '\(name)'; a name is 1 to 64 letters, digits and . - _", at: keyLocation)
                continue
            }
            guard let text = value.scalar, let scheme = Scheme(rawValue: text) else {
                let text = value.scalar ?? value.kindName
                diagnostics.error(
                    "'security' gives '\(name)' the scheme '\(text)'; one of api_key, bearer, oauth2"
                        + Suggestion.hint(for: text, among: Scheme.allCases.map(\.rawValue)),
                    at: value.location)
                continue
            }
            if let other = schemes.first(where: { $0.scheme == scheme }) {
                diagnostics.error("'security' names \(scheme.rawValue) twice: '\(other.name)' and '\(name)'", at: keyLocation)
                continue
            }
            schemes.append((name, scheme))
        }
        if pairs.isEmpty { diagnostics.error("'security' must name at least one scheme", at: node.location) }
        return schemes.isEmpty ? .standard : SecuritySchemeNames(schemes: schemes)
    }
}

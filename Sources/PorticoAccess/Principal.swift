public import PorticoValues

/// Who is calling: the partner, the credential, the scopes it holds, and the tenants (accounts)
/// whose rows it may see.
public struct Principal: Sendable, Equatable {
    public let partner: String
    /// The credential's public id (an API key id), for logs; never the secret.
    public let credentialID: String?
    /// The scopes held; nil means every scope (the development principal only).
    public let scopes: Set<String>?
    public let tenants: [MySQLValue]
    /// The partner's plan; nil for the server's default limits.
    public let plan: Plan?

    public init(partner: String, credentialID: String? = nil, scopes: Set<String>? = nil, tenants: [MySQLValue], plan: Plan? = nil) {
        self.partner = partner
        self.credentialID = credentialID
        self.scopes = scopes
        self.tenants = tenants
        self.plan = plan
    }

    public func holds(_ scope: String) -> Bool { scopes?.contains(scope) ?? true }
}

public import PorticoMySQL

/// An API key as Portico's schema holds it: what the authenticator checks a presented key against.
public struct KeyRecord: Sendable {
    /// SHA-256 of the key's secret part.
    public let secretHash: [UInt8]
    public let partner: String
    public let scopes: Set<String>
    public let expiresAt: MySQLDateTime?
    public let revoked: Bool
    public let partnerActive: Bool
    public let plan: Plan?

    public init(
        secretHash: [UInt8], partner: String, scopes: Set<String>, expiresAt: MySQLDateTime?, revoked: Bool, partnerActive: Bool,
        plan: Plan?
    ) {
        self.secretHash = secretHash
        self.partner = partner
        self.scopes = scopes
        self.expiresAt = expiresAt
        self.revoked = revoked
        self.partnerActive = partnerActive
        self.plan = plan
    }
}

/// A partner's standing, for credentials that name the partner rather than a key (external tokens).
public struct PartnerRecord: Sendable {
    public let active: Bool
    public let plan: Plan?

    public init(active: Bool, plan: Plan?) {
        self.active = active
        self.plan = plan
    }
}

/// An OAuth client as Portico's schema holds it.
public struct ClientRecord: Sendable {
    public let secretHash: [UInt8]
    /// The secret before the last rotation, valid until `previousValidUntil` (Unix seconds).
    public let previousSecretHash: [UInt8]?
    public let previousValidUntil: Int?
    public let partner: String
    public let scopes: Set<String>
    public let revoked: Bool
    public let partnerActive: Bool
    public let plan: Plan?

    public init(
        secretHash: [UInt8], previousSecretHash: [UInt8]?, previousValidUntil: Int?, partner: String, scopes: Set<String>, revoked: Bool,
        partnerActive: Bool, plan: Plan?
    ) {
        self.secretHash = secretHash
        self.previousSecretHash = previousSecretHash
        self.previousValidUntil = previousValidUntil
        self.partner = partner
        self.scopes = scopes
        self.revoked = revoked
        self.partnerActive = partnerActive
        self.plan = plan
    }
}

/// A token-signing key as stored: its id and its private key in PEM.
public struct StoredSigningKey: Sendable {
    public let kid: String
    public let privatePEM: String

    public init(kid: String, privatePEM: String) {
        self.kid = kid
        self.privatePEM = privatePEM
    }
}

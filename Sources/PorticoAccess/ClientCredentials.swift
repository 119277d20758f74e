/// An OAuth 2 client's credentials.
///
/// - The client id, `pcl_<16 base62>`, is public: it names the client in logs and in tokens.
/// - The secret, `pcs_<40 base62><6 base62 CRC32>`, is printed once; only its SHA-256 is
///   stored. Like an API key, it is greppable by its prefix and a mistyped one is refused
///   without a lookup.
public enum ClientCredentials {
    public static let idPrefix = "pcl_"
    public static let secretPrefix = "pcs_"
    static let idLength = 16
    static let secretLength = 40
    static let checksumLength = 6

    public static func generateID() -> String { idPrefix + Base62.random(idLength) }

    public static func generateSecret() -> String {
        let body = secretPrefix + Base62.random(secretLength)
        return body + Base62.fixed(UInt64(CRC32.checksum(Array(body.utf8))), length: checksumLength)
    }

    public static func isWellFormedID(_ id: String) -> Bool {
        id.utf8.count == idPrefix.count + idLength && id.hasPrefix(idPrefix) && id.utf8.dropFirst(idPrefix.count).allSatisfy(Base62.isDigit)
    }

    /// Shape and checksum only; whether it is the client's secret needs the stored hash.
    public static func isWellFormedSecret(_ secret: String) -> Bool {
        guard secret.utf8.count == secretPrefix.count + secretLength + checksumLength, secret.hasPrefix(secretPrefix),
            secret.utf8.dropFirst(secretPrefix.count).allSatisfy(Base62.isDigit)
        else { return false }
        let body = String(secret.prefix(secretPrefix.count + secretLength))
        return body + Base62.fixed(UInt64(CRC32.checksum(Array(body.utf8))), length: checksumLength) == secret
    }

    public static func hash(_ secret: String) -> [UInt8] { ApiKey.sha256(secret.utf8) }
}

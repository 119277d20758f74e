import Crypto
import Foundation

/// An API key: `ptc_<id>_<secret><checksum>`, like GitHub's token format.
///
/// - `ptc_` makes leaked keys recognisable (secret scanners, `grep`).
/// - `<id>` (10 base62 characters) is public: it names the key in logs and in `portico key list`.
/// - `<secret>` (32 base62 characters, about 190 bits) is random; only its SHA-256 is stored.
/// - `<checksum>` (6 base62 characters) is a CRC32 of everything before it, so a mistyped or
///   truncated key is refused without a database lookup.
public struct ApiKey: Sendable, Equatable {
    public static let prefix = "ptc_"
    static let idLength = 10
    static let secretLength = 32
    static let checksumLength = 6

    public let id: String
    public let secret: String

    /// A new random key.
    public static func generate() -> ApiKey {
        ApiKey(id: Base62.random(idLength), secret: Base62.random(secretLength))
    }

    /// The full token, printed once at creation.
    public var token: String {
        let body = "\(Self.prefix)\(id)_\(secret)"
        return body + Base62.fixed(UInt64(CRC32.checksum(Array(body.utf8))), length: Self.checksumLength)
    }

    /// The SHA-256 of the secret: what is stored.
    public var secretHash: [UInt8] { Self.sha256(secret.utf8) }

    /// Parses a token; nil when its shape or checksum is wrong (no lookup needed to refuse it).
    public init?(token: String) {
        guard let (id, secret) = Self.withParts(of: token, { (String(decoding: $0, as: UTF8.self), String(decoding: $1, as: UTF8.self)) })
        else { return nil }
        self.init(id: id, secret: secret)
    }

    /// A presented token's id and the SHA-256 of its secret, hashed from the token's own bytes
    /// (no secret string is made on the request path); nil when its shape or checksum is wrong.
    public static func idAndSecretHash(of token: String) -> (id: String, secretHash: [UInt8])? {
        withParts(of: token) { id, secret in (String(decoding: id, as: UTF8.self), sha256(secret)) }
    }

    /// Calls `body` with a well-formed token's id and secret bytes; nil when its shape or
    /// checksum is wrong. On the token's own bytes, without copying them or making the expected
    /// checksum: this runs on every request that carries a key.
    private static func withParts<R>(
        of token: String, _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> R
    ) -> R? {
        var token = token
        return token.withUTF8 { bytes -> R? in
            let prefixLength = Self.prefix.utf8.count
            let separator = prefixLength + Self.idLength
            let checksumStart = separator + 1 + Self.secretLength
            guard bytes.count == checksumStart + Self.checksumLength, bytes.starts(with: Self.prefix.utf8),
                bytes[separator] == UInt8(ascii: "_")
            else { return nil }
            let id = UnsafeBufferPointer(rebasing: bytes[prefixLength..<separator])
            let secret = UnsafeBufferPointer(rebasing: bytes[(separator + 1)..<checksumStart])
            guard id.allSatisfy(Base62.isDigit), secret.allSatisfy(Base62.isDigit),
                Base62.spells(UInt64(CRC32.checksum(bytes[..<checksumStart])), bytes[checksumStart...])
            else { return nil }
            return body(id, secret)
        }
    }

    /// The SHA-256 of some bytes, as stored (API keys, imported tokens, client secrets).
    static func sha256(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        let digest =
            bytes.withContiguousStorageIfAvailable { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
            ?? SHA256.hash(data: Array(bytes))
        return digest.withUnsafeBytes { [UInt8]($0) }
    }

    init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// An existing credential brought across (`portico key import`), of any format: only its
    /// SHA-256 is stored, and its public id is derived from that hash (`i-` and 8 base62
    /// characters), so a presented token finds its record exactly as a Portico key does, with
    /// the same directory, cache, revocation and limits.
    public struct Imported: Sendable, Equatable {
        public let hash: [UInt8]

        /// The token's own bytes: printable ASCII without spaces, 16 to 512 of them.
        public init?(token: String) {
            let bytes = Array(token.utf8)
            guard (16...512).contains(bytes.count), bytes.allSatisfy({ (0x21...0x7E).contains($0) }), !token.hasPrefix(ApiKey.prefix) else {
                return nil
            }
            hash = ApiKey.sha256(bytes)
        }

        /// From the SHA-256 alone (64 hex digits), when the product never kept the token itself.
        public init?(sha256 hex: String) {
            let digits = Array(hex.lowercased().utf8)
            guard digits.count == 64 else { return nil }
            var bytes: [UInt8] = []
            for index in stride(from: 0, to: 64, by: 2) {
                guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(byte)
            }
            hash = bytes
        }

        /// The public id: `i-` and 8 base62 characters of the hash.
        public var id: String {
            let head = hash.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return "i-" + Base62.fixed(head, length: 8)
        }
    }

    /// Compares two hashes in constant time.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// Base62 text: key ids and secrets, token ids, instance ids.
public enum Base62 {
    static let digits = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    static func isDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    static func isAllowed(_ byte: UInt8) -> Bool { isDigit(byte) || byte == UInt8(ascii: "_") }

    /// Uniformly random base62 text (rejection sampling, so no digit is more likely).
    public static func random(_ length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var out: [UInt8] = []
        while out.count < length {
            let byte = UInt8.random(in: 0...255, using: &generator)
            if byte < 248 { out.append(digits[Int(byte % 62)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func fixed(_ value: UInt64, length: Int) -> String {
        String(decoding: fixedBytes(value, length: length), as: UTF8.self)
    }

    /// Whether `text` is `fixedBytes(value, length: text.count)`, without making it.
    static func spells(_ value: UInt64, _ text: some BidirectionalCollection<UInt8>) -> Bool {
        var value = value
        for byte in text.reversed() {
            guard byte == digits[Int(value % 62)] else { return false }
            value /= 62
        }
        return true
    }

    static func fixedBytes(_ value: UInt64, length: Int) -> [UInt8] {
        var value = value
        var out = [UInt8](repeating: digits[0], count: length)
        for index in stride(from: length - 1, through: 0, by: -1) {
            out[index] = digits[Int(value % 62)]
            value /= 62
        }
        return out
    }
}

/// CRC-32 (IEEE 802.3, as zlib), for key checksums.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

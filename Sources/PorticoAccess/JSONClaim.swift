import Foundation
import PorticoValues

/// A JSON value from a token's header or claims.
public enum JSONClaim: Sendable, Equatable, Decodable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([JSONClaim])
    case object([String: JSONClaim])
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONClaim].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONClaim].self))
        }
    }

    public var string: String? { if case .string(let value) = self { value } else { nil } }
    public var number: Double? { if case .number(let value) = self { value } else { nil } }

    /// A string, or every string of an array (`aud`, `scp`).
    public var strings: [String] {
        switch self {
        case .string(let value): [value]
        case .array(let values): values.compactMap(\.string)
        default: []
        }
    }

    /// Decodes one base64url JSON object (a JWS header or payload).
    static func object(base64URL part: Substring) -> [String: JSONClaim]? {
        guard let bytes = Base64URL.decode(part) else { return nil }
        return try? JSONDecoder().decode([String: JSONClaim].self, from: Data(bytes))
    }
}

/// Every kind of error Portico answers with, by the name `_version.yaml`'s `errors.kinds` uses
/// for it: the one list the server's problems, the contract and the docs draw from.
public enum ErrorKind: String, CaseIterable, Sendable {
    case invalidParameter = "invalid-parameter"
    case unknownParameter = "unknown-parameter"
    case invalidCursor = "invalid-cursor"
    /// Too many filters, values or fields in one query.
    case queryTooLarge = "query-too-large"
    /// A query string over the byte limit.
    case uriTooLong = "uri-too-long"
    /// No credential at all.
    case unauthorized
    /// A credential that is not valid (unknown, malformed, revoked, expired): one kind, so they cannot be told apart.
    case invalidToken = "invalid-token"
    case insufficientScope = "insufficient-scope"
    case notFound = "not-found"
    case methodNotAllowed = "method-not-allowed"
    case notAcceptable = "not-acceptable"
    case bodyTooLarge = "body-too-large"
    case quotaExceeded = "quota-exceeded"
    case unavailable
    case queryTimeout = "query-timeout"
    case `internal`
    /// A proxied route's upstream failed or answered with an error.
    case badGateway = "bad-gateway"
    /// A proxied route's upstream did not answer in time.
    case gatewayTimeout = "gateway-timeout"

    /// Kinds only proxied routes raise: a version's contract lists them only when it has such routes.
    public var isGatewayOnly: Bool { self == .badGateway || self == .gatewayTimeout }

    public var status: Int {
        switch self {
        case .unknownParameter, .invalidParameter, .invalidCursor, .queryTooLarge: 400
        case .uriTooLong: 414
        case .unauthorized, .invalidToken: 401
        case .insufficientScope: 403
        case .notFound: 404
        case .methodNotAllowed: 405
        case .notAcceptable: 406
        case .bodyTooLarge: 413
        case .quotaExceeded: 429
        case .unavailable, .queryTimeout: 503
        case .internal: 500
        case .badGateway: 502
        case .gatewayTimeout: 504
        }
    }

    /// Portico's own `type` slug (under ``ErrorVocabulary/porticoTypeBase``) or whole URI. It is
    /// also the `portico_auth_failures_total` label, so it stays stable.
    public var porticoSlug: String {
        switch self {
        case .uriTooLong: "query-too-large"
        case .quotaExceeded: "https://iana.org/assignments/http-problem-types#quota-exceeded"
        default: rawValue
        }
    }

    public var porticoTitle: String {
        switch self {
        case .unknownParameter: "Unknown Parameter"
        case .invalidParameter: "Invalid Parameter"
        case .invalidCursor: "Invalid Cursor"
        case .queryTooLarge: "Query Too Large"
        case .uriTooLong: "URI Too Long"
        case .unauthorized, .invalidToken: "Unauthorized"
        case .insufficientScope: "Forbidden"
        case .notFound: "Not Found"
        case .methodNotAllowed: "Method Not Allowed"
        case .notAcceptable: "Not Acceptable"
        case .bodyTooLarge: "Content Too Large"
        case .quotaExceeded: "Too Many Requests"
        case .unavailable: "Service Unavailable"
        case .queryTimeout: "Query Took Too Long"
        case .internal: "Internal Server Error"
        case .badGateway: "Bad Gateway"
        case .gatewayTimeout: "Gateway Timeout"
        }
    }
}

public import Hummingbird
import PorticoQuota

extension Problem {
    /// One kind of error: its `type` slug, status and title, fixed here once, so a call site
    /// says only what varies (the detail, and headers such as `Retry-After`).
    ///
    /// The slug is the last segment of the `type` URI under ``Problem/typeBase`` (or a whole
    /// URI, as the rate-limit draft's `quota-exceeded` is). It is also the label of the
    /// `portico_auth_failures_total` metric, so it stays stable. A version that declares its
    /// own error vocabulary (the contract-first issue) maps these kinds, not their texts.
    public struct Kind: Sendable, Hashable {
        public let slug: String
        public let status: HTTPResponse.Status
        public let title: String

        public init(slug: String, status: HTTPResponse.Status, title: String) {
            self.slug = slug
            self.status = status
            self.title = title
        }

        /// The full `type` URI.
        public var type: String { slug.hasPrefix("https://") ? slug : Problem.typeBase + slug }

        public static let unknownParameter = Kind(slug: "unknown-parameter", status: .badRequest, title: "Unknown Parameter")
        public static let invalidParameter = Kind(slug: "invalid-parameter", status: .badRequest, title: "Invalid Parameter")
        public static let invalidCursor = Kind(slug: "invalid-cursor", status: .badRequest, title: "Invalid Cursor")
        /// Too many filters, values or fields in one query.
        public static let queryTooLarge = Kind(slug: "query-too-large", status: .badRequest, title: "Query Too Large")
        /// A query string over the byte limit.
        public static let uriTooLong = Kind(slug: "query-too-large", status: .uriTooLong, title: "URI Too Long")
        /// No credential at all.
        public static let unauthorized = Kind(slug: "unauthorized", status: .unauthorized, title: "Unauthorized")
        /// A credential that is not valid (unknown, malformed, revoked, expired): one kind, so they cannot be told apart.
        public static let invalidToken = Kind(slug: "invalid-token", status: .unauthorized, title: "Unauthorized")
        public static let insufficientScope = Kind(slug: "insufficient-scope", status: .forbidden, title: "Forbidden")
        public static let notFound = Kind(slug: "not-found", status: .notFound, title: "Not Found")
        public static let methodNotAllowed = Kind(slug: "method-not-allowed", status: .methodNotAllowed, title: "Method Not Allowed")
        public static let bodyTooLarge = Kind(slug: "body-too-large", status: .contentTooLarge, title: "Content Too Large")
        public static let quotaExceeded = Kind(slug: RateLimitHeaders.quotaExceededType, status: .tooManyRequests, title: "Too Many Requests")
        public static let unavailable = Kind(slug: "unavailable", status: .serviceUnavailable, title: "Service Unavailable")
        public static let queryTimeout = Kind(slug: "query-timeout", status: .serviceUnavailable, title: "Query Took Too Long")
        public static let internalError = Kind(slug: "internal", status: .internalServerError, title: "Internal Server Error")
    }
}

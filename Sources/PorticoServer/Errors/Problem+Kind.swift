public import Hummingbird
public import PorticoCatalog

extension Problem {
    /// One kind of error: its `type` slug, status and title, fixed here once, so a call site
    /// says only what varies (the detail, and headers such as `Retry-After`).
    ///
    /// The slug is the last segment of the `type` URI under Portico's base (or a whole URI, as
    /// the rate-limit draft's `quota-exceeded` is). It is also the label of the
    /// `portico_auth_failures_total` metric, so it stays stable. A version that declares its
    /// own error vocabulary (``ErrorVocabulary``) words these kinds its way when they are rendered.
    public struct Kind: Sendable, Hashable {
        /// The kind as mappings name it (``ErrorKind``): what a version's vocabulary words differently.
        public let id: ErrorKind
        public var slug: String { id.porticoSlug }
        public var status: HTTPResponse.Status { .init(code: id.status) }
        public var title: String { id.porticoTitle }

        public init(_ id: ErrorKind) { self.id = id }

        /// The full `type` URI Portico's own vocabulary gives it.
        public var type: String { ErrorVocabulary.standard.type(of: id) }

        public static let unknownParameter = Kind(.unknownParameter)
        public static let invalidParameter = Kind(.invalidParameter)
        public static let invalidCursor = Kind(.invalidCursor)
        /// Too many filters, values or fields in one query.
        public static let queryTooLarge = Kind(.queryTooLarge)
        /// A query string over the byte limit.
        public static let uriTooLong = Kind(.uriTooLong)
        /// No credential at all.
        public static let unauthorized = Kind(.unauthorized)
        /// A credential that is not valid (unknown, malformed, revoked, expired): one kind, so they cannot be told apart.
        public static let invalidToken = Kind(.invalidToken)
        public static let insufficientScope = Kind(.insufficientScope)
        public static let notFound = Kind(.notFound)
        public static let methodNotAllowed = Kind(.methodNotAllowed)
        /// `Accept` admits nothing the version serves.
        public static let notAcceptable = Kind(.notAcceptable)
        public static let bodyTooLarge = Kind(.bodyTooLarge)
        public static let quotaExceeded = Kind(.quotaExceeded)
        public static let unavailable = Kind(.unavailable)
        public static let queryTimeout = Kind(.queryTimeout)
        public static let internalError = Kind(.internal)
        public static let badGateway = Kind(.badGateway)
        public static let gatewayTimeout = Kind(.gatewayTimeout)
    }
}

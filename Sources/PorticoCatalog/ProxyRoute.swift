import Foundation

/// A route served by the legacy product, reached through Portico (`kind: proxy` in a mapping
/// file): Portico checks the credential, the scope, the tenant, the parameters and the limits,
/// then streams the upstream's answer back, with its own errors and only allowed headers.
///
/// It is declared, like a resource, in `mappings/<version>/<name>.yaml`; `mappings/README.md`
/// describes every key. Secrets are named here (an environment variable or a file), never
/// written; the server reads them when it loads the catalog.
public struct ProxyRoute: Sendable {
    /// The file's name.
    public let name: String
    public let description: String?
    /// The scope a credential needs, such as `exports:read`.
    public let scope: String
    /// The path under the version's base path, segment by segment (`exports/{account}/{file}`).
    public let segments: [Segment]
    /// Path parameters, by name, in path order.
    public let parameters: [Parameter]
    /// Partner query parameters passed to the upstream as they are; any other is a 400.
    public let query: [Parameter]
    /// How the tenant reaches the upstream.
    public let tenant: TenantPlacement
    /// `GET` and `HEAD` unless more are declared.
    public let methods: [String]
    public let upstream: Upstream
    public let timeouts: Timeouts
    public let retries: Retries
    /// What a request costs against the partner's rate (a large download may cost more).
    public let cost: Int
    /// Media types the upstream answers with, for the contract (`text/csv`, `application/gzip`).
    public let mediaTypes: [String]
    /// Which forwarding headers the upstream gets.
    public let forwarding: Forwarding
    /// The JSON the upstream answers with, for the contract; nil for files (a binary body).
    public let schema: ProxyResponseSchema?
    /// Whether `Range` and `If-Range` pass to the upstream (and 206 is in the contract).
    public let ranges: Bool
    public let location: Location

    public enum Segment: Sendable, Equatable {
        case constant(String)
        case parameter(String)
    }

    /// A path or query parameter: what it may hold, checked before the upstream is asked.
    public struct Parameter: Sendable {
        public enum Kind: Sendable, Equatable {
            /// Digits only, at most 18.
            case integer
            /// A calendar date, `YYYY-MM-DD`.
            case date
            /// Text matching `pattern` as a whole (an ICU regular expression), at most `maxLength` bytes.
            case text(pattern: String?)
        }

        public let name: String
        public let kind: Kind
        public let maxLength: Int
        public let description: String?
        public let required: Bool
        public let location: Location
    }

    public enum TenantPlacement: Sendable, Equatable {
        /// The path parameter of this name holds the account; it must be one the partner is granted.
        case pathParameter(String)
        /// The partner's query parameter of this name holds the account; required, and granted.
        case queryParameter(String)
        /// Portico adds the partner's one account as this upstream query parameter; a partner
        /// granted several accounts cannot use the route.
        case injected(String)
        /// The upstream serves no tenant's data (a shared file): any partner with the scope may read it.
        case none
    }

    public struct Upstream: Sendable {
        /// Base URLs (`http://host:port` with an optional path prefix), literal or from the environment; balanced round-robin.
        public let targets: [Target]
        /// The upstream path, with `{parameter}` placeholders of path parameters.
        public let path: [Segment]
        public let credential: Credential?
        public let location: Location

        public enum Target: Sendable, Equatable {
            case url(String)
            case environment(String)
        }
    }

    /// The upstream's own credential; the partner's is never forwarded.
    public enum Credential: Sendable, Equatable {
        case basic(user: String, password: Secret)
        case bearer(Secret)
        case header(name: String, value: Secret)
    }

    /// Where a secret is read when the catalog is loaded.
    public enum Secret: Sendable, Equatable {
        case environment(String)
        case file(String)
    }

    public struct Timeouts: Sendable, Equatable {
        /// To open the TCP connection.
        public var connect: Duration
        /// From the request sent to the upstream's response head.
        public var firstByte: Duration
        /// Between two chunks of the body.
        public var idle: Duration
        /// The whole exchange, when set.
        public var total: Duration?

        public static let standard = Timeouts(connect: .seconds(5), firstByte: .seconds(60), idle: .seconds(60), total: nil)
    }

    public struct Retries: Sendable, Equatable {
        /// Tries in all (1: no retry). Only GET and HEAD are retried, only before any byte reached the partner.
        public var attempts: Int
        /// Upstream statuses that are retried, besides connection failures.
        public var statuses: [Int]

        public static let standard = Retries(attempts: 2, statuses: [])
    }

    /// How the upstream learns who asked: `X-Forwarded-For`/`-Proto` (the default) or RFC 7239
    /// `Forwarded`, or neither; and whether Portico adds itself to `Via`. A chain the partner sent
    /// is kept only when the peer is one of the server's trusted proxies (`limits.trusted_proxies`).
    public struct Forwarding: Sendable, Equatable {
        public enum Style: String, Sendable, CaseIterable {
            case xForwarded = "x-forwarded"
            case forwarded
            case none
        }

        public var headers: Style
        public var via: Bool

        public init(headers: Style, via: Bool) {
            self.headers = headers
            self.via = via
        }

        public static let standard = Forwarding(headers: .xForwarded, via: true)
    }

    /// Whether `text` is an `http://` or `https://` base URL with a host and no query, fragment or user.
    public static func isBaseURL(_ text: String) -> Bool {
        guard let url = URLComponents(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), let host = url.host,
            !host.isEmpty, url.query == nil, url.fragment == nil, url.user == nil
        else { return false }
        return true
    }

    /// The route's first segment, under which it is looked up.
    public var segment: String {
        if case .constant(let text) = segments.first { return text }
        return ""
    }

    /// The OpenAPI path template under the version's base path: `exports/{account}/{file}`.
    public var template: String {
        segments.map { segment in
            switch segment {
            case .constant(let text): text
            case .parameter(let name): "{\(name)}"
            }
        }.joined(separator: "/")
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1
import PorticoCatalog

/// Which headers cross the gateway, each way. Both directions are allow-lists, so hop-by-hop
/// headers (RFC 9110 §7.6.1), cookies, the partner's credential and the upstream's
/// `Server`/`X-Powered-By` never pass; a header the upstream names in `Connection` is dropped
/// even when it is otherwise allowed.
enum ProxyHeaders {
    /// Partner request headers forwarded to the upstream: content negotiation and conditional and range requests.
    static let forwarded: [HTTPField.Name] = [
        .accept, .acceptEncoding, .acceptLanguage, .range, .ifRange, .ifNoneMatch, .ifModifiedSince, .ifMatch, .ifUnmodifiedSince,
    ]

    /// Upstream response headers a partner may see.
    static let returned: Set<String> = [
        "content-type", "content-length", "content-encoding", "content-range", "content-disposition", "content-language", "accept-ranges",
        "etag", "last-modified", "cache-control", "expires", "vary",
    ]

    /// Who asked, as the upstream is told: the chain a trusted proxy in front of Portico sent
    /// (never one from anyone else), then the peer Portico sees.
    struct Origin {
        var peer: String?
        /// Whether the peer is one of the server's trusted proxies.
        var trusted: Bool
        var proto: String
    }

    /// The upstream request's headers: the allowed partner headers, Portico's request id and
    /// forwarding headers, and the upstream's own credential (never the partner's).
    static func upstreamRequest(
        from request: HTTPFields, requestID: String, origin: Origin, forwarding: ProxyRoute.Forwarding, ranges: Bool = true,
        authorization: (name: String, value: String)?
    ) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for name in forwarded where ranges || (name != .range && name != .ifRange) {
            for value in request[values: name] where !value.isEmpty { headers.add(name: name.canonicalName, value: value) }
        }
        if !requestID.isEmpty { headers.add(name: "X-Request-Id", value: requestID) }
        let proto = origin.trusted ? (request[.xForwardedProto].flatMap(Self.token) ?? origin.proto) : origin.proto
        switch forwarding.headers {
        case .xForwarded:
            var chain = origin.trusted ? request[values: .xForwardedFor].joined(separator: ", ") : ""
            if let peer = origin.peer { chain += chain.isEmpty ? peer : ", \(peer)" }
            if !chain.isEmpty { headers.add(name: "X-Forwarded-For", value: chain) }
            headers.add(name: "X-Forwarded-Proto", value: proto)
        case .forwarded:
            var elements = origin.trusted ? request[values: .forwarded] : []
            let node = origin.peer.map { $0.utf8.contains(UInt8(ascii: ":")) ? "\"[\($0)]\"" : $0 } ?? "unknown"
            elements.append("for=\(node);proto=\(proto)")
            headers.add(name: "Forwarded", value: elements.joined(separator: ", "))
        case .none:
            break
        }
        if forwarding.via {
            let earlier = origin.trusted ? request[values: .via].joined(separator: ", ") : ""
            headers.add(name: "Via", value: earlier.isEmpty ? "1.1 portico" : "\(earlier), 1.1 portico")
        }
        headers.add(name: "User-Agent", value: "Portico")
        if let authorization { headers.add(name: authorization.name, value: authorization.value) }
        return headers
    }

    /// `http` or `https`, the only protocols a trusted proxy may claim.
    static func token(_ text: String) -> String? {
        let value = text.trimmingBlanks.lowercased()
        return value == "http" || value == "https" ? value : nil
    }

    /// The upstream response's headers a partner gets.
    static func partnerResponse(from upstream: HTTPHeaders) -> HTTPFields {
        // The tokens the upstream names in `Connection` (usually just keep-alive), lower case.
        var named: [String] = []
        for value in upstream["connection"] {
            for token in value.split(separator: ",") { named.append(token.trimmingBlanks.lowercased()) }
        }
        var fields: [HTTPField] = []
        fields.reserveCapacity(upstream.count)
        for (name, value) in upstream {
            // The field name's canonical form is its lower case: no lower-casing copy of our own.
            guard let field = HTTPField.Name(name), returned.contains(field.canonicalName), !named.contains(field.canonicalName) else {
                continue
            }
            fields.append(HTTPField(name: field, value: value))
        }
        return HTTPFields(fields)
    }
}

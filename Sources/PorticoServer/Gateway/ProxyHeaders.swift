import Foundation
import HTTPTypes
import Hummingbird
import NIOHTTP1

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

    /// The upstream request's headers: the allowed partner headers, Portico's request id and
    /// forwarding headers, and the upstream's own credential (never the partner's).
    static func upstreamRequest(
        from request: HTTPFields, requestID: String, client: String?, proto: String, authorization: (name: String, value: String)?
    ) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for name in forwarded {
            for value in request[values: name] where !value.isEmpty { headers.add(name: name.canonicalName, value: value) }
        }
        if !requestID.isEmpty { headers.add(name: "X-Request-Id", value: requestID) }
        if let client { headers.add(name: "X-Forwarded-For", value: client) }
        headers.add(name: "X-Forwarded-Proto", value: proto)
        headers.add(name: "Via", value: "1.1 portico")
        headers.add(name: "User-Agent", value: "Portico")
        if let authorization { headers.add(name: authorization.name, value: authorization.value) }
        return headers
    }

    /// The upstream response's headers a partner gets.
    static func partnerResponse(from upstream: HTTPHeaders) -> HTTPFields {
        let named = Set(
            upstream["connection"].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        var fields = HTTPFields()
        for (name, value) in upstream {
            let lower = name.lowercased()
            guard returned.contains(lower), !named.contains(lower), let field = HTTPField.Name(name) else { continue }
            fields.append(HTTPField(name: field, value: value))
        }
        return fields
    }
}

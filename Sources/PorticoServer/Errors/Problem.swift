public import Hummingbird
import NIOCore
import PorticoShape

/// An error answered as `application/problem+json` (RFC 9457).
///
/// Each ``Kind`` has a stable `type` URI under `https://portico.dev/problems/`, a status and a
/// title; `detail` tells the caller what to fix and never carries anything internal (SQL,
/// driver text, stack).
///
/// ```swift
/// throw Problem(.notFound, detail: "No orders item has the id 'ORD-1'.")
/// ```
public struct Problem: HTTPResponseError, Sendable {
    public let kind: Kind
    public let detail: String
    public var headers: HTTPFields = [:]
    /// For 429s: the policies the request would have broken (draft-ietf-httpapi-ratelimit-headers).
    public var violatedPolicies: [String]?

    public static let typeBase = "https://portico.dev/problems/"

    public var status: HTTPResponse.Status { kind.status }
    public var title: String { kind.title }

    /// - Parameters:
    ///   - kind: what went wrong; fixes the type, status and title.
    ///   - detail: what the caller can do about it, in their terms.
    ///   - headers: fields the answer carries besides the body's (`Retry-After`, `WWW-Authenticate`, `Allow`).
    public init(_ kind: Kind, detail: String, headers: HTTPFields = [:]) {
        self.kind = kind
        self.detail = detail
        self.headers = headers
    }

    public static func notFound(_ path: String) -> Problem {
        Problem(.notFound, detail: "No resource at \(path).")
    }

    /// A path naming a version that is not served: the 404 lists the ones that are.
    static func unknownVersion(_ version: String, in catalogs: CatalogSet) -> Problem {
        Problem(.notFound, detail: "There is no API version '\(version)'. Versions: \(catalogs.versions.joined(separator: ", ")).")
    }

    public static func methodNotAllowed(_ method: String) -> Problem {
        Problem(.methodNotAllowed, detail: "The API is read-only: use GET or HEAD, not \(method).", headers: [.allow: "GET, HEAD"])
    }

    /// An error inside Portico; the log has the details, the caller only the request id.
    public static var internalError: Problem {
        Problem(.internalError, detail: "Something went wrong on our side. Quote the request id if you contact support.")
    }

    public static func unavailable(_ detail: String, retryAfter seconds: Int) -> Problem {
        Problem(.unavailable, detail: detail, headers: [.retryAfter: String(seconds)])
    }

    /// The JSON body: fields in a fixed order, strings escaped per RFC 8259 (by the writer
    /// documents use).
    public func body(requestID: String? = nil) -> ByteBuffer {
        var json = JSONWriter(capacity: 224 + detail.utf8.count)
        json.beginObject()
        json.key("type")
        json.string(kind.type)
        json.key("title")
        json.string(title)
        json.key("status")
        json.int(Int64(status.code))
        json.key("detail")
        json.string(detail)
        if let violatedPolicies {
            json.key("violated-policies")
            json.beginArray()
            for policy in violatedPolicies { json.string(policy) }
            json.endArray()
        }
        if let requestID, !requestID.isEmpty {
            json.key("request_id")
            json.string(requestID)
        }
        json.endObject()
        return json.withBytes { ByteBuffer(bytes: $0) }
    }

    /// The problem as the response, returned instead of thrown: the refusals on the hot path
    /// (401, 429) skip unwinding and the casts of every middleware above. The trace keeps what
    /// the metrics need.
    func answer(_ context: PorticoRequestContext) -> Response {
        context.trace.refused(self)
        return response(requestID: context.requestID)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response(requestID: (context as? PorticoRequestContext)?.requestID)
    }

    func response(requestID: String?) -> Response {
        let body = body(requestID: requestID)
        var fields = headers
        fields.reserveCapacity(fields.count + 3)
        fields.set(.contentType, "application/problem+json")
        fields.set(.cacheControl, "no-store")
        // Here rather than in `Response.init`, which sets it through the subscript.
        fields.set(.contentLength, String(body.readableBytes))
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }
}

public import Hummingbird
import NIOCore
import PorticoShape

/// An error answered as `application/problem+json` (RFC 9457).
///
/// Each kind has a stable `type` URI under `https://portico.dev/problems/`; `detail` tells the
/// caller what to fix and never carries anything internal (SQL, driver text, stack).
public struct Problem: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    /// The last path segment of the `type` URI, such as `not-found`.
    public let kind: String
    public let title: String
    public let detail: String
    public var headers: HTTPFields = [:]
    /// For 429s: the policies the request would have broken (draft-ietf-httpapi-ratelimit-headers).
    public var violatedPolicies: [String]?

    public static let typeBase = "https://portico.dev/problems/"

    public init(status: HTTPResponse.Status, kind: String, title: String, detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.headers = headers
    }

    public static func notFound(_ path: String) -> Problem {
        Problem(status: .notFound, kind: "not-found", title: "Not Found", detail: "No resource at \(path).")
    }

    public static func methodNotAllowed(_ method: String) -> Problem {
        Problem(status: .methodNotAllowed, kind: "method-not-allowed", title: "Method Not Allowed",
                detail: "The API is read-only: use GET or HEAD, not \(method).", headers: [.allow: "GET, HEAD"])
    }

    /// An error inside Portico; the log has the details, the caller only the request id.
    public static var internalError: Problem {
        Problem(status: .internalServerError, kind: "internal", title: "Internal Server Error",
                detail: "Something went wrong on our side. Quote the request id if you contact support.")
    }

    public static func unavailable(_ detail: String, retryAfter seconds: Int) -> Problem {
        Problem(status: .serviceUnavailable, kind: "unavailable", title: "Service Unavailable", detail: detail,
                headers: [.retryAfter: String(seconds)])
    }

    /// The JSON body: fields in a fixed order, strings escaped per RFC 8259 (by the writer
    /// documents use).
    public func body(requestID: String? = nil) -> ByteBuffer {
        var json = JSONWriter(capacity: 224 + detail.utf8.count)
        json.beginObject()
        json.key("type")
        // A kind that is already a URI (the rate-limit draft's types) is used as it is.
        json.string(kind.hasPrefix("https://") ? kind : Self.typeBase + kind)
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

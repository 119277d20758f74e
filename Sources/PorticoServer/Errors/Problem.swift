public import Hummingbird
import NIOCore
public import PorticoCatalog
import PorticoShape

/// An error answered as `application/problem+json` (RFC 9457), or as the version's own
/// vocabulary words it (``ErrorVocabulary``: its types, titles, codes, or a JSON envelope).
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
    /// The query parameter at fault, as the partner wrote it, for vocabularies that name it.
    public var parameter: String?

    public var status: HTTPResponse.Status { kind.status }
    public var title: String { kind.title }

    /// - Parameters:
    ///   - kind: what went wrong; fixes the type, status and title.
    ///   - detail: what the caller can do about it, in their terms.
    ///   - headers: fields the answer carries besides the body's (`Retry-After`, `WWW-Authenticate`, `Allow`).
    ///   - parameter: the query parameter at fault, if one is.
    public init(_ kind: Kind, detail: String, headers: HTTPFields = [:], parameter: String? = nil) {
        self.kind = kind
        self.detail = detail
        self.headers = headers
        self.parameter = parameter
    }

    public static func notFound(_ path: String) -> Problem {
        Problem(.notFound, detail: "No resource at \(path).")
    }

    /// No item with this id for the partner: missing, another partner's, or malformed alike.
    static func noItem(_ resource: String, id: String) -> Problem {
        Problem(.notFound, detail: "No \(resource) item has the id '\(id)'.")
    }

    /// A path naming a version that is not served: the 404 lists the ones that are.
    static func unknownVersion(_ version: String, in catalogs: CatalogSet) -> Problem {
        Problem(.notFound, detail: "There is no API version '\(version)'. Versions: \(catalogs.versions.joined(separator: ", ")).")
    }

    /// A credential without the scope reading `name` needs (RFC 6750 §3.1's `insufficient_scope`).
    static func insufficientScope(reading name: String, scope: String) -> Problem {
        Problem(
            .insufficientScope, detail: "Reading \(name) needs the scope '\(scope)', which this credential does not hold.",
            headers: [.wwwAuthenticate: "Bearer error=\"insufficient_scope\", scope=\"\(scope)\""])
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

    /// The JSON body: members in a fixed order, strings escaped per RFC 8259 (by the writer
    /// documents use), worded by `vocabulary`.
    public func body(requestID: String? = nil, vocabulary: ErrorVocabulary = .standard) -> ByteBuffer {
        var json = JSONWriter(capacity: 224 + detail.utf8.count)
        if vocabulary.format == .json {
            write(vocabulary.body, vocabulary, requestID: requestID, into: &json)
            return json.withBytes { ByteBuffer(bytes: $0) }
        }
        json.beginObject()
        json.key("type")
        json.string(vocabulary.type(of: kind.id))
        json.key("title")
        json.string(vocabulary.title(of: kind.id))
        json.key("status")
        json.int(Int64(status.code))
        json.key("detail")
        json.string(detail)
        if let code = vocabulary.code(of: kind.id) {
            json.key("code")
            json.string(code)
        }
        if let violatedPolicies {
            json.key("violated-policies")
            json.beginArray()
            for policy in violatedPolicies { json.string(policy) }
            json.endArray()
        }
        if vocabulary.requestIDInBody, let requestID, !requestID.isEmpty {
            json.key("request_id")
            json.string(requestID)
        }
        json.endObject()
        return json.withBytes { ByteBuffer(bytes: $0) }
    }

    /// A `json` vocabulary's members; a role with nothing to say (no code, no parameter) is left out.
    private func write(_ members: [ErrorVocabulary.Named], _ vocabulary: ErrorVocabulary, requestID: String?, into json: inout JSONWriter) {
        json.beginObject()
        for named in members {
            switch named.member {
            case .object(let inner):
                json.key(named.name)
                write(inner, vocabulary, requestID: requestID, into: &json)
            case .constant(let constant):
                json.key(named.name)
                DocumentWriter.write(constant, into: &json)
            case .role(let role):
                switch role {
                case .type:
                    json.key(named.name)
                    json.string(vocabulary.type(of: kind.id))
                case .title:
                    json.key(named.name)
                    json.string(vocabulary.title(of: kind.id))
                case .status:
                    json.key(named.name)
                    json.int(Int64(status.code))
                case .detail:
                    json.key(named.name)
                    json.string(detail)
                case .code:
                    guard let code = vocabulary.code(of: kind.id) else { continue }
                    json.key(named.name)
                    json.string(code)
                case .parameter:
                    guard let parameter else { continue }
                    json.key(named.name)
                    json.string(parameter)
                case .requestID:
                    guard let requestID, !requestID.isEmpty else { continue }
                    json.key(named.name)
                    json.string(requestID)
                case .violatedPolicies:
                    guard let violatedPolicies else { continue }
                    json.key(named.name)
                    json.beginArray()
                    for policy in violatedPolicies { json.string(policy) }
                    json.endArray()
                }
            }
        }
        json.endObject()
    }

    /// The problem as the response, returned instead of thrown: the refusals on the hot path
    /// (401, 429) skip unwinding and the casts of every middleware above. The trace keeps what
    /// the metrics need.
    func answer(_ context: PorticoRequestContext) -> Response {
        context.trace.refused(self)
        return response(requestID: context.requestID, vocabulary: context.trace.errorVocabulary)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let context = context as? PorticoRequestContext
        return response(requestID: context?.requestID, vocabulary: context?.trace.errorVocabulary ?? .standard)
    }

    func response(requestID: String?, vocabulary: ErrorVocabulary = .standard) -> Response {
        let body = body(requestID: requestID, vocabulary: vocabulary)
        var fields = headers
        fields.reserveCapacity(fields.count + 3)
        if let realm = vocabulary.realm, let challenge = fields[.wwwAuthenticate], challenge.hasPrefix("Bearer") {
            let parameters = challenge.dropFirst("Bearer".count).drop { $0 == " " }
            fields[.wwwAuthenticate] = "Bearer realm=\"\(realm)\"" + (parameters.isEmpty ? "" : ", " + parameters)
        }
        fields.set(.contentType, vocabulary.mediaType)
        fields.set(.cacheControl, "no-store")
        // Here rather than in `Response.init`, which sets it through the subscript.
        fields.set(.contentLength, String(body.readableBytes))
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }
}

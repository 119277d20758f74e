import Foundation
import HTTPTypes
import Hummingbird

/// gzip for the read API's larger answers (RFC 9110 §8.4): every export and every page of at
/// least ``threshold`` bytes is compressed when the partner sends `Accept-Encoding: gzip`, as
/// it streams (``GzipWriter``: no whole-body buffer). Such answers carry
/// `Vary: Accept-Encoding` either way. A compressed answer's `ETag` is the identity one made
/// weak (`W/"…"`): the two representations are equivalent, not byte-identical, and
/// `If-None-Match` compares weakly, so either tag gives a 304.
///
/// Proxied routes are never touched: the product's own encoding passes as it is.
struct CompressionMiddleware: RouterMiddleware {
    typealias Context = PorticoRequestContext
    /// Pages smaller than this go as they are: gzip's header and trailer would outweigh the gain.
    static let threshold = 1024
    static let compressible = ["application/json", "application/x-ndjson", "text/csv", "application/problem+json"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard context.route?.proxy == nil, request.method != .head, response.headers[.contentEncoding] == nil else { return response }
        if response.status == .notModified {
            // The partner validated the weak tag of a compressed answer: the 304 names the same.
            if Self.acceptsGzip(request.headers[values: .acceptEncoding]), let tag = response.headers[.eTag], !tag.hasPrefix("W/") {
                response.headers[.eTag] = "W/" + tag
            }
            return response
        }
        guard response.status == .ok, let type = response.headers[.contentType], Self.isCompressible(type) else { return response }
        if let length = response.body.contentLength, length < Self.threshold { return response }
        response.headers.append(HTTPField(name: .vary, value: "Accept-Encoding"))
        guard Self.acceptsGzip(request.headers[values: .acceptEncoding]), let encoder = GzipEncoder() else { return response }
        response.headers[.contentEncoding] = "gzip"
        response.headers[.contentLength] = nil
        if let tag = response.headers[.eTag], !tag.hasPrefix("W/") { response.headers[.eTag] = "W/" + tag }
        let body = response.body
        response.body = ResponseBody { writer in
            try await body.write(GzipWriter(base: writer, encoder: encoder))
        }
        return response
    }

    /// Whether a `Content-Type`'s media type (parameters aside) is one gzip is worth it for.
    static func isCompressible(_ contentType: String) -> Bool {
        let media = contentType[..<(contentType.utf8.firstIndex(of: UInt8(ascii: ";")) ?? contentType.endIndex)]
        return compressible.contains { $0[...] == media }
    }

    /// Whether `Accept-Encoding` allows gzip: listed (or `*`) with a q-value above 0, and not refused by name.
    static func acceptsGzip(_ values: [String]) -> Bool {
        var gzip: Double?
        var any: Double?
        for value in values {
            for item in value.split(separator: ",") {
                let parts = item.split(separator: ";").map { $0.trimmingBlanks.lowercased() }
                guard let coding = parts.first else { continue }
                // A q-value that is not one (RFC 9110 §12.4.2) counts as a refusal.
                let q =
                    parts.dropFirst().first { $0.hasPrefix("q=") }.map { Double($0.dropFirst(2)).flatMap { (0...1).contains($0) ? $0 : nil } ?? 0 }
                    ?? 1
                if coding == "gzip" || coding == "x-gzip" { gzip = q } else if coding == "*" { any = q }
            }
        }
        return (gzip ?? any ?? 0) > 0
    }
}

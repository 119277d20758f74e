import Foundation
import Hummingbird
import Logging
import PorticoCatalog
import PorticoValues

/// The outermost stage: the request id, one structured line per request, and the request
/// metrics. The id is the caller's well-formed `X-Request-Id` or one made here (``RequestID``),
/// and every response carries it, errors included. For a streamed export, the line and the
/// metrics are written when the last byte is, so duration, rows and bytes are the export's own.
///
/// The line carries: request id, partner, credential id (never a secret), method, route
/// template, the resource or proxied route (`v1/orders`), status, bytes, duration, database time and rows; for a proxied route, the upstream
/// target, its status (or `connect_error`, `timeout`), the time to its response head and the tries.
///
/// One middleware, not two: each layer costs every request an async frame and a closure.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = PorticoRequestContext
    let logger: Logger
    let metrics: ServerMetrics?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let given = request.headers.value(.xRequestID) ?? ""
        context.requestID = RequestID.isWellFormed(given) ? given : RequestID.generate()
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            if let problem = error as? Problem {
                count(status: problem.status.code, kind: problem.kind.slug, policies: problem.violatedPolicies ?? [])
            }
            finish(request, context, status: status, bytes: nil, start: start)
            guard let error = error as? any HTTPResponseError else { throw error }
            var response = try error.response(from: request, context: context)
            response.headers.set(.xRequestID, context.requestID)
            return response
        }
        response.headers.set(.xRequestID, context.requestID)
        if let length = response.body.contentLength {
            finish(request, context, status: response.status.code, bytes: length, start: start)
        } else {
            let body = response.body
            let status = response.status.code
            let context = context
            response.body = ResponseBody { writer in
                let counting = CountingWriter(base: writer)
                defer { finish(request, context, status: status, bytes: counting.bytes, start: start) }
                try await body.write(counting)
            }
        }
        return response
    }

    /// Refusals by limit and failed authentications: thrown problems from the catch above,
    /// returned ones (``Problem/answer(_:)``) from the trace.
    func count(status: Int, kind: String, policies: [String]) {
        guard let metrics else { return }
        for policy in policies { metrics.limitRejected(policy: policy) }
        if status == 401 { metrics.authFailure(kind: kind) }
    }

    func finish(_ request: Request, _ context: Context, status: Int, bytes: Int?, start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let nanos = elapsed.nanoseconds
        let trace = context.trace.snapshot
        if let refusal = trace.refusal { count(status: refusal.status, kind: refusal.kind, policies: refusal.violatedPolicies) }
        if let metrics {
            // Labelled by the resolved route (``ResolvedRoute/labels``), which names only what the
            // catalog knows, so labels cannot be made up by callers; "-" for what never routed.
            let labels = trace.version.map { ($0, trace.resource ?? "-") } ?? ("-", "-")
            metrics.request(
                version: labels.0, resource: labels.1, status: status, partner: trace.partner ?? "-",
                totalNanos: nanos, databaseNanos: trace.databaseNanos)
        }
        // Built only when it will be written: at warning level the line costs nothing.
        guard logger.logLevel <= .info else { return }
        var metadata: Logger.Metadata = [
            "request_id": .string(context.requestID),
            "method": .string(request.method.rawValue),
            "route": .string(context.endpointPath ?? "unmatched"),
            "status": .stringConvertible(status),
            "duration_ms": .string(String(format: "%.3f", Double(nanos) / 1e6)),
            "db_ms": .string(String(format: "%.3f", Double(trace.databaseNanos) / 1e6)),
            "rows": .stringConvertible(trace.rows),
        ]
        if let version = trace.version, let resource = trace.resource { metadata["resource"] = .string("\(version)/\(resource)") }
        if let bytes { metadata["bytes"] = .stringConvertible(bytes) }
        if let partner = trace.partner { metadata["partner"] = .string(partner) }
        if let credential = trace.credentialID { metadata["credential_id"] = .string(credential) }
        if let address = context.remoteAddress { metadata["client"] = .string(address) }
        if let upstream = trace.upstream {
            metadata["upstream"] = .string(upstream.target)
            metadata["upstream_status"] = .string(upstream.outcome)
            metadata["upstream_ms"] = .string(String(format: "%.3f", Double(upstream.nanos) / 1e6))
            if upstream.attempts > 1 { metadata["upstream_attempts"] = .stringConvertible(upstream.attempts) }
        }
        logger.info("request", metadata: metadata)
    }
}

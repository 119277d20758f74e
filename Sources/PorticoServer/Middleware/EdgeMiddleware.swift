public import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
import PorticoAccess
public import PorticoMySQL
public import ServiceLifecycle
import Synchronization

/// What is refused at the edge, before and after routing:
/// - a declared body over the limit, before anything reads it: `413`. The token endpoint
///   answers its own way (an RFC 6749 `invalid_request`), so it is left to it;
/// - a path no route matches: a problem document (`404`, or `405` for a method other than
///   GET or HEAD under `/api/`, which is read-only) instead of an empty 404.
struct EdgeMiddleware: RouterMiddleware {
    typealias Context = PorticoRequestContext
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path != "/oauth/token", let length = request.headers.value(.contentLength).flatMap(Int.init), length > maxBodyBytes {
            throw Problem(.bodyTooLarge, detail: "Request bodies may be at most \(maxBodyBytes) bytes.")
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            if request.uri.path.hasPrefix("/api/"), request.method != .get, request.method != .head {
                throw Problem.methodNotAllowed(request.method.rawValue)
            }
            throw Problem.notFound(context.publicPath ?? request.uri.path)
        }
    }
}

public import Hummingbird
public import PorticoAccess

/// Per-request state that travels down the middleware chain.
public struct PorticoRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller's `X-Request-Id` when well-formed, else one generated here; echoed on every response.
    public var requestID = ""
    public var principal: Principal?
    /// The peer's IP address, for per-address limits.
    public let remoteAddress: String?
    /// What the stages report for the access log and metrics.
    public let trace = RequestTrace()

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }
}

/// Accepts a well-formed `X-Request-Id` (1–128 of letters, digits, `.`, `_`, `-`) or makes one,
/// and echoes it on every response, errors included.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = PorticoRequestContext

    static func isWellFormed(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D || byte == 0x2E || byte == 0x5F
        }
    }

    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef")
        return String((0..<24).map { _ in hex[Int(generator.next() % 16)] })
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let given = request.headers[.init("X-Request-Id")!] ?? ""
        context.requestID = Self.isWellFormed(given) ? given : Self.generate()
        do {
            var response = try await next(request, context)
            response.headers[.init("X-Request-Id")!] = context.requestID
            return response
        } catch let error as any HTTPResponseError {
            var response = try error.response(from: request, context: context)
            response.headers[.init("X-Request-Id")!] = context.requestID
            return response
        }
    }
}

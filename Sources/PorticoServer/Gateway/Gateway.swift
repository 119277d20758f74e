import AsyncHTTPClient
public import Foundation
import Hummingbird
public import Logging
import NIOCore
import NIOHTTP1
import PorticoAccess
import PorticoCatalog
import PorticoValues
public import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Forwards proxied routes (``ProxyRoute``) to the legacy product and streams its answers back.
///
/// Per request: the scope, the parameters and the tenant are checked first (``ProxyPreparation``);
/// then the upstream is asked with its own credential and only allowed headers; its response
/// head is mapped (2xx and 304 pass, 404 is Portico's own 404, anything else a 502 problem,
/// a timeout a 504), and its body streams to the partner with back-pressure, chunk by chunk,
/// never collected. A body that fails after its first byte aborts the partner's connection, so
/// a truncated download is never taken for a complete one.
///
/// GET and HEAD are retried, on the next target, after a connection failure or a declared
/// status, only before anything reached the partner. One HTTP client per set of timeouts, shut
/// down with the server.
public final class Gateway: Service, Sendable {
    struct ClientKey: Hashable {
        let connect: Duration
        let idle: Duration
    }

    let logger: Logger
    private let clients = Mutex<[ClientKey: HTTPClient]>([:])
    private let turns = Mutex<[String: Int]>([:])
    private let secrets: SecretSource
    /// Peers whose forwarding headers are kept (`limits.trusted_proxies`).
    let trustedProxies: Set<String>
    let health: UpstreamHealth
    let metrics: ServerMetrics?

    /// - Parameters:
    ///   - logger: where upstream failures are explained to ops (never to partners).
    ///   - environment: where `*_env` secrets and `{env:}` targets are read.
    ///   - trustedProxies: peers whose `X-Forwarded-For`, `Forwarded` and `Via` are passed on.
    ///   - health: which targets are ejected (shared with readiness).
    ///   - metrics: where exchanges, bytes, retries and ejections are counted.
    public init(
        logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment, trustedProxies: Set<String> = [],
        health: UpstreamHealth = UpstreamHealth(), metrics: ServerMetrics? = nil
    ) {
        self.logger = logger
        self.trustedProxies = trustedProxies
        self.health = health
        self.metrics = metrics
        secrets = SecretSource(environment: environment)
    }

    public func run() async throws {
        try? await gracefulShutdown()
        let all = clients.withLock { clients in
            defer { clients.removeAll() }
            return Array(clients.values)
        }
        for client in all { try? await client.shutdown() }
    }

    func client(_ timeouts: ProxyRoute.Timeouts) -> HTTPClient {
        let key = ClientKey(connect: timeouts.connect, idle: timeouts.idle)
        return clients.withLock { clients in
            if let found = clients[key] { return found }
            var configuration = HTTPClient.Configuration(
                redirectConfiguration: .disallow,
                timeout: .init(connect: .nanoseconds(Int64(timeouts.connect.nanoseconds)), read: .nanoseconds(Int64(timeouts.idle.nanoseconds))),
                decompression: .disabled)
            configuration.httpVersion = .http1Only
            // Portico bootstraps no tracer, yet a client left with the global no-op one builds a
            // span and its attributes for every request: about a tenth of a proxied request's CPU.
            configuration.tracing.tracer = nil
            let made = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[key] = made
            return made
        }
    }

    /// The targets of a route, starting with the next one round-robin: a retry takes the one after.
    func targets(_ route: ProxyRoute, version: String) throws(Problem) -> [String] {
        let targets = try route.upstream.targets.map { target throws(Problem) -> String in
            switch target {
            case .url(let url): return url
            case .environment(let name):
                guard let url = secrets.baseURL(name) else {
                    logger.error(
                        "the upstream target's environment variable is not set to a base URL",
                        metadata: ["route": "\(route.name)", "variable": "\(name)"])
                    throw Self.badGateway
                }
                return url
            }
        }
        let turn = turns.withLock { turns in
            let key = "\(version)/\(route.name)"
            defer { turns[key, default: 0] &+= 1 }
            return turns[key, default: 0]
        }
        return (0..<targets.count).map { offset in
            let base = targets[(turn &+ offset) % targets.count]
            return base.hasSuffix("/") ? String(base.dropLast()) : base
        }
    }

    static let badGateway = Problem(
        .badGateway, detail: "The service behind this route did not answer properly. Try again later; quote the request id if it persists.")
    static let gatewayTimeout = Problem(.gatewayTimeout, detail: "The service behind this route did not answer in time. Try again later.")

    /// Forwards one request.
    ///
    /// - Parameters:
    ///   - match: the proxied route and the path's values.
    ///   - request: the partner's request.
    ///   - context: its context, with the principal and the resolved route.
    /// - Returns: the upstream's answer, streaming.
    /// - Throws: ``Problem`` for every refusal and upstream failure before the head.
    func forward(
        _ match: ProxyMatch, _ request: Request, _ context: PorticoRequestContext, version: String, query: [(String, String)], notFound: Problem
    )
        async throws -> Response
    {
        let route = match.route
        guard route.methods.contains(request.method.rawValue) else {
            throw Problem(
                .methodNotAllowed, detail: "This route answers \(route.methods.joined(separator: ", ")), not \(request.method.rawValue).",
                headers: [.allow: route.methods.joined(separator: ", ")])
        }
        guard let principal = context.principal else {
            throw Problem(.unauthorized, detail: "This request needs credentials.", headers: [.wwwAuthenticate: "Bearer"])
        }
        guard principal.holds(route.scope) else {
            throw Problem.insufficientScope(reading: route.name, scope: route.scope)
        }
        let prepared = try ProxyPreparation(match, query: query, principal: principal, notFound: notFound)
        let authorization = try route.upstream.credential.map { credential throws(Problem) in
            try secrets.header(credential, route: route, logger: logger)
        }
        let peer = context.remoteAddress
        let origin = ProxyHeaders.Origin(peer: peer, trusted: peer.map(trustedProxies.contains) ?? false, proto: "http")
        let headers = ProxyHeaders.upstreamRequest(
            from: request.headers, requestID: context.requestID, origin: origin, forwarding: route.forwarding, ranges: route.ranges,
            authorization: authorization)
        // On the partner connection's loop: the upstream's chunks reach the partner's socket
        // without waking another thread (bench/results/2026-12-04-2core-gateway.md).
        return try await withTaskExecutorPreference(EventLoopExecutor.of(context.eventLoop)) {
            try await exchange(route, prepared, headers: headers, request, context, version: version, notFound: notFound)
        }
    }

    /// Asks the upstream's targets in turn until one answers, within the route's retries.
    private func exchange(
        _ route: ProxyRoute, _ prepared: ProxyPreparation, headers: HTTPHeaders, _ request: Request, _ context: PorticoRequestContext,
        version: String, notFound: Problem
    ) async throws -> Response {
        let retriable = request.method == .get || request.method == .head
        let attempts = retriable ? route.retries.attempts : 1
        let client = client(route.timeouts)
        var failure: Problem = Self.badGateway
        let key = "\(version)/\(route.name)"
        let targets = health.order(try targets(route, version: version), route: key)
        for attempt in 0..<attempts {
            if attempt > 0 {
                metrics?.upstreamRetry(route: key)
                try? await Task.sleep(for: Self.backoff(attempt))
            }
            let target = targets[attempt % targets.count]
            var upstream = HTTPClientRequest(url: target + prepared.pathAndQuery)
            upstream.method = HTTPMethod(rawValue: request.method.rawValue)
            upstream.headers = headers
            if !retriable {
                upstream.body = .stream(request.body, length: request.headers[.contentLength].flatMap(Int64.init).map { .known($0) } ?? .unknown)
            }
            let started = ContinuousClock.now
            let response: HTTPClientResponse
            do {
                response = try await client.execute(
                    upstream, deadline: .now() + .nanoseconds(Int64(route.timeouts.firstByte.nanoseconds)), logger: logger)
            } catch {
                failure = Self.problem(for: error)
                let outcome = failure.status.code == 504 ? "timeout" : "connect_error"
                record(key, target, outcome: outcome, since: started, attempt: attempt, context, failed: true)
                logger.warning(
                    "upstream request failed",
                    metadata: [
                        "route": "\(key)", "target": "\(target)", "attempt": "\(attempt + 1)", "error": "\(error)",
                        "request_id": "\(context.requestID)",
                    ])
                continue
            }
            let status = Int(response.status.code)
            record(key, target, outcome: String(status), since: started, attempt: attempt, context, failed: [502, 503, 504].contains(status))
            if route.retries.statuses.contains(status), attempt + 1 < attempts {
                logger.warning("upstream answered a retried status", metadata: ["route": "\(key)", "status": "\(status)"])
                continue
            }
            let instruments = metrics?.upstream(route: key, target: target)
            @Sendable func count(_ bytes: Int) { instruments?.passed(bytes) }
            // A small body is read whole before the partner sees anything (at most 64 KiB a
            // request): one write instead of a stream, and a failure midway is still a 502 problem.
            if (200...299).contains(status), request.method != .head,
                let length = response.headers.first(name: "content-length").flatMap(Int.init), length <= Self.smallBody
            {
                do {
                    let buffer = try await response.body.collect(upTo: length)
                    guard buffer.readableBytes == length else { throw ProxyAbort.truncated }
                    count(length)
                    return try respond(
                        response, route: route, started: started, request: request, context: context, notFound: notFound, whole: buffer)
                } catch {
                    failure = Self.problem(for: error)
                    record(key, target, outcome: "body_error", since: started, attempt: attempt, context, failed: true)
                    logger.warning(
                        "the upstream body failed before any of it was sent", metadata: ["route": "\(key)", "error": "\(error)"])
                    throw failure  // not retried: the upstream took the request
                }
            }
            return try respond(response, route: route, started: started, request: request, context: context, notFound: notFound, count: count)
        }
        throw failure
    }

    /// One exchange's outcome, for passive health, the metrics and the access log.
    private func record(
        _ route: String, _ target: String, outcome: String, since started: ContinuousClock.Instant, attempt: Int,
        _ context: PorticoRequestContext, failed: Bool
    ) {
        let nanos = (ContinuousClock.now - started).nanoseconds
        context.trace.upstream(.init(target: target, outcome: outcome, nanos: nanos, attempts: attempt + 1))
        metrics?.upstream(route: route, target: target, outcome: outcome, headNanos: nanos)
        guard failed else {
            health.succeeded(target)
            return
        }
        if health.failed(target) {
            metrics?.upstreamEjected(target: target)
            logger.error(
                "upstream target ejected after repeated failures; its route's other targets are tried first",
                metadata: ["route": "\(route)", "target": "\(target)"])
        }
    }

    /// The partner's response for an upstream response head.
    func respond(
        _ upstream: HTTPClientResponse, route: ProxyRoute, started: ContinuousClock.Instant, request: Request, context: PorticoRequestContext,
        notFound: Problem, count: @escaping @Sendable (Int) -> Void = { _ in }, whole: ByteBuffer? = nil
    ) throws -> Response {
        let status = Int(upstream.status.code)
        switch status {
        case 200...299, 304:
            break
        case 404, 410:
            throw notFound
        case 401, 403, 407:
            logger.error(
                "the upstream refused Portico's credential: check the route's credential",
                metadata: ["route": "\(route.name)", "status": "\(status)", "request_id": "\(context.requestID)"])
            throw Self.badGateway
        default:
            logger.warning(
                "the upstream answered with an error",
                metadata: ["route": "\(route.name)", "status": "\(status)", "request_id": "\(context.requestID)"])
            throw Self.badGateway
        }
        let headers = ProxyHeaders.partnerResponse(from: upstream.headers)
        let length = upstream.headers.first(name: "content-length").flatMap(Int.init)
        let body = upstream.body
        let total = route.timeouts.total.map { started + $0 }
        let logger = logger
        let name = route.name
        let requestID = context.requestID
        let executor = EventLoopExecutor.of(context.eventLoop)
        let hasBody = request.method != .head && status != 204 && status != 304
        var response = Response(status: HTTPResponse.Status(code: status), headers: headers)
        if let whole {
            response.body = .init(byteBuffer: whole)
            return response
        }
        response.body = ResponseBody(contentLength: hasBody ? length : nil) { writer in
            guard hasBody else {
                try await writer.finish(nil)
                return
            }
            var written = 0
            defer { count(written) }
            do {
                try await withTaskExecutorPreference(executor) {
                    for try await chunk in body {
                        if let total, ContinuousClock.now > total { throw ProxyAbort.totalTimeout }
                        written += chunk.readableBytes
                        try await writer.write(chunk)
                    }
                }
            } catch {
                logger.warning(
                    "the upstream body failed after the head; the partner's connection is aborted",
                    metadata: ["route": "\(name)", "bytes": "\(written)", "error": "\(error)", "request_id": "\(requestID)"])
                throw error
            }
            if let length, written != length {
                logger.warning("the upstream body was shorter than its Content-Length; aborting", metadata: ["route": "\(name)"])
                throw ProxyAbort.truncated
            }
            try await writer.finish(nil)
        }
        return response
    }

    /// Bodies up to this length are read whole before they are sent.
    static let smallBody = 64 * 1024

    enum ProxyAbort: Error {
        case totalTimeout
        case truncated
    }

    /// A failure before the response head: a timeout (connecting, or waiting for the head) is a
    /// 504, anything else (refused, reset, malformed) a 502.
    static func problem(for error: any Error) -> Problem {
        guard let client = error as? HTTPClientError else { return badGateway }
        return [.deadlineExceeded, .readTimeout, .connectTimeout].contains(client) ? gatewayTimeout : badGateway
    }

    /// 100 ms, 200 ms, … with up to half again of jitter.
    static func backoff(_ attempt: Int) -> Duration {
        let base = 100 * (1 << min(attempt - 1, 4))
        return .milliseconds(base + Int.random(in: 0...(base / 2)))
    }
}

/// Reads the secrets proxied routes name: environment variables, or files. A file is read
/// again when its modification time or size changes (one `stat` per request), so a rotated
/// secret takes effect without a restart.
final class SecretSource: Sendable {
    let environment: [String: String]
    private let files = Mutex<[String: (stamp: FileStamp, value: String)]>([:])

    struct FileStamp: Equatable {
        let seconds: Int
        let nanoseconds: Int
        let size: Int

        init?(_ path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            seconds = Int(info.st_mtim.tv_sec)
            nanoseconds = Int(info.st_mtim.tv_nsec)
            size = Int(info.st_size)
        }
    }

    /// The environment's base URLs, checked once each: the environment does not change.
    private let baseURLs = Mutex<[String: String?]>([:])

    init(environment: [String: String]) { self.environment = environment }

    /// The variable's value when it is an http(s) base URL.
    func baseURL(_ name: String) -> String? {
        if let known = baseURLs.withLock({ $0[name] }) { return known }
        let url = environment[name].flatMap { ProxyRoute.isBaseURL($0) ? $0 : nil }
        baseURLs.withLock { $0[name] = url }
        return url
    }

    func value(_ secret: ProxyRoute.Secret) -> String? {
        switch secret {
        case .environment(let name):
            return environment[name].flatMap { $0.isEmpty ? nil : $0 }
        case .file(let path):
            guard let stamp = FileStamp(path) else { return nil }
            if let cached = files.withLock({ $0[path] }), cached.stamp == stamp { return cached.value }
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else { return nil }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { return nil }
            files.withLock { $0[path] = (stamp, value) }
            return value
        }
    }

    /// The header that carries the upstream's credential.
    func header(_ credential: ProxyRoute.Credential, route: ProxyRoute, logger: Logger) throws(Problem) -> (name: String, value: String) {
        func read(_ secret: ProxyRoute.Secret) throws(Problem) -> String {
            guard let value = value(secret) else {
                logger.error("the upstream credential's secret cannot be read", metadata: ["route": "\(route.name)", "secret": "\(secret)"])
                throw Gateway.badGateway
            }
            return value
        }
        switch credential {
        case .basic(let user, let password):
            return ("Authorization", "Basic " + Data("\(user):\(try read(password))".utf8).base64EncodedString())
        case .bearer(let token):
            return ("Authorization", "Bearer " + (try read(token)))
        case .header(let name, let secret):
            return (name, try read(secret))
        }
    }
}

import AsyncHTTPClient
public import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
public import PorticoCatalog
import PorticoValues

/// `portico check --upstream`: asks each target of each proxied route whether it answers, with
/// the route's own credential, before any partner does. The request is a `HEAD` of the upstream
/// path's constant part (`/exports/` for `/exports/{account}/{file}`): what answers there says
/// whether the host is up and whether it takes Portico's credential.
public enum UpstreamProbe {
    public struct Result: Sendable, CustomStringConvertible {
        public enum Outcome: Sendable {
            /// The target answered with this status (any but 401 and 407), in this many milliseconds.
            case answered(status: Int, milliseconds: Double)
            /// It answered 401 or 407: the route's credential is missing or wrong.
            case credentialRefused(status: Int)
            /// No answer: refused, unresolvable, timed out.
            case unreachable(String)
            /// The target or the credential cannot be resolved here (an unset variable, an unreadable file).
            case notConfigured(String)
        }

        public let version: String
        public let route: ProxyRoute
        public let target: String
        public let outcome: Outcome

        public var isFailure: Bool {
            if case .answered = outcome { return false }
            return true
        }

        /// `file:line:column: error: …` for failures, `file:line:column: ok: …` otherwise.
        public var description: String {
            let place = route.upstream.location.description
            let name = "\(version)/\(route.name) → \(target)"
            switch outcome {
            case .answered(let status, let ms): return "\(place): ok: \(name) answered \(status) in \(String(format: "%.1f", ms)) ms"
            case .credentialRefused(let status):
                return "\(place): error: \(name) answered \(status): it does not accept the route's credential"
            case .unreachable(let why): return "\(place): error: \(name) does not answer: \(why)"
            case .notConfigured(let why): return "\(place): error: \(name): \(why)"
            }
        }
    }

    /// Probes every target of every proxied route, one after another.
    public static func run(
        _ catalogs: [String: Catalog], environment: [String: String] = ProcessInfo.processInfo.environment, timeout: Duration = .seconds(5)
    ) async -> [Result] {
        let secrets = SecretSource(environment: environment)
        var logger = Logger(label: "portico.check")
        logger.logLevel = .critical
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(
                redirectConfiguration: .disallow, timeout: .init(connect: .seconds(Int64(timeout.components.seconds))),
                decompression: .disabled))
        var results: [Result] = []
        for version in catalogs.keys.sorted() {
            for (_, route) in catalogs[version]!.proxies.sorted(by: { $0.key < $1.key }) {
                for target in route.upstream.targets {
                    results.append(await probe(route, target, version: version, client: client, secrets: secrets, logger: logger, timeout: timeout))
                }
            }
        }
        try? await client.shutdown()
        return results
    }

    static func probe(
        _ route: ProxyRoute, _ target: ProxyRoute.Upstream.Target, version: String, client: HTTPClient, secrets: SecretSource, logger: Logger,
        timeout: Duration
    ) async -> Result {
        func result(_ shown: String, _ outcome: Result.Outcome) -> Result {
            Result(version: version, route: route, target: shown, outcome: outcome)
        }
        let base: String
        switch target {
        case .url(let url): base = url
        case .environment(let name):
            guard let url = secrets.baseURL(name) else {
                return result("{env: \(name)}", .notConfigured("the environment variable \(name) is not set to an http(s) base URL"))
            }
            base = url
        }
        var request = HTTPClientRequest(url: (base.hasSuffix("/") ? String(base.dropLast()) : base) + prefix(route.upstream.path))
        request.method = .HEAD
        request.headers.add(name: "User-Agent", value: "Portico (check)")
        if let credential = route.upstream.credential {
            do {
                let header = try secrets.header(credential, route: route, logger: logger)
                request.headers.add(name: header.name, value: header.value)
            } catch {
                return result(base, .notConfigured("the route's credential cannot be read (its variable is unset or its file unreadable)"))
            }
        }
        let started = ContinuousClock.now
        do {
            let response = try await client.execute(request, deadline: .now() + .nanoseconds(timeout.nanoseconds), logger: logger)
            let status = Int(response.status.code)
            let ms = Double((ContinuousClock.now - started).nanoseconds) / 1e6
            return result(base, status == 401 || status == 407 ? .credentialRefused(status: status) : .answered(status: status, milliseconds: ms))
        } catch {
            return result(base, .unreachable(Gateway.problem(for: error).status.code == 504 ? "timed out" : "\(error)"))
        }
    }

    /// `/exports/` for `/exports/{account}/{file}`: the path up to its first parameter.
    static func prefix(_ path: [ProxyRoute.Segment]) -> String {
        var text = "/"
        for segment in path {
            guard case .constant(let part) = segment else { break }
            text += part + "/"
        }
        return text
    }
}

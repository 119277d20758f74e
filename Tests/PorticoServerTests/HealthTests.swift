import Hummingbird
import HummingbirdTesting
import Logging
import PorticoMySQL
import PorticoServer
import PorticoTestSupport
import Testing

@Suite("Health and readiness (MariaDB)")
struct HealthTests {
    static var socket: String {
        guard case .unixSocket(let path) = TestDatabase.admin().endpoint else { return "" }
        return path
    }

    static func app(socket: String) -> (some ApplicationProtocol, MySQLConnectionPool) {
        var logger = Logger(label: "portico.tests")
        logger.logLevel = .critical
        let config = MySQLConfiguration(endpoint: .unixSocket(path: socket), user: "root", connectTimeout: 1)
        let pool = MySQLConnectionPool(configuration: config, options: .init(acquireTimeout: .seconds(1)), logger: logger)
        return (TestApp.build(pool: pool), pool)
    }

    @Test("liveness and readiness answer 200 when the database is reachable")
    func ready() async throws {
        let (app, _) = Self.app(socket: Self.socket)
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
            }
            // The public listener's readiness is the bare status: no component names for outsiders.
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(String(buffer: response.body) == #"{"status":"ready"}"#)
            }
        }
    }

    @Test("readiness fails with a 503 problem and Retry-After while the database is unreachable; liveness does not")
    func notReady() async throws {
        let (app, _) = Self.app(socket: "/nonexistent/mysqld.sock")
        try await app.test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[.retryAfter] == "5")
                let body = String(buffer: response.body)
                #expect(body.contains(#""type":"https://portico.dev/problems/unavailable""#))
                #expect(!body.contains("nonexistent"), "the socket path is internal: \(body)")
                #expect(!body.contains("database"), "the public listener names no component: \(body)")
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("an unknown path is a 404 problem document")
    func unknownPath() async throws {
        let (app, _) = Self.app(socket: Self.socket)
        try await app.test(.router) { client in
            // Outside /api: under /api, authentication comes before routing (DESIGN.md's pipeline).
            try await client.execute(uri: "/nowhere/\"quoted\"", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                let body = String(buffer: response.body)
                #expect(body.hasPrefix(#"{"type":"https://portico.dev/problems/not-found","title":"Not Found","status":404"#))
            }
        }
    }

    @Test("problem bodies escape every character JSON requires")
    func escaping() {
        let problem = Problem(.invalidParameter, detail: "q=\"a\\b\"\n\u{01}")
        #expect(String(buffer: problem.body()).contains(#""detail":"q=\"a\\b\"\n\u0001""#))
    }

    @Test("a problem body carries its type, policies and request id in a fixed order")
    func problemBody() {
        var problem = Problem(.quotaExceeded, detail: "Slow down.")
        problem.violatedPolicies = ["default", "d\"aily"]
        #expect(
            String(buffer: problem.body(requestID: "abc-1"))
                == #"{"type":"https://iana.org/assignments/http-problem-types#quota-exceeded","title":"Too Many Requests","status":429,"detail":"Slow down.","violated-policies":["default","d\"aily"],"request_id":"abc-1"}"#
        )
        let plain = Problem(.notFound, detail: "No resource at /é\t.")
        #expect(
            String(buffer: plain.body())
                == #"{"type":"https://portico.dev/problems/not-found","title":"Not Found","status":404,"detail":"No resource at /é\t."}"#)
    }
}

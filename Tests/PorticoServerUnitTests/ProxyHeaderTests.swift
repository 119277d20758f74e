import Foundation
import HTTPTypes
import NIOHTTP1
import PorticoCatalog
import Testing

@testable import PorticoServer

/// What the upstream is told about who asked: only a trusted proxy's chain is believed.
@Suite("Gateway forwarding headers")
struct ProxyHeaderTests {
    static let partnerSent: HTTPFields = [
        .init("X-Forwarded-For")!: "10.9.9.9", .init("X-Forwarded-Proto")!: "https", .init("Forwarded")!: "for=10.9.9.9;proto=https",
        .via: "1.1 edge", .accept: "text/csv", .authorization: "Bearer partner-key",
    ]

    static func headers(trusted: Bool, peer: String? = "192.0.2.7", _ forwarding: ProxyRoute.Forwarding = .standard) -> HTTPHeaders {
        ProxyHeaders.upstreamRequest(
            from: partnerSent, requestID: "r1", origin: .init(peer: peer, trusted: trusted, proto: "http"), forwarding: forwarding,
            authorization: ("Authorization", "Basic bGVnYWN5"))
    }

    @Test("an untrusted peer's forwarding headers are replaced by what Portico saw; a trusted proxy's chain is extended")
    func xForwarded() {
        let untrusted = Self.headers(trusted: false)
        #expect(untrusted["X-Forwarded-For"] == ["192.0.2.7"])
        #expect(untrusted["X-Forwarded-Proto"] == ["http"])
        #expect(untrusted["Via"] == ["1.1 portico"])
        #expect(untrusted["Forwarded"].isEmpty)
        #expect(untrusted["Authorization"] == ["Basic bGVnYWN5"], "the partner's credential replaced the upstream's")
        let trusted = Self.headers(trusted: true)
        #expect(trusted["X-Forwarded-For"] == ["10.9.9.9, 192.0.2.7"])
        #expect(trusted["X-Forwarded-Proto"] == ["https"])
        #expect(trusted["Via"] == ["1.1 edge, 1.1 portico"])
    }

    @Test("RFC 7239 Forwarded, with IPv6 quoted; none; no Via")
    func forwarded() {
        let style = ProxyRoute.Forwarding(headers: .forwarded, via: false)
        let untrusted = Self.headers(trusted: false, peer: "::1", style)
        #expect(untrusted["Forwarded"] == ["for=\"[::1]\";proto=http"])
        #expect(untrusted["X-Forwarded-For"].isEmpty && untrusted["Via"].isEmpty)
        let trusted = Self.headers(trusted: true, style)
        #expect(trusted["Forwarded"] == ["for=10.9.9.9;proto=https, for=192.0.2.7;proto=https"])
        let none = Self.headers(trusted: true, ProxyRoute.Forwarding(headers: .none, via: true))
        #expect(none["Forwarded"].isEmpty && none["X-Forwarded-For"].isEmpty && none["X-Forwarded-Proto"].isEmpty)
    }

    @Test("a trusted proxy may claim only http or https")
    func proto() {
        var fields = Self.partnerSent
        fields[.init("X-Forwarded-Proto")!] = "gopher\r\nX-Evil: 1"
        let headers = ProxyHeaders.upstreamRequest(
            from: fields, requestID: "", origin: .init(peer: "192.0.2.7", trusted: true, proto: "http"), forwarding: .standard,
            authorization: nil)
        #expect(headers["X-Forwarded-Proto"] == ["http"])
    }
}

@Suite("Gateway secrets")
struct SecretSourceTests {
    @Test("a secret file is read again when it changes: rotating the product's credential needs no restart")
    func rotation() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("portico-secret-\(UUID().uuidString)").path
        try "first-secret\n".write(toFile: path, atomically: true, encoding: .utf8)
        let source = SecretSource(environment: ["TOKEN": "from-env", "EMPTY": ""])
        #expect(source.value(.file(path)) == "first-secret")
        #expect(source.value(.file(path)) == "first-secret")
        try "rotated-secret-2\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(source.value(.file(path)) == "rotated-secret-2")
        try FileManager.default.removeItem(atPath: path)
        #expect(source.value(.file(path)) == nil, "a secret whose file is gone is not served from memory")
        #expect(source.value(.environment("TOKEN")) == "from-env" && source.value(.environment("EMPTY")) == nil)
    }

    @Test("an upstream response passes the allow-list in any case; what it names in Connection, cookies and Server do not")
    func response() {
        let upstream = HTTPHeaders([
            ("CONTENT-TYPE", "text/csv"), ("Content-Length", "12"), ("ETag", "\"v1\""), ("Last-Modified", "Tue, 01 Dec 2026 02:00:00 GMT"),
            ("Set-Cookie", "session=1"), ("Server", "nginx"), ("X-Powered-By", "PHP"), ("Connection", "keep-alive,\t Last-Modified "),
            ("Keep-Alive", "timeout=5"),
        ])
        let fields = ProxyHeaders.partnerResponse(from: upstream)
        #expect(fields.map(\.name.canonicalName) == ["content-type", "content-length", "etag"])
        #expect(fields[.contentType] == "text/csv" && fields[.eTag] == "\"v1\"")
        #expect(ProxyHeaders.partnerResponse(from: HTTPHeaders([("Content-Type", "text/csv")])).count == 1, "no Connection header at all")
    }

    @Test("an upstream segment or value keeps only RFC 3986's unreserved bytes; a partner's segment is decoded once and never names a path")
    func segments() {
        #expect(ProxyPreparation.encode("orders-2026-12-01.csv") == "orders-2026-12-01.csv")
        #expect(ProxyPreparation.encode("a/b%c d~é?&=") == "a%2Fb%25c%20d~%C3%A9%3F%26%3D")
        #expect(ProxyPreparation.encode("") == "")
        #expect(ProxyPreparation.decodedSegment("orders%2D1.csv") == "orders-1.csv")
        for attack in ["%2e%2e", "..", ".", "a%2Fb", "a%5Cb", "%00", "%zz", ""] {
            #expect(ProxyPreparation.decodedSegment(attack) == nil, "\(attack)")
        }
    }
}

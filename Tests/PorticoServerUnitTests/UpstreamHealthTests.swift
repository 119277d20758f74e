import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoAccess
import PorticoCatalog
import PorticoServer
import PorticoTestSupport
import Testing

@testable import PorticoServer

/// Passive health of upstream targets, on a clock the test moves.
@Suite("Upstream ejection")
struct UpstreamHealthTests {
    static let a = "http://a:1"
    static let b = "http://b:1"

    @Test("three failures in a row eject a target for the cooldown; a success in between starts the count again")
    func ejection() {
        let clock = ManualClock()
        let health = UpstreamHealth(threshold: 3, cooldown: .seconds(30), clock: { clock.now })
        #expect(!health.failed(Self.a) && !health.failed(Self.a))
        health.succeeded(Self.a)
        #expect(!health.failed(Self.a) && !health.failed(Self.a))
        #expect(health.failed(Self.a), "the third failure in a row ejects")
        #expect(health.isEjected(Self.a))
        #expect(health.order([Self.a, Self.b], route: "v1/r") == [Self.b, Self.a], "an ejected target is tried last, not never")
        #expect(health.unavailableRoutes.isEmpty, "b is still there")
        clock.advance(by: .seconds(31))
        #expect(!health.isEjected(Self.a))
        #expect(health.order([Self.a, Self.b], route: "v1/r") == [Self.a, Self.b])
        #expect(health.failed(Self.a), "a target that fails right after its cooldown goes straight back out")
        clock.advance(by: .seconds(31))
        #expect(health.isEjected(Self.a), "for twice as long")
        clock.advance(by: .seconds(30))
        #expect(!health.isEjected(Self.a))
        health.succeeded(Self.a)
        #expect(!health.failed(Self.a), "a success forgives the history")
    }

    @Test("a route whose every target is ejected is unavailable")
    func unavailable() {
        let health = UpstreamHealth(threshold: 1, cooldown: .seconds(30))
        _ = health.order([Self.a, Self.b], route: "v1/r")
        _ = health.failed(Self.a)
        #expect(health.unavailableRoutes.isEmpty)
        _ = health.failed(Self.b)
        #expect(health.unavailableRoutes == ["v1/r"])
    }
}

extension GatewayTests {
    @Test(
        "a target that keeps refusing is ejected: the next requests go to the healthy one first, and it is counted; readiness can say a route has none left"
    )
    func passiveHealth() async throws {
        let upstream = try await TestUpstream.start()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("portico-upstream-\(UUID().uuidString)").path
        try TestUpstream.password.write(toFile: file, atomically: true, encoding: .utf8)
        let quick = "{connect: 200ms, first_byte: 30s, idle: 30s}"
        let sources = [
            Self.route(
                "pair", port: upstream.port, passwordFile: file, targets: "[http://127.0.0.1:9, http://127.0.0.1:\(upstream.port)]", timeouts: quick
            )
            .replacing(upstreamPath: "/files/{account}/{file}"),
            Self.route(
                "dead", port: upstream.port, passwordFile: file, extra: "retries: {attempts: 1}", targets: "[http://127.0.0.1:9]", timeouts: quick),
        ]
        let catalog = try #require(CatalogCompiler.compile(version: "v1", sources: sources).catalogs["v1"])
        let metrics = ServerMetrics(version: "test", pools: [], quotas: nil)
        let lifecycle = Lifecycle(metrics: metrics, readinessIncludesUpstreams: true)
        let app = UnitApp.build(UnitApp.executor(), principal: Self.partner, catalogs: CatalogSet(["v1": catalog]), lifecycle: lifecycle)
        try await app.test(.router) { client in
            // Round-robin starts every other request at the dead target; the retry takes the live one.
            for _ in 0..<5 {
                let response = try await client.execute(uri: "/api/v1/pair/1/a.csv", method: .get)
                #expect(response.status == .ok)
            }
            #expect(lifecycle.upstreams.isEjected("http://127.0.0.1:9"))
            let before = upstream.count("files")
            for _ in 0..<4 {
                let response = try await client.execute(uri: "/api/v1/pair/1/a.csv", method: .get)
                #expect(response.status == .ok)
            }
            #expect(upstream.count("files") == before + 4)
            let text = String(decoding: metrics.render(), as: UTF8.self)
            #expect(text.contains(#"portico_upstream_ejections_total{target="http://127.0.0.1:9"} 1"#), "\(text)")
            #expect(text.contains(#"portico_upstream_requests_total{route="v1/pair",target="http://127.0.0.1:\#(upstream.port)",status="200"} 9"#))
            #expect(text.contains(#"portico_upstream_retries_total{route="v1/pair"} 3"#))
            #expect(text.contains(#"portico_upstream_bytes_total{route="v1/pair""#))
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok, "the dead route has not been asked yet")
            for _ in 0..<3 {
                let response = try await client.execute(uri: "/api/v1/dead/1/a.csv", method: .get)
                #expect(response.status == .badGateway || response.status == .gatewayTimeout)
            }
            let down = try await client.execute(uri: "/readyz", method: .get)
            #expect(down.status == .serviceUnavailable)
        }
        await upstream.stop()
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoQuota
import Synchronization
import Testing

@testable import PorticoServer

/// A GET or HEAD of a read path goes straight to its responder chain (``ReadPathResponder``),
/// any other request to Hummingbird's router: the two must answer alike.
@Suite("Read paths without the route trie (no database)")
struct ReadPathTests {
    @Test("the targets it takes, with their segments as sent")
    func shapes() {
        #expect(ReadPath(target: "/api/v1/orders") == ReadPath(version: "v1", resource: "orders"))
        #expect(ReadPath(target: "/api/v1/orders?limit=2&q=/a/b#c") == ReadPath(version: "v1", resource: "orders"))
        #expect(ReadPath(target: "/api/v2/orders/VLV.3%2F4") == ReadPath(version: "v2", resource: "orders", id: "VLV.3%2F4"))
        #expect(
            ReadPath(target: "/api/v1/customers/7/orders?limit=1") == ReadPath(version: "v1", resource: "customers", id: "7", sub: "orders"))
    }

    @Test(
        "every other target is left to the router",
        arguments: [
            "/api", "/api/", "/api/v1", "/api/v1/", "/api/v1/orders/", "/api//v1/orders", "/api/v1//orders", "/api/v1/orders/1/lines/",
            "/api/v1/a/b/c/d", "/apiv1/orders", "/API/v1/orders", "http://x/api/v1/orders", "/api/v1/orders#top", "/api/v1/orders/?limit=1",
            "/docs/v1",
        ])
    func others(_ target: String) {
        #expect(ReadPath(target: target) == nil)
    }

    /// The same request through the chain (`path`) and through the router (`routed`, the same
    /// path with an empty segment, which the router ignores and the chain leaves to it).
    static let pairs: [(method: HTTPRequest.Method, path: String, routed: String)] = [
        (.get, "/api/v1/products/PRD-000001", "/api//v1/products/PRD-000001"),
        (.head, "/api/v1/products/PRD-000001", "/api//v1/products/PRD-000001"),
        (.get, "/api/v1/products?limit=2&fields=id,sku", "/api/v1//products?limit=2&fields=id,sku"),
        (.get, "/api/v1/products?format=csv", "/api//v1/products?format=csv"),
        (.get, "/api/v1/products/PRD-000999", "/api//v1/products/PRD-000999"),
        (.get, "/api/v1/products?limit=0", "/api//v1/products?limit=0"),
        (.get, "/api/v1/invoices", "/api//v1/invoices"),
        (.get, "/api/v1/made-up", "/api//v1/made-up"),
        (.get, "/api/v9/products", "/api//v9/products"),
        (.get, "/api/v1/customers/1/orders", "/api//v1/customers/1/orders"),
    ]

    /// Records, for each request, whether it came the direct way (the chain sets the segments).
    final class DirectWay: RouterMiddleware, Sendable {
        typealias Context = PorticoRequestContext
        let seen = Mutex<[String: Bool]>([:])
        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            seen.withLock { $0[request.head.path ?? ""] = context.readPath != nil }
            return try await next(request, context)
        }
    }

    @Test("a GET or HEAD of a read path takes the chain; other methods and shapes the router")
    func whichWay() async throws {
        let inspector = DirectWay()
        try await UnitApp.build(UnitApp.executor(), inspector: inspector).test(.router) { client in
            _ = try await client.execute(uri: "/api/v1/products/PRD-000001", method: .get)
            _ = try await client.execute(uri: "/api/v1/customers/1/orders?limit=1", method: .head)
            _ = try await client.execute(uri: "/api/v1/products/", method: .get)
            _ = try await client.execute(uri: "/api/v1/products", method: .post)
            _ = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
        }
        #expect(
            inspector.seen.withLock { $0 } == [
                "/api/v1/products/PRD-000001": true, "/api/v1/customers/1/orders?limit=1": true, "/api/v1/products/": false,
                "/api/v1/products": false, "/api/v1/openapi.json": false,
            ])
    }

    @Test("the chain and the router answer alike: status, headers (Deprecation, RateLimit, ETag, …) and body")
    func sameAnswers() async throws {
        let limits = Limits(
            settings: LimitSettings.standard.with { $0.partner = RatePolicy(name: "default", limit: 1000, window: 10, burst: 1000) },
            clock: FrozenClock())
        try await UnitApp.build(UnitApp.executor(), limits: limits).test(.router) { client in
            for (method, path, routed) in Self.pairs {
                let headers: HTTPFields = [.acceptEncoding: "gzip"]
                let direct = try await client.execute(uri: path, method: method, headers: headers)
                let viaRouter = try await client.execute(uri: routed, method: method, headers: headers)
                #expect(direct.status == viaRouter.status, "\(method) \(path)")
                #expect(Self.comparable(direct.headers) == Self.comparable(viaRouter.headers), "\(method) \(path)")
                #expect(Self.comparable(direct.body, path) == Self.comparable(viaRouter.body, routed), "\(method) \(path)")
            }
            let item = try await client.execute(uri: "/api/v1/products/PRD-000001", method: .get)
            #expect(item.status == .ok && item.headers[.deprecation] != nil && item.headers[.eTag] != nil, "v1 is deprecated")
        }
    }

    /// Every field's name and value but those that differ from one request to the next.
    static func comparable(_ fields: HTTPFields) -> [String] {
        fields.filter { ![.date, .init("X-Request-Id")!].contains($0.name) }
            .map { $0.name == .init("RateLimit")! ? "RateLimit" : "\($0.name): \($0.value)" }.sorted()
    }

    /// A body with the path it names and its request id (in problems) taken out.
    static func comparable(_ body: ByteBuffer, _ target: String) -> String {
        let text = String(buffer: body).replacingOccurrences(of: String(target.prefix { $0 != "?" }), with: "<path>")
        return text.replacingOccurrences(of: #""request_id":"[0-9a-f]+""#, with: "<id>", options: .regularExpression)
    }

    @Test("a resource segment another route owns stays that route's: the contract, usage")
    func reservedSegments() async throws {
        let limits = Limits(settings: LimitSettings.standard, clock: FrozenClock())
        try await UnitApp.build(UnitApp.executor(), limits: limits).test(.router) { client in
            let contract = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            #expect(contract.status == .ok && String(buffer: contract.body).hasPrefix("{") && contract.headers[.init("RateLimit")!] == nil)
            let usage = try await client.execute(uri: "/api/v1/usage", method: .get)
            #expect(usage.status == .ok && String(buffer: usage.body).contains("\"rate\""), "\(String(buffer: usage.body))")
        }
    }
}

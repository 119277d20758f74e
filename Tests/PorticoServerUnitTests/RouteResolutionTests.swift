import HTTPTypes
import Hummingbird
import NIOCore
import PorticoCatalog
import PorticoQuery
import Testing

@testable import PorticoServer

/// The route is resolved once, after routing, for every later stage: these check what the
/// limiter, the handler and the access log read from it, with no database.
@Suite("Route resolution")
struct RouteResolutionTests {
    static func resolve(_ target: String, accept: String? = nil, _ parameters: Parameters, usage: Bool = false) -> ResolvedRoute {
        var head = HTTPRequest(method: .get, scheme: "http", authority: "x", path: target)
        if let accept { head.headerFields[.accept] = accept }
        return ResolvedRoute(
            Request(head: head, body: .init(buffer: ByteBuffer())), path: ReadPath(parameters), catalogs: UnitApp.catalogs, usage: usage)
    }

    @Test("list, item and usage; format and export decided from format= or Accept, once")
    func targets() {
        let page = Self.resolve("/api/v1/orders?limit=5", ["version": "v1", "resource": "orders"])
        #expect(page.target == .list && page.format == .json && !page.isExport && page.resource?.name == "orders")
        let export = Self.resolve("/api/v1/orders", accept: "application/x-ndjson", ["version": "v1", "resource": "orders"])
        #expect(export.format == .ndjson && export.isExport)
        let csvPage = Self.resolve("/api/v1/orders?format=csv&limit=3", ["version": "v1", "resource": "orders"])
        #expect(csvPage.format == .csv && !csvPage.isExport, "a limit makes CSV a page, not an export")
        let item = Self.resolve("/api/v2/orders/ORD-00000001?format=csv", ["version": "v2", "resource": "orders", "id": "ORD-00000001"])
        #expect(item.target == .item(id: "ORD-00000001") && item.format == .csv && !item.isExport, "an item is never an export")
        let usage = Self.resolve("/api/v1/usage", ["version": "v1"], usage: true)
        #expect(usage.target == .usage && usage.resource == nil)
    }

    @Test("labels name only what the catalog knows, so callers cannot make up metric labels")
    func labels() {
        #expect(Self.resolve("/api/v1/orders", ["version": "v1", "resource": "orders"]).labels.map { $0 == ("v1", "orders") } == true)
        #expect(Self.resolve("/api/v1/usage", ["version": "v1"], usage: true).labels.map { $0 == ("v1", "usage") } == true)
        #expect(Self.resolve("/api/v1/made-up", ["version": "v1", "resource": "made-up"]).labels == nil)
        #expect(Self.resolve("/api/v9/orders", ["version": "v9", "resource": "orders"]).labels == nil)
        let unknown = Self.resolve("/api/v9/orders", ["version": "v9", "resource": "orders"])
        #expect(unknown.served == nil && unknown.resource == nil, "resolution records, and the handler refuses after authentication")
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoMySQL
import PorticoQuota
import PorticoServer
import Testing

/// The read pipeline in process, on the in-memory executor: what a partner gets back, and what
/// a refusal costs (no read). Filtering, tenancy and SQL are MariaDB's business and tested there.
@Suite("Read pipeline (no database)")
struct PipelineTests {
    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    @Test("a page is {data, next_cursor}; the cursor continues in keyset order; an item is one document")
    func pagesAndItems() async throws {
        let executor = UnitApp.executor()
        try await UnitApp.build(executor).test(.router) { client in
            let first = try await client.execute(uri: "/api/v1/products?limit=2&fields=id,sku", method: .get)
            #expect(first.status == .ok && first.headers[.contentType] == "application/json")
            let body = try Self.json(first)
            #expect((body["data"] as? [[String: Any]])?.map { $0["id"] as? String } == ["PRD-000001", "PRD-000002"])
            let cursor = try #require(body["next_cursor"] as? String)
            let rest = try Self.json(try await client.execute(uri: "/api/v1/products?limit=2&fields=id,sku&cursor=\(cursor)", method: .get))
            #expect((rest["data"] as? [[String: Any]])?.map { $0["id"] as? String } == ["PRD-000003"], "account 2's product is not the partner's")
            #expect(rest["next_cursor"] is NSNull)
            let item = try Self.json(try await client.execute(uri: "/api/v1/products/PRD-000003", method: .get))
            #expect(item["sku"] as? String == "SKU-3" && item["active"] as? Bool == false)
            #expect((item["price"] as? [String: Any])?["amount"] as? String == "10.03")
        }
    }

    @Test("representation: CSV by format= or Accept, ETag and 304, HEAD without a body")
    func representation() async throws {
        try await UnitApp.build(UnitApp.executor()).test(.router) { client in
            let csv = try await client.execute(uri: "/api/v1/products/PRD-000001?format=csv", method: .get)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8" && String(buffer: csv.body).hasPrefix("id,"))
            let page = try await client.execute(uri: "/api/v1/products?limit=1", method: .get, headers: [.accept: "text/csv"])
            #expect(page.headers[.contentType] == "text/csv; charset=utf-8")
            let etag = try #require(page.headers[.eTag])
            let again = try await client.execute(uri: "/api/v1/products?limit=1", method: .get, headers: [.accept: "text/csv", .ifNoneMatch: etag])
            #expect(again.status == .notModified && again.body.readableBytes == 0)
            let head = try await client.execute(uri: "/api/v1/products/PRD-000001", method: .head)
            #expect(head.status == .ok && head.body.readableBytes == 0 && head.headers[.contentLength] != nil)
            let export = try await client.execute(uri: "/api/v1/products?format=ndjson", method: .get)
            #expect(String(buffer: export.body).split(separator: "\n").count == 3, "an export streams every row of the partner")
        }
    }

    @Test(
        "refusals name what to fix, run no read, and never carry internal text",
        arguments: [
            ("/api/v9/products", 404, "There is no API version 'v9'. Versions: v1, v2."),
            ("/api/v1/widgets", 404, "There is no resource 'widgets' in v1."),
            ("/api/v1/products/PRD-1x", 404, "No products item has the id 'PRD-1x'."),
            ("/api/v1/products?colour=red", 400, "colour"),
            ("/api/v1/products?cursor=forged", 400, "cursor"),
            ("/api/v1/invoices", 403, "needs the scope 'invoices:read'"),
            ("/api/v1/products?sku=" + String(repeating: "x", count: 5000), 414, "at most 4096 bytes"),
        ])
    func refusals(_ uri: String, _ status: Int, _ detail: String) async throws {
        let executor = UnitApp.executor()
        try await UnitApp.build(executor).test(.router) { client in
            let response = try await client.execute(uri: uri, method: .get)
            #expect(response.status.code == status)
            #expect(response.headers[.contentType] == "application/problem+json")
            let body = try Self.json(response)
            #expect((body["detail"] as? String)?.contains(detail) == true, "\(body)")
            #expect(body["status"] as? Int == status && (body["type"] as? String)?.hasPrefix("https://portico.dev/problems/") == true)
        }
        #expect(executor.reads == 0, "a refused request reached the executor")
    }

    @Test("a database that is down is a 503 with Retry-After, and readiness fails with no component named")
    func databaseDown() async throws {
        let executor = UnitApp.executor()
        executor.goDown()
        try await UnitApp.build(executor).test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/products", method: .get)
            #expect(response.status == .serviceUnavailable && response.headers[.retryAfter] == "2")
            let body = String(buffer: response.body)
            #expect(body.contains("temporarily unable to reach its data") && !body.contains("MySQL") && !body.contains("2002"), "\(body)")
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable && !String(buffer: ready.body).contains("database"))
        }
    }

    @Test("limits read the resolved route: an export costs more, usage costs nothing, past the burst a 429")
    func limits() async throws {
        let limits = Limits(
            settings: LimitSettings.standard.with {
                $0.partner = RatePolicy(name: "default", limit: 10, window: 10, burst: 4)
                $0.exportCost = 3
            },
            clock: FrozenClock())
        try await UnitApp.build(UnitApp.executor(), limits: limits).test(.router) { client in
            let usage = try await client.execute(uri: "/api/v1/usage", method: .get)
            #expect(usage.headers[.init("RateLimit")!] == #""default";r=4;t=0"#, "asking costs nothing")
            let export = try await client.execute(uri: "/api/v1/products?format=ndjson", method: .get)
            #expect(export.headers[.init("RateLimit")!] == #""default";r=1;t=3"#, "an export costs 3")
            #expect(try await client.execute(uri: "/api/v1/products?limit=1", method: .get).status == .ok)
            let refused = try await client.execute(uri: "/api/v1/products?limit=1", method: .get)
            #expect(refused.status == .tooManyRequests && refused.headers[.retryAfter] != nil)
        }
    }
}

/// A limiter clock that never moves: the tests' budget does not refill while they run.
struct FrozenClock: LimiterClock {
    func now() -> Double { 1000 }
}

extension MySQLError {
    /// What the pool throws while the database is unreachable.
    static let unreachable = MySQLError(kind: .connect, code: 2002, sqlState: "HY000", serverMessage: "Can't connect to local server through socket")
}

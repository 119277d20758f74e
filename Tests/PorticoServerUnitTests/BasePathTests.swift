import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoCatalog
import PorticoContract
import PorticoServer
import Testing

/// A version served where its contract says (`base_path`, `path:`) in its own list envelope,
/// beside Tradeflow's versions at `/api/<version>`: in process, on the in-memory executor.
@Suite("Base paths, path segments and envelopes (no database)")
struct BasePathTests {
    static var catalogs: CatalogSet { ContractFirstFixture.catalogs }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    static func validate(_ response: TestResponse, _ path: String, version: String = "v3") throws {
        try ContractFirstFixture.validate(response, path, version: version)
    }

    @Test("the version answers at its base path and segment, in its envelope, page after page")
    func servedWhereDeclared() async throws {
        try await UnitApp.build(UnitApp.executor(), catalogs: Self.catalogs).test(.router) { client in
            let first = try await client.execute(uri: "/partner/2024-01/catalogue-items?limit=2&fields=id,sku", method: .get)
            #expect(first.status == .ok)
            let body = String(buffer: first.body)
            #expect(body.hasPrefix(#"{"object":"list","data":[{"id":"PRD-000001","sku":"SKU-1"},"#), "members in declared order: \(body)")
            let page = try Self.json(first)
            #expect(page["has_more"] as? Bool == true && page["url"] as? String == "/partner/2024-01/catalogue-items")
            try Self.validate(first, "/partner/2024-01/catalogue-items")
            let cursor = try #require(page["next_cursor"] as? String)
            let last = try await client.execute(uri: "/partner/2024-01/catalogue-items?limit=2&fields=id,sku&cursor=\(cursor)", method: .get)
            let rest = try Self.json(last)
            #expect((rest["data"] as? [[String: Any]])?.map { $0["id"] as? String } == ["PRD-000003"])
            #expect(rest["has_more"] as? Bool == false && rest["next_cursor"] is NSNull)
            try Self.validate(last, "/partner/2024-01/catalogue-items")
            let item = try await client.execute(uri: "/partner/2024-01/catalogue-items/PRD-000002", method: .get)
            let document = try Self.json(item)
            #expect(item.status == .ok && document["sku"] as? String == "SKU-2")
            try Self.validate(item, "/partner/2024-01/catalogue-items/PRD-000002")
            let export = try await client.execute(uri: "/partner/2024-01/catalogue-items?format=ndjson", method: .get)
            #expect(String(buffer: export.body).split(separator: "\n").count == 3, "exports are rows, not envelopes")
        }
    }

    @Test(
        "nothing else answers: not the file name, not /api/<version>, not Portico's own endpoints under the base path",
        arguments: [
            ("/partner/2024-01/products", 404), ("/api/v3/catalogue-items", 404), ("/api/v3/products", 404),
            ("/partner/2024-01/usage", 404), ("/partner/2024-01/openapi.json", 404), ("/partner/2024-01", 404),
            ("/partner/2024-01/catalogue-items/PRD-000002/extra", 404), ("/partner/2024-01/catalogue-items/PRD-000004", 404),
            ("/partner/2024-01x/catalogue-items", 404),
        ])
    func nothingElse(_ uri: String, _ status: Int) async throws {
        let executor = UnitApp.executor()
        try await UnitApp.build(executor, catalogs: Self.catalogs).test(.router) { client in
            let response = try await client.execute(uri: uri, method: .get)
            #expect(response.status.code == status)
            // v3 words its errors its own way (ErrorVocabularyTests): {"error": {…, "message": …}};
            // a path outside its base path is not v3's, and gets Portico's problem.
            let body = try Self.json(response)
            let detail: String
            if uri.hasPrefix("/partner/2024-01x") {
                #expect(response.headers[.contentType] == "application/problem+json")
                detail = try #require(body["detail"] as? String)
            } else {
                #expect(response.headers[.contentType] == "application/json")
                detail = try #require((body["error"] as? [String: Any])?["message"] as? String)
            }
            if uri.hasPrefix("/partner/") {
                #expect(!detail.contains("/api/"), "the problem names the path the partner sent: \(detail)")
            } else if uri.hasPrefix("/api/v3/") {
                #expect(detail == "The resources of v3 are served under /partner/2024-01, not /api/v3.")
            }
        }
        // Another account's item is looked for (and not found); nothing else reaches the executor.
        #expect(executor.reads == (uri.hasSuffix("PRD-000004") ? 1 : 0))
    }

    @Test("writes under the base path are 405 like everywhere; the contract and docs stay at /api/<version> and /docs")
    func ownEndpointsStay() async throws {
        try await UnitApp.build(UnitApp.executor(), catalogs: Self.catalogs).test(.router) { client in
            let post = try await client.execute(uri: "/partner/2024-01/catalogue-items", method: .post)
            #expect(post.status == .methodNotAllowed)
            let document = try Self.json(try await client.execute(uri: "/api/v3/openapi.json", method: .get))
            let paths = try #require(document["paths"] as? [String: Any])
            #expect(Set(paths.keys) == ["/partner/2024-01/catalogue-items", "/partner/2024-01/catalogue-items/{id}", "/api/v3/usage"])
            let docs = String(buffer: try await client.execute(uri: "/docs/v3", method: .get).body)
            #expect(docs.contains("<code>GET /partner/2024-01/catalogue-items</code>"))
            #expect(docs.contains("&quot;object&quot;: &quot;list&quot;") || docs.contains(#""object": "list""#))
            // Tradeflow's versions are untouched beside it.
            let v1 = try await client.execute(uri: "/api/v1/products?limit=1", method: .get)
            #expect(String(buffer: v1.body).hasPrefix(#"{"data":[{"id":"PRD-000001""#) && String(buffer: v1.body).contains(#""next_cursor":"#))
        }
    }

    @Test("renamed parameters at the edge too: CSV with page_size is a page, not an export; limit is unknown there")
    func renamedLimit() async throws {
        try await UnitApp.build(UnitApp.executor(), catalogs: Self.catalogs).test(.router) { client in
            let page = try await client.execute(uri: "/api/v4/products?format=csv&page_size=1", method: .get)
            #expect(
                page.status == .ok && String(buffer: page.body).split(whereSeparator: \.isNewline).count == 2,
                "a header and one row: \(String(buffer: page.body))")
            let export = try await client.execute(uri: "/api/v4/products?format=csv", method: .get)
            #expect(
                String(buffer: export.body).split(whereSeparator: \.isNewline).count == 4,
                "without page_size, every row: \(String(buffer: export.body))")
            let limit = try await client.execute(uri: "/api/v4/products?limit=1", method: .get)
            #expect(limit.status == .badRequest && String(buffer: limit.body).contains("Unknown query parameter 'limit'"))
            let document = try Self.json(try await client.execute(uri: "/api/v4/openapi.json", method: .get))
            let get = try #require(((document["paths"] as? [String: Any])?["/api/v4/products"] as? [String: Any])?["get"] as? [String: Any])
            let names = try #require(get["parameters"] as? [[String: Any]]).compactMap { $0["name"] as? String }
            #expect(names.contains("page_size") && !names.contains("limit"))
        }
    }
}

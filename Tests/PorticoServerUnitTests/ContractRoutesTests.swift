import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoContract
import PorticoServer
import Testing

/// The contract as partners get it: documents, docs pages, deprecation headers.
@Suite("Contract endpoints (no database)")
struct ContractRoutesTests {
    @Test("the documents are served without a credential, equal the generator's output and the committed lock")
    func documents() async throws {
        try await UnitApp.build(InMemoryExecutor([:])).test(.router) { client in
            for version in ["v1", "v2"] {
                let json = try await client.execute(uri: "/api/\(version)/openapi.json", method: .get)
                #expect(json.status == .ok && json.headers[.contentType] == "application/json")
                let expected = try Contract.document(try #require(UnitApp.catalogs.catalogs[version]))
                #expect(try JSONNode.parse(json: Data(json.body.readableBytesView)) == expected)
                #expect(expected["openapi"] == .string("3.1.0"))
                let yaml = try await client.execute(uri: "/api/\(version)/openapi.yaml", method: .get)
                let lock = try String(contentsOfFile: "\(UnitApp.repositoryRoot)/openapi/\(version).yaml", encoding: .utf8)
                #expect(String(buffer: yaml.body) == lock, "openapi/\(version).yaml is stale: run portico contract lock")
            }
            #expect(try await client.execute(uri: "/api/v9/openapi.json", method: .get).status == .notFound)
        }
    }

    @Test("the docs pages are self-contained HTML covering resources, fields, filters, auth, errors and limits")
    func docs() async throws {
        try await UnitApp.build(InMemoryExecutor([:])).test(.router) { client in
            let index = String(buffer: try await client.execute(uri: "/docs", method: .get).body)
            #expect(index.contains("href=\"/docs/v1\"") && index.contains("href=\"/docs/v2\"") && index.contains("deprecated since 2026-11-01"))
            let page = try await client.execute(uri: "/docs/v2", method: .get)
            #expect(page.status == .ok && page.headers[.contentType] == "text/html; charset=utf-8")
            let html = String(buffer: page.body)
            for text in [
                "id=\"orders\"", "<code>status</code>", "on_hold", "Authentication", "/oauth/token", "Errors", "RateLimit-Policy",
                "scope <code>orders:read</code>", "Filters:", "customer_id", "include=invoices",
            ] {
                #expect(html.contains(text), "the page lacks \(text)")
            }
            #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("<link"), "the page fetches something")
            #expect(page.headers[.init("Content-Security-Policy")!]?.contains("default-src 'none'") == true)
        }
    }

    @Test("a deprecated version sends Deprecation (RFC 9745) and Sunset (RFC 8594); a current one does not")
    func deprecationHeaders() async throws {
        try await UnitApp.build(InMemoryExecutor([:])).test(.router) { client in
            let v1 = try await client.execute(uri: "/api/v1/orders?limit=1", method: .get)
            #expect(v1.headers[.init("Deprecation")!] == "@1793491200")  // 2026-11-01T00:00:00Z
            #expect(v1.headers[.init("Sunset")!] == "Wed, 30 Jun 2027 23:59:59 GMT")
            let missing = try await client.execute(uri: "/api/v1/orders/ORD-99999999", method: .get)
            #expect(missing.status == .notFound && missing.headers[.init("Deprecation")!] == "@1793491200")
            let v2 = try await client.execute(uri: "/api/v2/orders?limit=1", method: .get)
            #expect(v2.status == .ok && v2.headers[.init("Deprecation")!] == nil && v2.headers[.init("Sunset")!] == nil)
        }
    }
}

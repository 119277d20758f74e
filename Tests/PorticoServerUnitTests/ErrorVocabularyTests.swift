import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PorticoAccess
import PorticoCatalog
import PorticoContract
import PorticoQuota
import PorticoServer
import PorticoValues
import Testing

/// Errors worded as each version's contract words them (``ContractFirstFixture``): every
/// body below is written out by hand, as the contract shows it.
@Suite("Error vocabularies (no database)")
struct ErrorVocabularyTests {
    static let needsCredentials = "Send an API key or an access token as 'Authorization: Bearer <credential>', or a key as 'X-API-Key: <key>'."
    static let detailUnknown = "Unknown query parameter 'colour'. Filters of products: active, sku, updated_at."

    @Test(
        "a JSON error envelope of the contract's own, for every kind a request can meet",
        arguments: [
            (
                "/partner/2024-01/catalogue-items?colour=red", 400,
                #"{"error":{"type":"invalid_request_error","code":"parameter_unknown","param":"colour","message":"\#(detailUnknown)"}}"#
            ),
            (
                "/partner/2024-01/catalogue-items?limit=0", 400,
                #"{"error":{"type":"invalid_request_error","code":"parameter_invalid","param":"limit","message":"'limit' must be a whole number from 1 to 200."}}"#
            ),
            (
                "/partner/2024-01/catalogue-items?cursor=forged", 400,
                #"{"error":{"type":"invalid_request_error","code":"cursor_invalid","param":"cursor","message":"The cursor is malformed; use next_cursor exactly as returned."}}"#
            ),
            (
                "/partner/2024-01/catalogue-items/PRD-000004", 404,
                #"{"error":{"type":"invalid_request_error","code":"resource_missing","message":"No products item has the id 'PRD-000004'."}}"#
            ),
            (
                "/partner/2024-01/nothing-here", 404,
                #"{"error":{"type":"invalid_request_error","code":"resource_missing","message":"No resource at /partner/2024-01/nothing-here."}}"#
            ),
            (
                "/partner/2024-01/catalogue-items?sku=" + String(repeating: "x", count: 5000), 414,
                #"{"error":{"type":"uri-too-long","message":"The query string may be at most 4096 bytes."}}"#
            ),
        ])
    func jsonEnvelope(_ uri: String, _ status: Int, _ expected: String) async throws {
        try await UnitApp.build(UnitApp.executor(), catalogs: ContractFirstFixture.catalogs).test(.router) { client in
            let response = try await client.execute(uri: uri, method: .get)
            #expect(response.status.code == status)
            #expect(response.headers[.contentType] == "application/json")
            #expect(String(buffer: response.body) == expected)
            #expect(response.headers[.init("X-Request-Id")!]?.isEmpty == false, "the header carries the request id")
            if !uri.contains("nothing-here") {
                try ContractFirstFixture.validate(response, String(uri.prefix { $0 != "?" }), version: "v3")
            }
        }
    }

    @Test("401 and 403 carry the realm in WWW-Authenticate and the contract's types; 405 and 503 too")
    func challengesAndOutages() async throws {
        let executor = UnitApp.executor()
        try await UnitApp.build(executor, principal: nil, catalogs: ContractFirstFixture.catalogs).test(.router) { client in
            let response = try await client.execute(uri: "/partner/2024-01/catalogue-items", method: .get)
            #expect(response.status == .unauthorized && response.headers[.wwwAuthenticate] == #"Bearer realm="example""#)
            #expect(String(buffer: response.body) == #"{"error":{"type":"authentication_error","message":"\#(Self.needsCredentials)"}}"#)
            try ContractFirstFixture.validate(response, "/partner/2024-01/catalogue-items", version: "v3")
        }
        let noScope = Principal(partner: "acme", credentialID: nil, scopes: ["orders:read"], tenants: [.uint(1)], plan: nil)
        try await UnitApp.build(executor, principal: noScope, catalogs: ContractFirstFixture.catalogs).test(.router) { client in
            let response = try await client.execute(uri: "/partner/2024-01/catalogue-items", method: .get)
            #expect(response.status == .forbidden)
            #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="example", error="insufficient_scope", scope="products:read""#)
            #expect(
                String(buffer: response.body)
                    == #"{"error":{"type":"permission_error","message":"Reading products needs the scope 'products:read', which this credential does not hold."}}"#
            )
            let post = try await client.execute(uri: "/partner/2024-01/catalogue-items", method: .post)
            #expect(post.status == .methodNotAllowed && post.headers[.allow] == "GET, HEAD")
            #expect(
                String(buffer: post.body)
                    == #"{"error":{"type":"invalid_request_error","code":"method_not_allowed","message":"The API is read-only: use GET or HEAD, not POST."}}"#
            )
            // Portico's own endpoints of the version speak its vocabulary too.
            let usage = try await client.execute(uri: "/api/v3/openapi.yaml?x", method: .get)
            #expect(usage.status == .ok)
        }
        executor.goDown()
        try await UnitApp.build(executor, catalogs: ContractFirstFixture.catalogs).test(.router) { client in
            let response = try await client.execute(uri: "/partner/2024-01/catalogue-items", method: .get)
            #expect(response.status == .serviceUnavailable && response.headers[.retryAfter] == "2")
            let body = String(buffer: response.body)
            #expect(body.hasPrefix(#"{"error":{"type":"api_error","message":""#) && !body.contains("MySQL"), "\(body)")
        }
    }

    @Test("a 429 names its policies where the vocabulary places them")
    func tooManyRequests() async throws {
        let limits = Limits(
            settings: LimitSettings.standard.with {
                $0.partner = RatePolicy(name: "default", limit: 1, window: 10, burst: 1)
                $0.exportCost = 3
            }, clock: FrozenClock())
        try await UnitApp.build(UnitApp.executor(), limits: limits, catalogs: ContractFirstFixture.catalogs).test(.router) { client in
            #expect(try await client.execute(uri: "/partner/2024-01/catalogue-items?limit=1", method: .get).status == .ok)
            let refused = try await client.execute(uri: "/partner/2024-01/catalogue-items?limit=1", method: .get)
            #expect(refused.status == .tooManyRequests && refused.headers[.contentType] == "application/json")
            let body = String(buffer: refused.body)
            #expect(body.hasPrefix(#"{"error":{"type":"rate_limit_error","code":"rate_limit","message":""#), "\(body)")
        }
    }

    @Test("RFC 9457 with the contract's types, titles and codes, and no request id: two 404s are byte-identical")
    func ownProblemTypes() async throws {
        try await UnitApp.build(UnitApp.executor(), catalogs: ContractFirstFixture.catalogs).test(.router) { client in
            let first = try await client.execute(uri: "/api/v4/products/PRD-000009", method: .get)
            let second = try await client.execute(uri: "/api/v4/products/PRD-000009", method: .get)
            let expected =
                #"{"type":"https://errors.example.com/resource-missing","title":"Resource missing","status":404,"detail":"No products item has the id 'PRD-000009'.","code":"E404"}"#
            #expect(first.status == .notFound && first.headers[.contentType] == "application/problem+json")
            #expect(String(buffer: first.body) == expected && String(buffer: second.body) == expected)
            #expect(first.headers[.init("X-Request-Id")!] != second.headers[.init("X-Request-Id")!])
            try ContractFirstFixture.validate(first, "/api/v4/products/PRD-000009", version: "v4")
            let bad = try await client.execute(uri: "/api/v4/products?page_size=x", method: .get)
            #expect(
                String(buffer: bad.body)
                    == #"{"type":"https://errors.example.com/invalid-parameter","title":"Invalid Parameter","status":400,"detail":"'page_size' must be a whole number from 1 to 200."}"#
            )
            // Tradeflow's versions keep Portico's own vocabulary, request id included.
            let v1 = String(buffer: try await client.execute(uri: "/api/v1/products/PRD-000009", method: .get).body)
            #expect(
                v1.hasPrefix(#"{"type":"https://portico.dev/problems/not-found","title":"Not Found","status":404,"#)
                    && v1.contains(#""request_id":""#))
        }
        try await UnitApp.build(UnitApp.executor(), principal: nil, catalogs: ContractFirstFixture.catalogs).test(.router) { client in
            let response = try await client.execute(uri: "/api/v4/products", method: .get)
            #expect(response.headers[.wwwAuthenticate] == "Bearer", "no realm declared, none sent")
            #expect(
                String(buffer: response.body)
                    == #"{"type":"https://auth.example.com/auth-required","title":"Authentication required","status":401,"detail":"\#(Self.needsCredentials)"}"#
            )
        }
    }

    @Test("the contract documents each version's errors: media type, members, types and codes")
    func documented() throws {
        let v3 = ContractDocument.build(try #require(ContractFirstFixture.catalogs.catalogs["v3"]))
        let notFound = try #require(v3["components"]?["responses"]?["not_found"]?["content"])
        #expect(Array(notFound.members.keys) == ["application/json"])
        let schema = try #require(v3["components"]?["schemas"]?["problem"])
        #expect(schema["required"] == .array([.string("error")]))
        let error = try #require(schema["properties"]?["error"])
        #expect(error["required"] == .array([.string("type"), .string("message")]))
        #expect(error["properties"]?["code"]?["enum"]?.items.contains(.string("resource_missing")) == true)
        #expect(error["properties"]?["type"]?["enum"]?.items.contains(.string("authentication_error")) == true)
        let v4 = ContractDocument.build(try #require(ContractFirstFixture.catalogs.catalogs["v4"]))
        let problem = try #require(v4["components"]?["schemas"]?["problem"])
        #expect(problem["properties"]?["request_id"] == nil)
        #expect(problem["properties"]?["type"]?["enum"]?.items.contains(.string("https://errors.example.com/resource-missing")) == true)
        #expect(ErrorKind.quotaExceeded.porticoSlug == RateLimitHeaders.quotaExceededType)
    }
}

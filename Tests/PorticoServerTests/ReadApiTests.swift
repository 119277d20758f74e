import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoAccess
import PorticoMySQL
import PorticoServer
import PorticoTestSupport
import Testing

/// The read API end to end: HTTP in, real MariaDB with the tiny Tradeflow data, HTTP out.
@Suite("Read API (MariaDB)")
struct ReadApiTests {
    static let acme = Principal(partner: "acme", tenants: [.uint(1), .uint(2), .uint(3)])
    static let globex = Principal(partner: "globex", tenants: [.uint(3), .uint(4), .uint(5)])

    let pool: MySQLConnectionPool

    init() throws {
        pool = MySQLConnectionPool(configuration: try TestDatabase.product(), options: .init(maxConnections: 4), logger: TestApp.quietLogger)
    }

    /// Runs `body` against the app as `principal`.
    func withClient(_ principal: Principal = acme, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = TestApp.build(pool: pool, principal: principal)
        try await app.test(.router, body)
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    static func data(_ response: TestResponse) throws -> [[String: Any]] {
        try #require(try json(response)["data"] as? [[String: Any]])
    }

    /// Order numbers the given accounts own, straight from SQL.
    func orderNumbers(accounts: [UInt64], where extra: String = "", _ binds: [MySQLValue] = []) async throws -> Set<String> {
        let placeholders = accounts.map { _ in "?" }.joined(separator: ", ")
        let rows = try await pool.query("SELECT order_no FROM orders WHERE acct_id IN (\(placeholders)) \(extra)", accounts.map { .uint($0) } + binds)
            .rows
        return Set(
            rows.map { row in
                let digits = String(row[0].int64 ?? -1)
                return "ORD-" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
            })
    }

    /// Follows next_cursor to the end, returning every id seen (duplicates kept).
    static func walk(_ client: some TestClientProtocol, _ uri: String, headers: HTTPFields = [:]) async throws -> [String] {
        var ids: [String] = []
        var next: String? = uri
        var pages = 0
        while let current = next {
            pages += 1
            try #require(pages < 200, "cursor walk does not end")
            let response = try await client.execute(uri: current, method: .get, headers: headers)
            try #require(response.status == .ok, "\(String(buffer: response.body))")
            let body = try json(response)
            ids += try #require(body["data"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            if let cursor = body["next_cursor"] as? String {
                let separator = uri.contains("?") ? "&" : "?"
                next = uri + separator + "cursor=" + cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            } else {
                next = nil
            }
        }
        return ids
    }

    @Test("every endpoint of every version answers a page of documents", arguments: ["v1", "v2"])
    func everyResource(_ version: String) async throws {
        let prefixes = ["customers": "CUS-", "products": "PRD-", "orders": "ORD-", "invoices": "IVC-"]
        try await withClient { client in
            for (resource, prefix) in prefixes {
                let response = try await client.execute(uri: "/api/\(version)/\(resource)?limit=5", method: .get)
                #expect(response.status == .ok, "\(resource): \(String(buffer: response.body))")
                #expect(response.headers[.contentType] == "application/json")
                let data = try Self.data(response)
                #expect(data.count == 5, "\(resource)")
                #expect(data.allSatisfy { ($0["id"] as? String)?.hasPrefix(prefix) == true })
                #expect(response.headers[.init("X-Request-Id")!] != nil)
            }
        }
        await pool.close()
    }

    @Test("a cursor walk returns every row of the partner's tenants exactly once, in either order")
    func cursorWalk() async throws {
        let expected = try await orderNumbers(accounts: [1, 2, 3])
        try await withClient { client in
            let forward = try await Self.walk(client, "/api/v1/orders?limit=17&fields=id")
            #expect(forward.count == expected.count)
            #expect(Set(forward) == expected)
            let sorted = try await Self.walk(client, "/api/v1/orders?limit=23&fields=id,placed_at&sort=-placed_at")
            #expect(sorted.count == expected.count && Set(sorted) == expected)
        }
        await pool.close()
    }

    @Test("filters narrow the rows exactly as SQL does")
    func filters() async throws {
        let shipped = try await orderNumbers(accounts: [1, 2, 3], where: "AND status_cd = ?", [.int(3)])
        let undocumented = try await orderNumbers(accounts: [1, 2, 3], where: "AND status_cd NOT IN (0, 1, 2, 3, 4, 9)")
        try await withClient { client in
            let walked = try await Self.walk(client, "/api/v1/orders?limit=50&fields=id,status&status=shipped")
            #expect(Set(walked) == shipped && walked.count == shipped.count)
            let unknown = try await Self.walk(client, "/api/v1/orders?limit=50&fields=id&status=unknown")
            #expect(Set(unknown) == undocumented && !undocumented.isEmpty)
            let v2 = try await Self.walk(client, "/api/v2/orders?limit=50&fields=id&status=on_hold")
            #expect(Set(v2) == undocumented)
            let products = try Self.data(try await client.execute(uri: "/api/v1/products?sku=prefix:SKU-2-&fields=sku", method: .get))
            #expect(!products.isEmpty && products.allSatisfy { ($0["sku"] as? String)?.hasPrefix("SKU-2-") == true })
            let paid = try Self.data(try await client.execute(uri: "/api/v1/invoices?paid=true&limit=200&fields=paid", method: .get))
            #expect(!paid.isEmpty && paid.allSatisfy { $0["paid"] as? Bool == true })
            let range = try Self.data(
                try await client.execute(
                    uri: "/api/v1/orders?placed_at=gte:2020-01-01T00:00:00Z&placed_at=lt:2021-01-01T00:00:00Z&limit=200&fields=placed_at",
                    method: .get))
            #expect(!range.isEmpty && range.allSatisfy { ($0["placed_at"] as? String)?.hasPrefix("2020-") == true })
        }
        await pool.close()
    }

    @Test("updated_since returns exactly the rows changed since then")
    func incrementalSync() async throws {
        let since = "2025-06-01T00:00:00Z"
        let changed = try await orderNumbers(
            accounts: [1, 2, 3], where: "AND updated >= ?", [.datetime(MySQLDateTime(year: 2025, month: 6, day: 1))])
        try await withClient { client in
            let walked = try await Self.walk(client, "/api/v1/orders?limit=10&fields=id,updated_at&updated_since=\(since)")
            #expect(Set(walked) == changed && walked.count == changed.count && !changed.isEmpty)
        }
        await pool.close()
    }

    @Test("CSV pages and the NDJSON export of the whole tiny set")
    func exports() async throws {
        let all = try await orderNumbers(accounts: [1, 2, 3])
        try await withClient { client in
            let csv = try await client.execute(uri: "/api/v1/orders?limit=5&fields=id,total,customer", method: .get, headers: [.accept: "text/csv"])
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = String(buffer: csv.body).split(separator: "\r\n")
            #expect(lines.first == "id,total.amount,total.currency,customer.id,customer.name")
            #expect(lines.count == 6)
            let ndjson = try await client.execute(uri: "/api/v1/orders", method: .get, headers: [.accept: "application/x-ndjson"])
            #expect(ndjson.headers[.contentType] == "application/x-ndjson")
            let text = String(buffer: ndjson.body)
            #expect(text.hasSuffix("\n"))
            let ids = try text.split(separator: "\n").map { line -> String in
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect((object["lines"] as? [Any])?.isEmpty == false)
                return try #require(object["id"] as? String)
            }
            #expect(ids.count == all.count && Set(ids) == all)
            let csvExport = try await client.execute(uri: "/api/v1/orders?format=csv&fields=id", method: .get)
            #expect(String(buffer: csvExport.body).split(separator: "\r\n").count == all.count + 1)
        }
        await pool.close()
    }

    @Test("strong ETags: If-None-Match gives 304; HEAD gives the headers without the body")
    func conditional() async throws {
        try await withClient { client in
            let first = try await client.execute(uri: "/api/v1/orders/ORD-00000001", method: .get)
            let etag = try #require(first.headers[.eTag])
            #expect(etag.hasPrefix("\"") && !etag.hasPrefix("W/"))
            #expect(first.headers[.cacheControl] == "private")
            let again = try await client.execute(uri: "/api/v1/orders/ORD-00000001", method: .get, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            let head = try await client.execute(uri: "/api/v1/orders/ORD-00000001", method: .head)
            #expect(head.status == .ok && head.body.readableBytes == 0)
            #expect(head.headers[.contentLength] == String(first.body.readableBytes))
            #expect(head.headers[.eTag] == etag)
            let list = try await client.execute(uri: "/api/v1/orders?limit=3", method: .get)
            let listAgain = try await client.execute(
                uri: "/api/v1/orders?limit=3", method: .get, headers: [.ifNoneMatch: try #require(list.headers[.eTag])])
            #expect(listAgain.status == .notModified)
        }
        await pool.close()
    }

    @Test(
        "errors are problems that say what to fix",
        arguments: [
            ("/api/v1/orders?statsu=paid", HTTPResponse.Status.badRequest, "unknown-parameter", "statsu"),
            ("/api/v1/orders?limit=500", .badRequest, "invalid-parameter", "at most 200"),
            ("/api/v1/orders?status=lost", .badRequest, "invalid-parameter", "Use one of"),
            ("/api/v1/orders?cursor=abc", .badRequest, "invalid-cursor", "next_cursor"),
            ("/api/v1/orders?placed_at=gte:yesterday", .badRequest, "invalid-parameter", "RFC 3339"),
            ("/api/v9/orders", .notFound, "not-found", "v1, v2"),
            ("/api/v1/users", .notFound, "not-found", "Resources: customers, invoices, orders, products"),
            ("/api/v1/order_lines", .notFound, "not-found", "no resource"),
            ("/api/v1/orders/42", .notFound, "not-found", "'42'"),
            ("/api/v1/orders/ORD-42", .notFound, "not-found", "'ORD-42'"),
            ("/api/v1/orders?status=paid' OR '1'='1", .badRequest, "invalid-parameter", "status"),
            ("/api/v1/orders?notes=" + String(repeating: "a", count: 5000), .uriTooLong, "query-too-large", "4096 bytes"),
            ("/api/v1/orders?" + Array(repeating: "status=paid", count: 21).joined(separator: "&"), .badRequest, "query-too-large", "20 filter"),
        ])
    func problems(_ uri: String, _ status: HTTPResponse.Status, _ kind: String, _ hint: String) async throws {
        try await withClient { client in
            let response = try await client.execute(uri: uri, method: .get)
            #expect(response.status == status)
            #expect(response.headers[.contentType] == "application/problem+json")
            let body = try Self.json(response)
            #expect(body["type"] as? String == "https://portico.dev/problems/\(kind)")
            #expect((body["detail"] as? String)?.contains(hint) == true, "\(body)")
            #expect(body["request_id"] as? String == response.headers[.init("X-Request-Id")!])
            let text = String(buffer: response.body)
            #expect(!text.contains("SELECT") && !text.contains("MySQL") && !text.contains("`"))
        }
        await pool.close()
    }

    @Test("writes are 405 with Allow")
    func methodNotAllowed() async throws {
        try await withClient { client in
            for method in [HTTPRequest.Method.post, .put, .patch, .delete] {
                let response = try await client.execute(uri: "/api/v1/orders/ORD-00000001", method: method)
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, HEAD")
            }
        }
        await pool.close()
    }

    @Test("another tenant's row is a 404 identical to a missing one; globex never sees acme-only rows")
    func tenantIsolation() async throws {
        let acmeOnly = try await orderNumbers(accounts: [1, 2])
        let globexRows = try await orderNumbers(accounts: [3, 4, 5])
        let foreign = try #require(acmeOnly.sorted().first)
        try await withClient(Self.globex) { client in
            let headers: HTTPFields = [.init("X-Request-Id")!: "same-id"]
            let hidden = try await client.execute(uri: "/api/v1/orders/\(foreign)", method: .get, headers: headers)
            let missing = try await client.execute(uri: "/api/v1/orders/ORD-99999999", method: .get, headers: headers)
            #expect(hidden.status == .notFound && missing.status == .notFound)
            #expect(
                String(buffer: hidden.body).replacingOccurrences(of: foreign, with: "X")
                    == String(buffer: missing.body).replacingOccurrences(of: "ORD-99999999", with: "X"))
            let walked = try await Self.walk(client, "/api/v1/orders?limit=50&fields=id")
            #expect(Set(walked) == globexRows)
            let embedded = try Self.data(try await client.execute(uri: "/api/v1/orders?limit=50&fields=id,customer", method: .get))
            #expect(embedded.allSatisfy { $0.keys.contains("customer") })
        }
        await pool.close()
    }

    @Test("a page of 200 orders with lines and customers costs two statements: the page with its customers, then the lines")
    func batchedEmbeds() async throws {
        let partner = Principal(partner: "bench", tenants: (1...8).map { .uint($0) })
        try await withClient(partner) { client in
            let before = pool.statistics.statements
            let response = try await client.execute(uri: "/api/v1/orders?limit=200", method: .get)
            #expect(response.status == .ok)
            let data = try Self.data(response)
            #expect(data.count == 200)
            #expect(data.allSatisfy { ($0["lines"] as? [Any])?.isEmpty == false && $0.keys.contains("customer") })
            // The customers mapping hides soft-deleted customers, so their orders embed null.
            #expect(data.contains { $0["customer"] is NSNull } && data.contains { $0["customer"] is [String: Any] })
            #expect(pool.statistics.statements - before == 2)
        }
        await pool.close()
    }

    @Test("optional embeds appear only with include, and cost one more statement")
    func include() async throws {
        try await withClient { client in
            let plain = try Self.data(try await client.execute(uri: "/api/v1/orders?limit=20&fields=id", method: .get))
            #expect(plain.allSatisfy { $0["invoices"] == nil })
            let before = pool.statistics.statements
            let with = try Self.data(try await client.execute(uri: "/api/v1/orders?limit=20&fields=id,invoices&include=invoices", method: .get))
            #expect(pool.statistics.statements - before == 2)
            #expect(with.allSatisfy { $0["invoices"] is [Any] })
            let invoiced = with.compactMap { $0["invoices"] as? [[String: Any]] }.filter { !$0.isEmpty }
            #expect(!invoiced.isEmpty && invoiced.allSatisfy { ($0.first?["number"] as? String)?.hasPrefix("INV-") == true })
            let refused = try await client.execute(uri: "/api/v1/orders?include=lines", method: .get)
            #expect(refused.status == .badRequest)
        }
        await pool.close()
    }

    @Test("v1 and v2 serve the same rows in their own shapes")
    func versions() async throws {
        try await withClient { client in
            let v1 = try Self.json(try await client.execute(uri: "/api/v1/orders/ORD-00000001", method: .get))
            let v2 = try Self.json(try await client.execute(uri: "/api/v2/orders/ORD-00000001", method: .get))
            let total1 = try #require(v1["total"] as? [String: Any])
            let total2 = try #require(v2["total"] as? [String: Any])
            let amount = try #require(total1["amount"] as? String)
            let minor = try #require(total2["amount_minor"] as? Int)
            #expect(amount == String(format: "%d.%02d", minor / 100, minor % 100))
            #expect(v1["ship_to_country"] != nil && v1["shipping_country"] == nil)
            #expect(v2["shipping_country"] != nil && v2["ship_to_country"] == nil)
            #expect((v2["customer"] as? [String: Any])?["company_name"] != nil)
        }
        await pool.close()
    }

    @Test("while the database is unreachable, reads are 503 problems with Retry-After and nothing internal")
    func databaseDown() async throws {
        let config = MySQLConfiguration(endpoint: .unixSocket(path: "/nonexistent/mysqld.sock"), user: "portico_ro", connectTimeout: 1)
        let down = MySQLConnectionPool(configuration: config, options: .init(acquireTimeout: .seconds(1)), logger: TestApp.quietLogger)
        let app = TestApp.build(pool: down, principal: Self.acme)
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/orders", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] != nil)
            let text = String(buffer: response.body)
            #expect(!text.contains("nonexistent") && !text.contains("2002") && !text.contains("socket"))
        }
        await down.close()
        await pool.close()
    }
}

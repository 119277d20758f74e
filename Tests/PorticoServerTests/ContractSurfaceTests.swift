import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoAccess
import PorticoCatalog
import PorticoMySQL
import PorticoServer
import PorticoTestSupport
import Testing

/// A version served at a contract's own surface, against a real server: base path and
/// segment, named filters (case-sensitive ones compared by MariaDB under a case-insensitive
/// collation), a list envelope of its own and a JSON error envelope. Every response is checked
/// against the version's generated contract (``ContractInspector``).
@Suite("A contract's own surface (MariaDB)", .serialized)
struct ContractSurfaceTests {
    static let mappings = [
        CatalogCompiler.Source(
            path: "v1/_version.yaml",
            text: """
                base_path: /helpdesk/v1
                envelope: {items: documents, next: next_cursor}
                errors:
                  format: json
                  body: {error: {kind: type, param: parameter, message: detail}}
                """),
        CatalogCompiler.Source(
            path: "v1/tickets.yaml",
            text: """
                scope: tickets:read
                table: tickets
                key: ticket_id
                tenant: {column: acct_id}
                id: {column: ticket_id, prefix: TCK-}
                path: support-tickets
                fields:
                  code: {column: code, type: string}
                  opened_at: {column: opened, type: datetime}
                  customer: {embed: customers, on: {cust_id: cust_id}, fields: [id, name], include: optional}
                filters:
                  customer_name: {field: customer.name, op: eq}
                  code: [eq, in]
                  code_exact: {field: code, op: eq, case_sensitive: true}
                  codes_exact: {field: code, op: in, case_sensitive: true}
                  opened_after: {field: opened_at, op: gt}
                  created: {field: opened_at, operators: [gte, lt], syntax: bracket}
                keyset: [ticket_id]
                """),
        CatalogCompiler.Source(
            path: "v1/recent_tickets.yaml",
            text: """
                scope: tickets:read
                table: tickets
                key: ticket_id
                tenant: {column: acct_id}
                id: {column: ticket_id, prefix: TCK-}
                path: recent-tickets
                fields:
                  code: {column: code, type: string}
                  opened_at: {column: opened, type: datetime}
                sort: [code]
                keyset: [opened, ticket_id]
                page: {default: 2, order: desc, cursor: object_id}
                envelope: {object: {const: list}, data: documents, has_more: has_more}
                """),
        CatalogCompiler.Source(
            path: "v1/customers.yaml",
            text: """
                scope: tickets:read
                table: customers
                key: cust_id
                tenant: {column: acct_id}
                id: {column: cust_id, prefix: CUS-}
                fields:
                  name: {column: name, type: string}
                  tickets:
                    embed: tickets
                    many: true
                    on: {cust_id: cust_id}
                    order: [ticket_id]
                    fields: [id, code]
                    envelope: {object: {const: list}, data: documents, has_more: has_more, url: url}
                """),
        CatalogCompiler.Source(
            path: "v1/customer_tickets.yaml",
            text: """
                scope: tickets:read
                table: tickets
                key: ticket_id
                tenant: {column: acct_id}
                id: {column: ticket_id, prefix: TCK-}
                parent: {resource: customers, on: {cust_id: cust_id}}
                path: tickets
                fields:
                  code: {column: code, type: string}
                filters:
                  code: [eq]
                keyset: [ticket_id]
                """),
    ]

    /// Tickets of tenant 1 whose codes differ only in case (the column's collation ignores
    /// case), and one of tenant 2 the partner never sees.
    static func withApp(_ body: (any ApplicationProtocol) async throws -> Void) async throws {
        try await TestApp.withScratchApp("surface", mappings: mappings, principal: Principal(partner: "h", tenants: [.uint(1)])) { admin in
            try await admin.execute(
                """
                CREATE TABLE tickets (ticket_id INT PRIMARY KEY, acct_id INT NOT NULL,
                  code VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL, opened DATETIME NOT NULL,
                  cust_id INT NULL, KEY (acct_id, code))
                """)
            try await admin.execute("CREATE TABLE customers (cust_id INT PRIMARY KEY, acct_id INT NOT NULL, name VARCHAR(40) NOT NULL)")
            try await admin.execute("INSERT INTO customers VALUES (1, 1, 'Ada'), (2, 1, 'Bob'), (3, 2, 'Theirs')")
            // Ticket 5 is tenant 2's although it names tenant 1's customer 1: it never shows. Ticket 7 is
            // tenant 1's but names tenant 2's customer 3, which it never shows either.
            try await admin.execute(
                """
                INSERT INTO tickets VALUES (1, 1, 'AbC', '2024-01-01 10:00:00', 1), (2, 1, 'abc', '2024-01-02 10:00:00', 1),
                  (3, 1, 'ABC', '2024-01-03 10:00:00', 2), (4, 1, 'xyz', '2024-01-04 10:00:00', 1), (5, 2, 'abc', '2024-01-02 10:00:00', 1),
                  (6, 2, 'xyz', '2024-01-05 10:00:00', 3), (7, 1, 'abc', '2024-01-02 10:00:00', 3), (8, 1, 'abc', '2024-01-02 10:00:00', NULL)
                """)
        } _: { _, app in
            try await body(app)
        }
    }

    static func ids(_ response: TestResponse) throws -> [String] {
        let page = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
        return try #require((page["items"] ?? page["data"]) as? [[String: Any]]).compactMap { $0["id"] as? String }
    }

    static func hasMore(_ response: TestResponse) throws -> Bool {
        let page = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
        return try #require(page["has_more"] as? Bool)
    }

    @Test("case-sensitive filters match byte for byte where the collation would not; plain ones follow the collation")
    func caseSensitivity() async throws {
        try await Self.withApp { app in
            try await app.test(.router) { client in
                func ids(_ query: String) async throws -> [String] {
                    try Self.ids(try await client.execute(uri: "/helpdesk/v1/support-tickets?fields=id" + query, method: .get))
                }
                let plain = try await ids("&code=abc")
                #expect(plain == ["TCK-1", "TCK-2", "TCK-3", "TCK-7", "TCK-8"])
                let lower = try await ids("&code_exact=abc")
                #expect(lower == ["TCK-2", "TCK-7", "TCK-8"])
                let upper = try await ids("&code_exact=ABC")
                #expect(upper == ["TCK-3"])
                let exactList = try await ids("&codes_exact=AbC,xyz")
                #expect(exactList == ["TCK-1", "TCK-4"])
                let plainList = try await ids("&code=in:abc,xyz")
                #expect(plainList == ["TCK-1", "TCK-2", "TCK-3", "TCK-4", "TCK-7", "TCK-8"])
            }
        }
    }

    @Test("parameters per operator and bracket forms; the page envelope and its cursor; errors in the version's envelope")
    func namedParametersAndEnvelope() async throws {
        try await Self.withApp { app in
            try await app.test(.router) { client in
                let base = "/helpdesk/v1/support-tickets?fields=id"
                let after = try Self.ids(try await client.execute(uri: base + "&opened_after=2024-01-02T10:00:00Z", method: .get))
                #expect(after == ["TCK-3", "TCK-4"])
                let range = try Self.ids(
                    try await client.execute(uri: base + "&created[gte]=2024-01-02T00:00:00Z&created[lt]=2024-01-04T00:00:00Z", method: .get))
                #expect(range == ["TCK-2", "TCK-3", "TCK-7", "TCK-8"])
                let first = try await client.execute(uri: base + "&limit=3", method: .get)
                let text = String(buffer: first.body)
                #expect(text.hasPrefix(#"{"items":[{"id":"TCK-1"},{"id":"TCK-2"},{"id":"TCK-3"}],"next":""#), "\(text)")
                let page = try #require(try JSONSerialization.jsonObject(with: Data(first.body.readableBytesView)) as? [String: Any])
                let cursor = try #require(page["next"] as? String)
                let rest = try await client.execute(uri: base + "&limit=3&cursor=\(cursor)", method: .get)
                #expect(String(buffer: rest.body) == #"{"items":[{"id":"TCK-4"},{"id":"TCK-7"},{"id":"TCK-8"}],"next":null}"#)
                let item = try await client.execute(uri: "/helpdesk/v1/support-tickets/TCK-2", method: .get)
                #expect(String(buffer: item.body) == #"{"id":"TCK-2","code":"abc","opened_at":"2024-01-02T10:00:00Z"}"#)
                let foreign = try await client.execute(uri: "/helpdesk/v1/support-tickets/TCK-5", method: .get)
                #expect(foreign.status == .notFound)
                #expect(String(buffer: foreign.body) == #"{"error":{"kind":"not-found","message":"No tickets item has the id 'TCK-5'."}}"#)
                let unknown = try await client.execute(uri: base + "&created=2024-01-01T00:00:00Z", method: .get)
                #expect(unknown.status == .badRequest && unknown.headers[.contentType] == "application/json")
                #expect(
                    String(buffer: unknown.body)
                        == #"{"error":{"kind":"unknown-parameter","param":"created","message":"Unknown query parameter 'created'. Filters of tickets: code, code_exact, codes_exact, created[gte], created[lt], customer_name, opened_after."}}"#
                )
            }
        }
    }

    @Test("a sub-collection lists the children of a parent the partner can see, pages within it, and hides every other parent the same way")
    func subCollection() async throws {
        try await Self.withApp { app in
            try await app.test(.router) { client in
                let base = "/helpdesk/v1/customers"
                let first = try await client.execute(uri: base + "/CUS-1/tickets?limit=2", method: .get)
                #expect(first.status == .ok)
                let page = try #require(try JSONSerialization.jsonObject(with: Data(first.body.readableBytesView)) as? [String: Any])
                #expect(try Self.ids(first) == ["TCK-1", "TCK-2"], "customer 1's tickets of tenant 1 only")
                let cursor = try #require(page["next"] as? String)
                let rest = try await client.execute(uri: base + "/CUS-1/tickets?limit=2&cursor=\(cursor)", method: .get)
                #expect(String(buffer: rest.body) == #"{"items":[{"id":"TCK-4","code":"xyz"}],"next":null}"#)
                let elsewhere = try await client.execute(uri: base + "/CUS-2/tickets?limit=2&cursor=\(cursor)", method: .get)
                #expect(elsewhere.status == .badRequest, "a cursor pages its own parent's list only")
                let filtered = try await client.execute(uri: base + "/CUS-2/tickets?code=abc", method: .get)
                #expect(String(buffer: filtered.body) == #"{"items":[{"id":"TCK-3","code":"ABC"}],"next":null}"#)
                // Another tenant's customer, a missing one and a malformed id: the same 404, byte for byte.
                var bodies: Set<String> = []
                for id in ["CUS-3", "CUS-9", "CUS-x1"] {
                    let response = try await client.execute(uri: base + "/\(id)/tickets", method: .get)
                    #expect(response.status == .notFound)
                    bodies.insert(String(buffer: response.body).replacingOccurrences(of: id, with: "ID"))
                }
                #expect(bodies == [#"{"error":{"kind":"not-found","message":"No customers item has the id 'ID'."}}"#])
                let unknown = try await client.execute(uri: base + "/CUS-1/invoices", method: .get)
                #expect(unknown.status == .notFound && String(buffer: unknown.body).contains("There is no list 'invoices' under customers"))
                #expect(try await client.execute(uri: "/helpdesk/v1/tickets", method: .get).status == .notFound, "not served at the top level")
                #expect(try await client.execute(uri: base + "/CUS-1/tickets/TCK-1", method: .get).status == .notFound)
            }
        }
    }

    /// Walks a list by object ids, forwards with starting_after or backwards with ending_before.
    static func walk(_ client: some TestClientProtocol, _ query: String, backwards: Bool, from start: String? = nil) async throws -> [String] {
        var seen: [String] = []
        var edge = start
        for _ in 0..<20 {
            let position = edge.map { "&\(backwards ? "ending_before" : "starting_after")=\($0)" } ?? ""
            let response = try await client.execute(uri: "/helpdesk/v1/recent-tickets?fields=id" + query + position, method: .get)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let ids = try ids(response)
            seen = backwards ? ids + seen : seen + ids
            guard try hasMore(response) else { return seen }
            edge = backwards ? ids.first : ids.last
        }
        Issue.record("the walk did not end")
        return seen
    }

    @Test("newest first by default; object-id cursors both ways, each row once across ties; a foreign id is a missing one")
    func objectIDPaging() async throws {
        try await Self.withApp { app in
            try await app.test(.router) { client in
                // Tenant 1's tickets by (opened, id) descending: 4, 3, 8, 7, 2, 1 (2, 7 and 8 were opened at the same time).
                let newestFirst = ["TCK-4", "TCK-3", "TCK-8", "TCK-7", "TCK-2", "TCK-1"]
                let forwards = try await Self.walk(client, "", backwards: false)
                #expect(forwards == newestFirst)
                let backwards = try await Self.walk(client, "", backwards: true, from: "TCK-1")
                #expect(backwards == Array(newestFirst.dropLast()), "everything before TCK-1, in the list's order")
                let middle = try await client.execute(uri: "/helpdesk/v1/recent-tickets?fields=id&ending_before=TCK-7", method: .get)
                #expect(String(buffer: middle.body) == #"{"object":"list","data":[{"id":"TCK-3"},{"id":"TCK-8"}],"has_more":true}"#)
                // Sorted by a code that ties under the collation (AbC, abc, ABC…): still each row once.
                let byCode = try await Self.walk(client, "&sort=code", backwards: false)
                #expect(byCode.count == 6 && Set(byCode) == Set(newestFirst))
                let byCodeBack = try await Self.walk(client, "&sort=code", backwards: true, from: byCode.last)
                #expect(byCodeBack == Array(byCode.dropLast()))
                // Another tenant's ticket, a missing one and a malformed id: the same 400.
                var bodies: Set<String> = []
                for id in ["TCK-5", "TCK-99", "TCK-x"] {
                    let response = try await client.execute(uri: "/helpdesk/v1/recent-tickets?starting_after=\(id)", method: .get)
                    #expect(response.status == .badRequest)
                    bodies.insert(String(buffer: response.body))
                }
                #expect(
                    bodies == [
                        #"{"error":{"kind":"invalid-parameter","param":"starting_after","message":"'starting_after' is not the id of an object of this list."}}"#
                    ])
                let both = try await client.execute(uri: "/helpdesk/v1/recent-tickets?starting_after=TCK-1&ending_before=TCK-4", method: .get)
                #expect(both.status == .badRequest)
                let cursor = try await client.execute(uri: "/helpdesk/v1/recent-tickets?cursor=abc", method: .get)
                #expect(cursor.status == .badRequest && String(buffer: cursor.body).contains(#""param":"cursor""#))
            }
        }
    }

    @Test("a to-many embed in a list envelope of its own, with the parent item's url, its tenant rule kept")
    func embeddedList() async throws {
        try await Self.withApp { app in
            try await app.test(.router) { client in
                let ada = try await client.execute(uri: "/helpdesk/v1/customers/CUS-1", method: .get)
                #expect(
                    String(buffer: ada.body)
                        == #"{"id":"CUS-1","name":"Ada","tickets":{"object":"list","data":[{"id":"TCK-1","code":"AbC"},{"id":"TCK-2","code":"abc"},{"id":"TCK-4","code":"xyz"}],"has_more":false,"url":"/helpdesk/v1/customers/CUS-1/tickets"}}"#
                )
                let page = try await client.execute(uri: "/helpdesk/v1/customers?fields=id,tickets", method: .get)
                #expect(
                    String(buffer: page.body).contains(
                        #"{"id":"CUS-2","tickets":{"object":"list","data":[{"id":"TCK-3","code":"ABC"}],"has_more":false,"url":"/helpdesk/v1/customers/CUS-2/tickets"}}"#
                    ), "\(String(buffer: page.body))")
            }
        }
    }

    @Test("a filter on a to-one embed's field matches through the embedded row's own tenant rule: another tenant's row never matches")
    func embedFilter() async throws {
        try await Self.withApp { app in
            try await app.test(.router) { client in
                func ids(_ query: String) async throws -> [String] {
                    try Self.ids(try await client.execute(uri: "/helpdesk/v1/support-tickets?fields=id&" + query, method: .get))
                }
                #expect(try await ids("customer_name=Ada") == ["TCK-1", "TCK-2", "TCK-4"], "tenant 2's ticket 5 names Ada too")
                #expect(try await ids("customer_name=ada") == ["TCK-1", "TCK-2", "TCK-4"], "the column's collation decides")
                #expect(try await ids("customer_name=Bob&code=abc") == ["TCK-3"])
                // Ticket 7 names tenant 2's customer: it renders null, and no filter on it finds the ticket.
                #expect(try await ids("customer_name=Theirs").isEmpty)
                let seven = try await client.execute(uri: "/helpdesk/v1/support-tickets/TCK-7?include=customer", method: .get)
                #expect(String(buffer: seven.body) == #"{"id":"TCK-7","code":"abc","opened_at":"2024-01-02T10:00:00Z","customer":null}"#)
                let one = try await client.execute(uri: "/helpdesk/v1/support-tickets/TCK-1?include=customer", method: .get)
                #expect(
                    String(buffer: one.body)
                        == #"{"id":"TCK-1","code":"AbC","opened_at":"2024-01-01T10:00:00Z","customer":{"id":"CUS-1","name":"Ada"}}"#)
            }
        }
    }
}

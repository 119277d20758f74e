import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoAccess
import PorticoCatalog
import PorticoMySQL
import PorticoServer
import PorticoTestSupport
import Testing

/// A to-one embed on the target's key is read with its row through a `LEFT JOIN`. Against a real
/// server: the target's tenant rule and static predicates must hide exactly what a separate
/// statement hid, on pages (one tenant and the per-tenant merge), items, CSV and exports.
@Suite("To-one embeds joined into the row (MariaDB)", .serialized)
struct JoinedEmbedTests {
    static let mappings = [
        CatalogCompiler.Source(
            path: "v1/parents.yaml",
            text: """
                scope: p:read
                table: parents
                key: pid
                tenant: {column: acct_id}
                id: {column: pid, prefix: PAR-}
                fields:
                  owner: {embed: owners, on: {owner_id: owner_id}}
                keyset: [pid]
                """),
        CatalogCompiler.Source(
            path: "v1/owners.yaml",
            text: """
                scope: p:read
                table: owners
                key: owner_id
                where:
                  - {column: is_deleted, eq: 0}
                tenant: {column: acct_id}
                id: {column: owner_id, prefix: OWN-}
                fields:
                  name: {column: name, type: string}
                """),
    ]

    /// Parents of tenants 1 and 3 (and one of tenant 2, never visible), each naming an owner that
    /// is visible, another tenant's, deleted, absent, or missing.
    static func withApp(_ body: (any ApplicationProtocol) async throws -> Void) async throws {
        try await TestApp.withScratchApp("joined", mappings: mappings, principal: Principal(partner: "t", tenants: [.uint(1), .uint(3)])) { admin in
            try await admin.execute(
                "CREATE TABLE owners (owner_id INT PRIMARY KEY, acct_id INT NOT NULL, name VARCHAR(40) NOT NULL, is_deleted TINYINT NOT NULL)")
            try await admin.execute("CREATE TABLE parents (pid INT PRIMARY KEY, acct_id INT NOT NULL, owner_id INT NULL, KEY (acct_id, pid))")
            try await admin.execute("INSERT INTO owners VALUES (10, 1, 'mine', 0), (11, 1, 'deleted', 1), (20, 2, 'theirs', 0), (30, 3, 'third', 0)")
            try await admin.execute("INSERT INTO parents VALUES (1, 1, 10), (2, 1, 20), (3, 1, 11), (4, 1, NULL), (5, 1, 99), (6, 2, 20), (7, 3, 30)")
        } _: { _, app in
            try await body(app)
        }
    }

    static let expected = [
        #"{"id":"PAR-1","owner":{"id":"OWN-10","name":"mine"}}"#,
        #"{"id":"PAR-2","owner":null}"#,
        #"{"id":"PAR-3","owner":null}"#,
        #"{"id":"PAR-4","owner":null}"#,
        #"{"id":"PAR-5","owner":null}"#,
        #"{"id":"PAR-7","owner":{"id":"OWN-30","name":"third"}}"#,
    ]

    @Test("another tenant's, a hidden and a missing owner all read as null, on every read path")
    func hidesWhatTheTargetHides() async throws {
        try await Self.withApp { app in
            try await app.test(.router) { client in
                // Two tenants: the per-tenant merge, with the join's values bound after the merge's.
                let page = try await client.execute(uri: "/api/v1/parents?limit=10", method: .get)
                #expect(page.status == .ok)
                let body = String(buffer: page.body)
                #expect(body.hasPrefix(#"{"data":["# + Self.expected.joined(separator: ",") + "]"), "\(body)")
                #expect(!body.contains("theirs") && !body.contains("deleted") && !body.contains("PAR-6"))

                // Pages of two, walked with the cursor (later pages read whole rows per tenant).
                let walked = try await TenancyPropertyTests.walk(client, "/api/v1/parents?limit=2", headers: [:])
                let seen = walked.map { "\($0["id"] ?? "")=\(($0["owner"] as? [String: Any])?["name"] ?? "null")" }
                #expect(seen == ["PAR-1=mine", "PAR-2=null", "PAR-3=null", "PAR-4=null", "PAR-5=null", "PAR-7=third"])

                for (id, owner) in [("PAR-1", #"{"id":"OWN-10","name":"mine"}"#), ("PAR-2", "null"), ("PAR-3", "null")] {
                    let item = try await client.execute(uri: "/api/v1/parents/\(id)", method: .get)
                    #expect(String(buffer: item.body).contains(#""owner":\#(owner)"#), "\(id): \(String(buffer: item.body))")
                }
                #expect(try await client.execute(uri: "/api/v1/parents/PAR-6", method: .get).status == .notFound)

                let csv = try await client.execute(uri: "/api/v1/parents?format=csv&limit=10", method: .get)
                #expect(
                    String(buffer: csv.body)
                        == "id,owner.id,owner.name\r\nPAR-1,OWN-10,mine\r\nPAR-2,,\r\nPAR-3,,\r\nPAR-4,,\r\nPAR-5,,\r\nPAR-7,OWN-30,third\r\n")

                let export = try await client.execute(uri: "/api/v1/parents?format=ndjson", method: .get)
                #expect(String(buffer: export.body) == Self.expected.joined(separator: "\n") + "\n")
            }
        }
    }
}

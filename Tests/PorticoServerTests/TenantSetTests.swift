import Hummingbird
import HummingbirdTesting
import PorticoAccess
import PorticoCatalog
import PorticoMySQL
import PorticoServer
import PorticoTestSupport
import Testing

/// A point read binds a partner's accounts as one set, `FIND_IN_SET(column + 0, ?)`, where pages
/// use `IN (…)`. Against a real server: on a text tenant column in a case- and width-insensitive
/// collation, the set must admit exactly the rows `IN` admits, no more, whatever the text looks
/// like.
@Suite("The tenant set of point reads (MariaDB)", .serialized)
struct TenantSetTests {
    static let mappings = [
        CatalogCompiler.Source(
            path: "v1/things.yaml",
            text: """
                scope: t:read
                table: things
                key: id
                tenant: {column: acct}
                id: {column: id, prefix: T-}
                fields:
                  acct: {column: acct, type: string}
                keyset: [id]
                """)
    ]

    /// Texts that are, or look like, accounts 1 and 2: padded, signed, decimal, listed,
    /// full-width (equal to `1` in `utf8mb4_unicode_ci`), and not numbers at all.
    static let accounts = ["1", "01", " 1", "1,2", "1.5", "１", "2", "+2", "2e0", "3", "abc", "", "-1", "12"]

    @Test("a point read admits exactly the rows acct IN (1, 2) admits")
    func sameRowsAsInList() async throws {
        try await TestApp.withScratchApp("tenantset", mappings: Self.mappings, principal: Principal(partner: "t", tenants: [.uint(1), .uint(2)])) {
            admin in
            try await admin.execute("CREATE TABLE things (id INT PRIMARY KEY, acct VARCHAR(10) COLLATE utf8mb4_unicode_ci NOT NULL)")
            for (index, account) in Self.accounts.enumerated() {
                _ = try await admin.query("INSERT INTO things VALUES (?, ?)", [.int(Int64(index + 1)), .string(account)])
            }
        } _: { admin, app in
            // The trap a text comparison would fall into.
            #expect(try await admin.query("SELECT '１' = '1' COLLATE utf8mb4_unicode_ci").rows[0][0].int64 == 1)
            let admitted = try await admin.query("SELECT id FROM things WHERE acct IN (1, 2) ORDER BY id").rows.compactMap { $0[0].int64 }
            #expect(admitted == [1, 2, 3, 4, 7, 8, 9], "what IN admits here")
            try await app.test(.router) { client in
                var read: [Int64] = []
                for id in 1...Self.accounts.count {
                    let response = try await client.execute(uri: "/api/v1/things/T-\(id)", method: .get)
                    #expect(response.status == .ok || response.status == .notFound, "T-\(id): \(response.status)")
                    if response.status == .ok { read.append(Int64(id)) }
                }
                #expect(read == admitted)
            }
        }
    }
}

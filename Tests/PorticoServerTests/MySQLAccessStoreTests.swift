import Foundation
import PorticoAccess
import PorticoMySQL
import PorticoTestSupport
import Testing

/// What ``MySQLAccessStore`` reads back of what `portico partner|key|grant|plan` wrote to
/// Portico's schema: the records the authenticator judges (its judging is tested in process,
/// `AccessUnitTests`).
@Suite("Access store (MariaDB)", .serialized)
struct MySQLAccessStoreTests {
    @Test("keys, revocation, expiry, disabled partners, plans, grants and the key directory's reads come back as written")
    func records() async throws {
        let product = MySQLConnectionPool(configuration: try TestDatabase.product(), logger: TestApp.quietLogger)
        let state = MySQLConnectionPool(configuration: try TestDatabase.state(), logger: TestApp.quietLogger)
        _ = try await StateSchema.migrate(state, productSchema: "tradeflow")
        let partners = PartnerStore(pool: state)
        let suffix = UInt32.random(in: 0...UInt32.max)
        let code = "records-\(suffix)"
        let plan = Plan(
            name: "records-\(suffix)", rateLimit: 5, rateWindow: 60, rateBurst: 2, maxInFlight: 3, exportCost: 4, dailyQuota: 7, monthlyQuota: nil)
        try await partners.setPlan(plan)
        _ = try await partners.addPartner(code: code, name: nil)
        try await partners.assignPlan(partner: code, plan: plan.name)
        try await partners.grant(partner: code, tenants: [5, 2])
        let store = MySQLAccessStore(statePool: state, productPool: product, tenantSource: .grants)
        let before = try await store.keyIDs(after: 0).last?.keyID ?? 0

        let live = try await partners.issueKey(partner: code, scopes: ["orders:read", "customers:read"], expires: nil)
        let expiry = MySQLDateTime(rfc3339: "2020-01-01T00:00:00Z")
        let expired = try await partners.issueKey(partner: code, scopes: ["orders:read"], expires: expiry)
        let revoked = try await partners.issueKey(partner: code, scopes: ["orders:read"], expires: nil)
        try await partners.revokeKey(revoked.id)

        let record = try #require(try await store.key(live.id))
        #expect(record.secretHash == live.secretHash && record.partner == code && record.scopes == ["orders:read", "customers:read"])
        #expect(!record.revoked && record.partnerActive && record.expiresAt == nil && record.plan == plan)
        #expect(try await store.key(expired.id)?.expiresAt == expiry)
        #expect(try await store.key(revoked.id)?.revoked == true)
        #expect(try await store.key(ApiKey.generate().id) == nil)

        // Other suites issue keys at the same time: look at this test's own among them.
        let ours = Set([live.id, expired.id, revoked.id])
        let added = try await store.keyIDs(after: before)
        #expect(added.map(\.publicID).filter(ours.contains) == [live.id, expired.id, revoked.id], "in increasing id order")
        let expiredID = try #require(added.first { $0.publicID == expired.id }?.keyID)
        #expect(try await store.keyIDs(after: expiredID).map(\.publicID).filter(ours.contains) == [revoked.id])
        #expect(added.map(\.keyID) == added.map(\.keyID).sorted())

        #expect(try await store.tenants(of: code) == [.uint(2), .uint(5)])
        #expect(try await store.partner(code)?.plan == plan)
        try await partners.setActive(code, false)
        #expect(try await store.partner(code)?.active == false)
        #expect(try await store.key(live.id)?.partnerActive == false)
        #expect(try await store.partner("no-such-\(suffix)") == nil)
        await state.close()
        await product.close()
    }

    @Test("portico key import: a legacy token from standard input, or its SHA-256, is stored as a hash, listed as imported, accepted and revocable")
    func importedKeys() async throws {
        let binary = TestDatabase.porticoBinary
        let product = MySQLConnectionPool(configuration: try TestDatabase.product(), logger: TestApp.quietLogger)
        let state = MySQLConnectionPool(configuration: try TestDatabase.state(), logger: TestApp.quietLogger)
        _ = try await StateSchema.migrate(state, productSchema: "tradeflow")
        let partners = PartnerStore(pool: state)
        let suffix = UInt32.random(in: 0...UInt32.max)
        let code = "imported-\(suffix)"
        _ = try await partners.addPartner(code: code, name: nil)
        try await partners.grant(partner: code, tenants: [1])
        let token = "tf_\(suffix)_legacy-api-token-0123"
        let (status, output) = await TestDatabase.run(
            ["/bin/sh", "-c", "printf '%s\\n' \"$TOKEN\" | \"$BINARY\" key import \(code) --scopes orders:read"],
            environment: ["TOKEN": token, "BINARY": binary])
        #expect(status == 0, "\(output)")
        let imported = try #require(ApiKey.Imported(token: token))
        #expect(output.contains("imported key \(imported.id) for \(code)"), "\(output)")
        let stored = try await state.query("SELECT secret_hash, origin FROM api_keys WHERE public_id = ?", [.string(imported.id)]).rows
        #expect(stored.first?[0].bytes == imported.hash && stored.first?[1].text == "imported", "only the hash is kept")
        let again = await TestDatabase.run(
            ["/bin/sh", "-c", "printf '%s\\n' \"$TOKEN\" | \"$BINARY\" key import \(code) --scopes orders:read"],
            environment: ["TOKEN": token, "BINARY": binary])
        #expect(again.0 != 0 && again.1.contains("imported already"), "\(again.1)")
        let hashed = try #require(ApiKey.Imported(token: "tf_\(suffix)_only-its-hash-was-kept"))
        let hex = hashed.hash.map { String(format: "%02x", $0) }.joined()
        let (hashStatus, hashOutput) = await TestDatabase.run([binary, "key", "import", code, "--scopes", "orders:read", "--sha256", hex])
        #expect(hashStatus == 0, "\(hashOutput)")
        let (_, list) = await TestDatabase.run([binary, "key", "list", code])
        #expect(list.contains("\(imported.id)\tlive\torders:read\timported") && list.contains("\(hashed.id)\tlive"), "\(list)")

        let store = MySQLAccessStore(statePool: state, productPool: product, tenantSource: .grants)
        let outcome = try await Authenticator(store: store, logger: TestApp.quietLogger).authenticate(token: token)
        guard case .authenticated(let principal) = outcome else {
            Issue.record("the imported token was refused: \(outcome)")
            return
        }
        #expect(principal.partner == code && principal.credentialID == imported.id && principal.holds("orders:read"))
        let byHash = try await Authenticator(store: store, logger: TestApp.quietLogger).authenticate(token: "tf_\(suffix)_only-its-hash-was-kept")
        guard case .authenticated = byHash else {
            Issue.record("the token imported by its hash was refused")
            return
        }
        try await partners.revokeKey(imported.id)
        let afterRevoke = try await Authenticator(store: store, logger: TestApp.quietLogger).authenticate(token: token)
        guard case .invalid = afterRevoke else {
            Issue.record("a revoked imported token was accepted")
            return
        }
        await product.close()
        await state.close()
    }

    @Test(
        "key import --from-table brings a product table's tokens across for the partner that holds each tenant; key rotate moves one to a ptc_ key with an overlap"
    )
    func bulkImportAndRotation() async throws {
        try await TestDatabase.withScratchSchema("tokens") { admin in
            let schema = try await admin.query("SELECT DATABASE()").rows[0][0].text ?? ""
            let suffix = UInt32.random(in: 0...UInt32.max)
            let tokens = (1...3).map { "legacy-\(suffix)-token-\($0)-0123456789" }
            // Accounts of this run only: the state schema outlives runs, and partners an earlier
            // run granted the same accounts would hold them too.
            let firstTenant = 1_000_000 + UInt64(suffix % 100_000) * 10
            func tenant(_ n: UInt64) -> UInt64 { firstTenant + n }
            try await admin.execute("CREATE TABLE users (user_id INT PRIMARY KEY, acct_id INT NOT NULL, api_token CHAR(60) NULL)")
            _ = try await admin.query(
                "INSERT INTO users VALUES (1, ?, ?), (2, ?, ?), (3, ?, NULL), (4, ?, 'short'), (5, ?, ?)",
                [
                    .uint(tenant(1)), .string(tokens[0]), .uint(tenant(2)), .string(tokens[1]), .uint(tenant(3)), .uint(tenant(4)),
                    .uint(tenant(5)), .string(tokens[2]),
                ])
            let state = MySQLConnectionPool(configuration: try TestDatabase.state(), logger: TestApp.quietLogger)
            let product = MySQLConnectionPool(configuration: TestDatabase.admin(database: schema), logger: TestApp.quietLogger)
            _ = try await StateSchema.migrate(state, productSchema: "tradeflow")
            let partners = PartnerStore(pool: state)
            let (one, two) = ("bulk-a-\(suffix)", "bulk-b-\(suffix)")
            for code in [one, two] { _ = try await partners.addPartner(code: code, name: nil) }
            try await partners.grant(partner: one, tenants: [tenant(1), tenant(2)])
            try await partners.grant(partner: two, tenants: [tenant(2)])
            let run = LegacyTokenImport(product: product, store: partners, tenants: .grants)
            let source = try #require(LegacyTokenImport.Source("users:api_token:acct_id"))
            let ids = try tokens.map { try #require(ApiKey.Imported(token: $0)).id }

            let first = try await run.run(source, scopes: ["orders:read"], partner: nil).map(\.outcome)
            #expect(
                first == [.imported(id: ids[0], partner: one), .severalPartners([one, two]), .unusable, .noPartner], "\(first)")
            let second = try await run.run(source, scopes: ["orders:read"], partner: two).map(\.outcome)
            #expect(second == [.notThePartners, .imported(id: ids[1], partner: two), .unusable, .notThePartners], "\(second)")
            let third = try await run.run(source, scopes: ["orders:read"], partner: one).map(\.outcome)
            #expect(third.first == .importedAlready(id: ids[0]))

            let store = MySQLAccessStore(statePool: state, productPool: product, tenantSource: .grants)
            func partner(_ token: String) async throws -> String? {
                let outcome = try await Authenticator(store: store, logger: TestApp.quietLogger).authenticate(token: token)
                if case .authenticated(let principal) = outcome { return principal.partner }
                return nil
            }
            #expect(try await partner(tokens[0]) == one)
            #expect(try await partner(tokens[1]) == two)
            #expect(try await partner(tokens[2]) == nil)

            let (rotated, _) = try await partners.rotateKey(ids[0], overlapSeconds: 3600)
            #expect(try await partner(rotated.token) == one, "the new ptc_ key works")
            #expect(try await partner(tokens[0]) == one, "the imported token still works during the overlap")
            _ = try await partners.rotateKey(ids[1], overlapSeconds: 0)
            #expect(try await partner(tokens[1]) == nil, "with no overlap the old token stops at once")
            await product.close()
            await state.close()
        }
    }
}

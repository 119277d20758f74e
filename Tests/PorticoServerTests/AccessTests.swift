import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoAccess
import PorticoMySQL
import PorticoServer
import PorticoTestSupport
import Testing

/// API keys, scopes and tenancy through the real server, with Portico's schema on the private MariaDB.
@Suite("Partner access (MariaDB)", .serialized)
struct AccessTests {
    let product: MySQLConnectionPool
    let state: MySQLConnectionPool

    init() throws {
        product = MySQLConnectionPool(configuration: try TestDatabase.product(), logger: TestApp.quietLogger)
        state = MySQLConnectionPool(configuration: try TestDatabase.state(), logger: TestApp.quietLogger)
    }

    func close() async {
        await product.close()
        await state.close()
    }

    /// A fresh partner with a unique code, so tests do not share keys or caches.
    func partner(_ base: String, tenants: [UInt64]) async throws -> (PartnerStore, String) {
        _ = try await StateSchema.migrate(state, productSchema: "tradeflow")
        let store = PartnerStore(pool: state)
        let code = "\(base)-\(UInt32.random(in: 0...UInt32.max))"
        _ = try await store.addPartner(code: code, name: nil)
        try await store.grant(partner: code, tenants: tenants)
        return (store, code)
    }

    func app(_ authenticator: Authenticator) -> some ApplicationProtocol {
        let read = ReadSettings(catalogs: TestApp.catalogs, cursors: TestApp.cursors, developmentPrincipal: nil, authenticator: authenticator)
        return TestApp.application(settings: .init(port: 0), read: read, pool: product, logger: TestApp.quietLogger)
    }

    func authenticator(_ source: TenantSource = .grants) -> Authenticator {
        Authenticator(store: MySQLAccessStore(statePool: state, productPool: product, tenantSource: source), logger: TestApp.quietLogger)
    }

    @Test("migrate is safe to run twice and refuses the product schema")
    func migrate() async throws {
        _ = try await StateSchema.migrate(state, productSchema: "tradeflow")
        let again = try await StateSchema.migrate(state, productSchema: "tradeflow")
        #expect(again.applied.isEmpty && again.current == StateSchema.migrations.count)
        await #expect(throws: AccessError.self) { try await StateSchema.migrate(state, productSchema: "portico") }
        let admin = MySQLConnectionPool(configuration: TestDatabase.admin(database: "tradeflow"), logger: TestApp.quietLogger)
        await #expect(throws: AccessError.self) { try await StateSchema.migrate(admin, productSchema: nil) }
        await admin.close()
        await close()
    }

    @Test("tenants from grants or from the product's partner_links; each partner sees only its own rows")
    func tenancy() async throws {
        let (store, granted) = try await partner("granted", tenants: [4])
        let grantedKey = try await store.issueKey(partner: granted, scopes: ["orders:read"], expires: nil)
        // partner_links names 'globex' for accounts 3-5; the partner code must match the product's.
        _ = try? await store.addPartner(code: "globex", name: nil)
        let globexKey = try await store.issueKey(partner: "globex", scopes: ["orders:read"], expires: nil)
        func accounts(_ ids: [UInt64]) async throws -> Set<String> {
            let rows = try await product.query(
                "SELECT order_no FROM orders WHERE acct_id IN (\(ids.map { _ in "?" }.joined(separator: ",")))", ids.map { .uint($0) }
            ).rows
            return Set(
                rows.map { row in
                    let digits = String(row[0].int64 ?? 0)
                    return "ORD-" + String(repeating: "0", count: 8 - digits.count) + digits
                })
        }
        let four = try await accounts([4])
        let threeToFive = try await accounts([3, 4, 5])
        try await app(authenticator()).test(.router) { client in
            let ids = try await ReadApiTests.walk(
                client, "/api/v1/orders?limit=100&fields=id", headers: [.authorization: "Bearer \(grantedKey.token)"])
            #expect(Set(ids) == four)
        }
        // An app's test run shuts its services (the pools) down at the end: the second app gets its own.
        let product2 = MySQLConnectionPool(configuration: try TestDatabase.product(), logger: TestApp.quietLogger)
        let state2 = MySQLConnectionPool(configuration: try TestDatabase.state(), logger: TestApp.quietLogger)
        let fromTable = Authenticator(
            store: MySQLAccessStore(
                statePool: state2, productPool: product2,
                tenantSource: .productTable(table: "partner_links", partnerColumn: "partner_code", tenantColumn: "acct_id")),
            logger: TestApp.quietLogger)
        let read = ReadSettings(catalogs: TestApp.catalogs, cursors: TestApp.cursors, developmentPrincipal: nil, authenticator: fromTable)
        try await TestApp.application(settings: .init(port: 0), read: read, pool: product2, services: [state2], logger: TestApp.quietLogger)
            .test(.router) { client in
                let ids = try await ReadApiTests.walk(
                    client, "/api/v1/orders?limit=100&fields=id", headers: [.authorization: "Bearer \(globexKey.token)"])
                #expect(Set(ids) == threeToFive)
            }
        await close()
    }
}

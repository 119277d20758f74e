import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoAccess
import PorticoCatalog
import PorticoContract
import PorticoServer
import Testing

/// The strangler-fig step of docs/gateway.md: a proxied route replaced by a mapped resource at
/// the same URL, by a reload, and what `portico contract check` says of the replacement.
@Suite("Replacing a proxied route", .serialized)
struct RouteReplacementTests {
    /// The demo's products mapping, on its own (no links to other resources).
    static let mapped = CatalogCompiler.Source(
        path: "mappings/v1/products.yaml",
        text: """
            description: The merchant's catalogue.
            scope: products:read
            table: products
            key: prod_id
            tenant: {column: acct_id}
            id: {column: prod_id, prefix: PRD-, pad: 6}
            fields:
              sku: {column: sku, type: string}
              title: {column: title, type: string}
            """)

    /// The same URL, served by the legacy product first.
    /// What the legacy product answers, as the partners' contract says.
    static let schema = """
        schema:
          type: object
          description: The merchant's catalogue.
          required: [id]
          properties:
            id: {type: string, description: The public id., pattern: '^PRD-([0-9]{6}|[1-9][0-9]{6,18})$'}
            sku: {type: string}
            title: {type: string}
        """

    static func proxied(port: Int, schema: String = schema) -> CatalogCompiler.Source {
        CatalogCompiler.Source(
            path: "mappings/v1/products.yaml",
            text: """
                kind: proxy
                description: The merchant's catalogue, from the legacy product.
                path: products/{id}
                scope: products:read
                parameters:
                  id: {pattern: 'PRD-[0-9]{6}', max_length: 10}
                tenant: {inject: account}
                upstream:
                  targets: [http://127.0.0.1:\(port)]
                  path: /legacy/products/{id}
                  credential: {basic: {user: \(TestUpstream.user), password_env: LEGACY_PASSWORD}}
                media_types: [application/json]
                ranges: false
                \(schema)
                """)
    }

    static func catalog(_ source: CatalogCompiler.Source) throws -> CatalogSet {
        let compiled = CatalogCompiler.compile(version: "v1", sources: [source])
        return CatalogSet(["v1": try #require(compiled.catalogs["v1"], "\(compiled.diagnostics)")])
    }

    @Test("after a reload the same URL is served from the database; the partner's request does not change")
    func reload() async throws {
        let upstream = try await TestUpstream.start()
        let before = try Self.catalog(Self.proxied(port: upstream.port))
        let read = ReadSettings(catalogs: before, cursors: UnitApp.cursors, developmentPrincipal: UnitApp.partner)
        let gateway = Gateway(logger: UnitApp.quietLogger, environment: ["LEGACY_PASSWORD": TestUpstream.password])
        let app = PorticoApplication.build(
            settings: .init(port: 0), read: read, executor: UnitApp.executor(), logger: UnitApp.quietLogger, gateway: gateway)
        try await app.test(.router) { client in
            let legacy = try await client.execute(uri: "/api/v1/products/PRD-000001", method: .get)
            #expect(legacy.status == .ok && upstream.count("legacy") == 1, "\(legacy.status) \(String(buffer: legacy.body))")
            #expect(upstream.lastHeaders()[":path"] == "/legacy/products/PRD-000001?account=1", "the one account is injected")
            read.catalogStore.replace(with: try Self.catalog(Self.mapped))
            let mapped = try await client.execute(uri: "/api/v1/products/PRD-000001", method: .get)
            #expect(mapped.status == .ok)
            #expect(upstream.count("legacy") == 1, "the replaced route still reached the legacy product")
            let json = try PipelineTests.json(mapped)
            #expect(json["id"] as? String == "PRD-000001" && json["sku"] as? String == "SKU-1")
            let foreign = try await client.execute(uri: "/api/v1/products/PRD-000004", method: .get)
            #expect(foreign.status == .notFound, "another account's product")
        }
        await upstream.stop()
    }

    @Test("contract check tells what the replacement changes: the resource is a superset of the proxied route, or the diff says where not")
    func contract() throws {
        let old = try Contract.document(try #require(try Self.catalog(Self.proxied(port: 8080)).catalogs["v1"]))
        let new = try Contract.document(try #require(try Self.catalog(Self.mapped).catalogs["v1"]))
        let diff = ContractDiff.compare(old: old, new: new)
        #expect(!diff.changes.isEmpty)
        #expect(diff.changes.allSatisfy { !$0.breaking }, "\(diff.changes.filter(\.breaking))")
        #expect(diff.changes.contains { $0.path == "$.paths['/api/v1/products']" && $0.message == "new endpoint" })
        // A legacy answer with a member the mapping does not serve: the diff names it.
        let richer = Self.schema + "\n    name: {type: string}"
        let legacy = try Contract.document(try #require(try Self.catalog(Self.proxied(port: 8080, schema: richer)).catalogs["v1"]))
        let broken = ContractDiff.compare(old: legacy, new: new).changes.filter(\.breaking).map(\.description)
        #expect(broken == ["breaking: $.components.schemas.products.properties.name: removed response field"], "\(broken)")
        // Without ranges: false, a partner may have relied on 206: its removal breaks.
        let ranged = Self.proxied(port: 8080).text.replacingOccurrences(of: "ranges: false", with: "ranges: true")
        let withRanges = try Contract.document(
            try #require(try Self.catalog(.init(path: "mappings/v1/products.yaml", text: ranged)).catalogs["v1"]))
        #expect(ContractDiff.compare(old: withRanges, new: new).changes.contains { $0.breaking && $0.path.hasSuffix("responses['206']") })
    }
}

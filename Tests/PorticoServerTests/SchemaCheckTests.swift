import Foundation
import PorticoCatalog
import PorticoMySQL
import PorticoServer
import PorticoTestSupport
import Testing

/// `portico check --database` and `portico scaffold`, against the real demo database.
@Suite("Mappings against the live product schema (MariaDB)")
struct SchemaCheckTests {
    static let mappings = "\(TestDatabase.repositoryRoot)/mappings"

    static func schema() async throws -> ProductSchema {
        let pool = MySQLConnectionPool(configuration: try TestDatabase.product(), logger: TestDatabase.logger)
        defer { Task { await pool.close() } }
        return try await ProductSchemaLoader.load(from: pool)
    }

    static func demoSources(_ version: String) throws -> [CatalogCompiler.Source] {
        let folder = "\(mappings)/\(version)"
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted().map {
            CatalogCompiler.Source(path: "\(version)/\($0)", text: try String(contentsOfFile: "\(folder)/\($0)", encoding: .utf8))
        }
    }

    @Test("the loader reads tables, columns, nullability, zero-date defaults and indexes")
    func loader() async throws {
        let schema = try await Self.schema()
        #expect(schema.name == "tradeflow")
        let orders = try #require(schema.table("orders"))
        #expect(orders.primaryKey == ["order_no"])
        #expect(orders.indexes["idx_orders_acct_updated"] == ["acct_id", "updated", "order_no"])
        #expect(orders.column("shipped")?.defaultsToZeroDate == true)
        #expect(orders.column("notes")?.isNullable == true)
        #expect(schema.table("accounts")?.column("acct_name")?.columnType == "varchar(120)")
    }

    @Test("the demo mappings check clean against the demo database", arguments: ["v1", "v2"])
    func demoIsClean(_ version: String) async throws {
        let compiled = CatalogCompiler.compile(version: version, sources: try Self.demoSources(version))
        let catalog = try #require(compiled.catalogs[version])
        let diagnostics = SchemaCheck.check(catalog, against: try await Self.schema())
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
    }

    @Test("schema drift under a mapping is reported on the mapping's line")
    func drift() async throws {
        var sources = try Self.demoSources("v1")
        let index = try #require(sources.firstIndex { $0.path == "v1/orders.yaml" })
        let edits = [
            ("  notes: {column: notes, type: string, nullable: true}", "  notes: {column: note, type: string, nullable: true}"),
            ("      currency: {column: currency, type: string, example: EUR}", "      currency: {column: currency, type: decimal, example: EUR}"),
            ("  ship_to_country: {column: ship_country, type: string, nullable: true}", "  ship_to_country: {column: ship_country, type: string}"),
            ("  updated_at: {column: updated, type: datetime}", "  updated_at: {column: updated, type: datetime, zone: Europe/Berlin}"),
            (
                "    nullable: true\n    zone: {join: account, column: tz_name}\n    description: When the order shipped",
                "    zone: {join: account, column: tz_name}\n    description: When the order shipped"
            ),
            ("keyset: [updated, order_no]", "keyset: [notes, order_no]"),
            ("sync: updated", "sync: notes"),
            (
                "  updated_at: {column: updated, type: datetime, zone: Europe/Berlin}",
                "  updated_at: {column: updated, type: datetime, zone: Europe/Berlin}\n  notes_sort: {column: notes, type: string, nullable: true}"
            ),
        ]
        var text = sources[index].text
        for (old, new) in edits {
            #expect(text.contains(old), "edit target missing: \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        sources[index] = CatalogCompiler.Source(path: "v1/orders.yaml", text: text)
        let compiled = CatalogCompiler.compile(version: "v1", sources: sources)
        #expect(compiled.diagnostics.isEmpty, "\(compiled.diagnostics.map(\.description))")
        let catalog = try #require(compiled.catalogs["v1"])
        let diagnostics = SchemaCheck.check(catalog, against: try await Self.schema()).map(\.description)
        // The line of the first line starting with `prefix` in the edited file.
        func line(_ prefix: String) -> Int {
            (text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix(prefix) } ?? -1) + 1
        }
        #expect(
            diagnostics == [
                "v1/orders.yaml:\(line("  shipped_at:")):3: error: column 'shipped' defaults to the zero date, which is rendered as null: declare 'nullable: true' on field 'shipped_at'",
                "v1/orders.yaml:\(line("      currency:")):7: error: field 'currency' (decimal) cannot read column 'currency' of type char(3); it needs a DECIMAL or integer column",
                "v1/orders.yaml:\(line("  ship_to_country:")):3: error: column 'ship_country' is nullable but field 'ship_to_country' is not: declare 'nullable: true'",
                "v1/orders.yaml:\(line("  notes:")):3: error: column 'note' does not exist in table 'orders'; did you mean 'notes'?",
                "v1/orders.yaml:\(line("  updated_at:")):3: error: field 'updated_at' declares a zone, but 'updated' is a TIMESTAMP, which is read in UTC already; remove 'zone'",
                "v1/orders.yaml:\(line("keyset:")):1: error: keyset column 'notes' is nullable; cursors compare keyset values, so they must be NOT NULL",
                "v1/orders.yaml:\(line("keyset:")):1: warning: no index of 'orders' supports keyset (notes, order_no); pages will sort every matching row. Add an index on (acct_id, notes, order_no)",
            ])
    }

    @Test("a missing table is an error with the closest table suggested")
    func missingTable() async throws {
        let source = CatalogCompiler.Source(
            path: "v1/clients.yaml",
            text: """
                scope: clients:read
                table: customer
                key: cust_id
                tenant: {column: acct_id}
                id: {column: cust_id}
                fields:
                  name: {column: company, type: string}
                """)
        let catalog = try #require(CatalogCompiler.compile(version: "v1", sources: [source]).catalogs["v1"])
        let diagnostics = SchemaCheck.check(catalog, against: try await Self.schema()).map(\.description)
        #expect(diagnostics == ["v1/clients.yaml:2:1: error: table 'customer' does not exist in schema 'tradeflow'; did you mean 'customers'?"])
    }

    @Test(
        "a scaffolded mapping compiles and checks without errors",
        arguments: ["accounts", "customers", "products", "orders", "order_lines", "invoices"])
    func scaffoldRoundTrip(_ table: String) async throws {
        let schema = try await Self.schema()
        let text = MappingScaffold.render(table: try #require(schema.table(table)), schema: schema.name, version: "v1")
        let compiled = CatalogCompiler.compile(version: "v1", sources: [CatalogCompiler.Source(path: "v1/\(table).yaml", text: text)])
        #expect(!compiled.hasErrors, "\(compiled.diagnostics.map(\.description))\n\(text)")
        let catalog = try #require(compiled.catalogs["v1"])
        let problems = SchemaCheck.check(catalog, against: schema).filter { $0.severity == .error }
        #expect(problems.isEmpty, "\(problems.map(\.description))")
        let resource = try #require(catalog.resources[table])
        // Every column but the key and the tenant column became a field.
        let columns = try #require(schema.table(table)).columns.count
        let skipped = (resource.id == nil ? 0 : 1) + (resource.tenant == .none || resource.id?.column == "acct_id" ? 0 : 1)
        #expect(resource.fields.count == columns - skipped)
    }
}

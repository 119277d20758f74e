import PorticoCatalog
import PorticoQuery
import PorticoValues
import Testing

@testable import PorticoShape

/// Shapes a contract may ask for (issue 23): objects that are null, fields of one kind of read
/// only, values derived from two columns.
@Suite("Shapes a contract may ask for")
struct ShapeFormsTests {
    static let catalog: Catalog = {
        let result = CatalogCompiler.compile(
            version: "v1",
            sources: [
                .init(
                    path: "v1/invoices.yaml",
                    text: """
                        scope: billing:read
                        table: invoices
                        key: inv_id
                        tenant: {column: acct_id}
                        id: {column: inv_id, prefix: in_}
                        fields:
                          geo:
                            null_when: all_null
                            fields:
                              lat: {column: lat, type: number, nullable: true}
                              lng: {column: lng, type: number, nullable: true}
                          billing:
                            null_when: {column: bill_ok}
                            fields:
                              name: {column: bill_name, type: string}
                          remaining: {difference: [due_cents, paid_cents], type: decimal, scale: 2}
                          memo: {column: memo, type: string, only: item}
                          rank: {column: rank_no, type: integer, only: list}
                          customer:
                            embed: customers
                            on: {cust_id: cust_id}
                            fields: [customer_id, name]
                            expandable: true
                        """),
                .init(
                    path: "v1/customers.yaml",
                    text: """
                        scope: billing:read
                        table: customers
                        key: cust_id
                        tenant: {column: acct_id}
                        id: {column: cust_id, prefix: cus_, name: customer_id}
                        fields:
                          name: {column: cust_name, type: string}
                        """),
            ])
        precondition(result.diagnostics.isEmpty, "\(result.diagnostics)")
        return result.catalogs["v1"]!
    }()

    static let base: [String: MySQLValue] = [
        "inv_id": .uint(5), "acct_id": .uint(1), "lat": .double(51.5), "lng": .null, "bill_ok": .int(1), "bill_name": .string("Acme"),
        "due_cents": .int(10_000), "paid_cents": .int(2_550), "memo": .string("Net 30"), "rank_no": .int(3), "cust_id": .uint(9),
        "cust_name": .string("Ada"),
    ]

    /// A row as the database would return it, derived values computed.
    static func row(_ planned: PlannedRead, _ values: [String: MySQLValue]) -> MySQLRow {
        MySQLRow(
            planned.plan.columns.map { expression -> MySQLValue in
                switch expression {
                case .column(let ref): return values[ref.column] ?? .null
                case .derived(let a, let operation, let b):
                    guard let x = values[a.column]?.int64, let y = values[b.column]?.int64 else { return .null }
                    return .int(operation == .sum ? x + y : x - y)
                default: return .null
                }
            })
    }

    static func render(item: Bool, _ changes: [String: MySQLValue] = [:], include: Set<String> = []) throws -> String {
        let invoices = try #require(catalog.resources["invoices"])
        let planner = ReadPlanner(catalog: catalog)
        var request = ApiRequest(limit: item ? 1 : 10)
        request.include = include
        let planned =
            item
            ? try #require(planner.planItem(invoices, key: [.uint(5)], request, tenants: [.uint(1)]))
            : try planner.planList(invoices, request, tenants: [.uint(1)])
        var notes: [String] = []
        var json = JSONWriter()
        DocumentWriter.write(row(planned, base.merging(changes) { $1 }), planned.projection, embeds: [], into: &json, notes: &notes)
        return String(decoding: json.bytes, as: UTF8.self)
    }

    @Test("the single read has the item-only field, the page the list-only one; the difference is the database's")
    func readings() throws {
        #expect(
            try Self.render(item: true)
                == #"{"id":"in_5","geo":{"lat":51.5,"lng":null},"billing":{"name":"Acme"},"remaining":"74.50","memo":"Net 30","customer":"cus_9"}"#)
        #expect(
            try Self.render(item: false)
                == #"{"id":"in_5","geo":{"lat":51.5,"lng":null},"billing":{"name":"Acme"},"remaining":"74.50","rank":3,"customer":"cus_9"}"#)
        let planned = try ReadPlanner(catalog: Self.catalog).planList(
            try #require(Self.catalog.resources["invoices"]), ApiRequest(limit: 10), tenants: [.uint(1)])
        #expect(SQLRenderer.render(planned.plan).text.contains("(`t`.`due_cents` - `t`.`paid_cents`)"))
    }

    @Test(
        "an expandable reference is the target's id, or the object (its id member renamed) when included, read through a LEFT JOIN (a missing row is null)"
    )
    func expandable() throws {
        #expect(try Self.render(item: true, include: ["customer"]).hasSuffix(#""customer":{"customer_id":"cus_9","name":"Ada"}}"#))
        #expect(try Self.render(item: false, include: ["customer"]).hasSuffix(#""customer":{"customer_id":"cus_9","name":"Ada"}}"#))
        // The joined row's match column comes back NULL when the customer is hidden or gone.
        let invoices = try #require(Self.catalog.resources["invoices"])
        var request = ApiRequest(limit: 1)
        request.include = ["customer"]
        let planned = try #require(ReadPlanner(catalog: Self.catalog).planItem(invoices, key: [.uint(5)], request, tenants: [.uint(1)]))
        #expect(SQLRenderer.render(planned.plan).text.contains("LEFT JOIN `customers`"), "\(SQLRenderer.render(planned.plan).text)")
    }

    @Test("an object is null when all its members are, or when its named column is")
    func nullObjects() throws {
        let json = try Self.render(item: true, ["lat": .null, "bill_ok": .null])
        #expect(json.contains(#""geo":null"#), "\(json)")
        #expect(json.contains(#""billing":null"#), "\(json)")
        #expect(try Self.render(item: true, ["lat": .zeroDate]).contains(#""geo":null"#))
    }
}

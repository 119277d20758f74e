import Foundation
import PorticoCatalog
import PorticoQuery
import PorticoValues
import Testing

/// Filters on a to-one embed's fields (`customer.name` on orders): a semi-join on the embed's
/// `on`, with the target's tenant rule and static conditions inside, and the target field's
/// conversion undone as for its own filters. Golden SQL, no database.
@Suite("Filters through a to-one embed")
struct EmbedFilterTests {
    static let sources: [CatalogCompiler.Source] = [
        .init(
            path: "v1/customers.yaml",
            text: """
                scope: shop:read
                table: customers
                key: cust_id
                where: [{column: deleted, eq: 0}]
                tenant: {column: acct_id}
                id: {column: cust_id, prefix: C-}
                fields:
                  name: {column: name, type: string}
                  tier: {column: tier_cd, type: enum, codes: {1: gold, 2: silver}, unknown: other}
                  since: {column: since, type: datetime}
                """),
        .init(
            path: "v1/orders.yaml",
            text: """
                scope: shop:read
                table: orders
                key: order_no
                tenant: {column: acct_id}
                id: {column: order_no, prefix: O-}
                fields:
                  total: {column: total, type: integer}
                  customer:
                    embed: customers
                    on: {cust_id: cust_id}
                    fields: [id, name, tier]
                filters:
                  customer_name: {field: customer.name, op: eq, case_sensitive: true}
                  customer.tier: [eq, in]
                  total: [gt]
                keyset: [order_no]
                """),
    ]

    static let catalog: Catalog = {
        let result = CatalogCompiler.compile(version: "v1", sources: sources)
        precondition(result.diagnostics.isEmpty, "\(result.diagnostics)")
        return result.catalogs["v1"]!
    }()

    static func query(_ parameters: [(String, String)], tenants: [MySQLValue] = [.uint(7)]) throws -> SQLQuery {
        let orders = try #require(catalog.resources["orders"])
        let (request, _) = try QueryParser(resource: orders).parseList(parameters)
        return SQLRenderer.render(try ReadPlanner(catalog: catalog).planList(orders, request, tenants: tenants).plan)
    }

    @Test("the embedded row's own tenant rule and static condition are inside the semi-join, the value bound")
    func semiJoin() throws {
        let query = try Self.query([("customer_name", "Ada")])
        #expect(
            query.text.contains(
                "`t`.`cust_id` IN (SELECT `f_customer`.`cust_id` FROM `customers` AS `f_customer` WHERE `f_customer`.`acct_id` IN (?) "
                    + "AND `f_customer`.`deleted` = ? AND `f_customer`.`name` = ? AND BINARY `f_customer`.`name` IN (?))"), "\(query.text)")
        #expect(query.binds.filter { $0 == .string("Ada") }.count == 2)
        // The outer tenant rule, the joined embed's (it renders the customer) and the semi-join's.
        #expect(query.binds.filter { $0 == .uint(7) }.count == 3)
    }

    @Test("codes are matched by name, the unknown name by every undocumented code; an unknown name is a 400 naming the parameter")
    func codes() throws {
        let gold = try Self.query([("customer.tier", "gold")])
        #expect(gold.text.contains("`f_customer`.`tier_cd` IN (?))"), "\(gold.text)")
        #expect(gold.binds.contains(.int(1)))
        let other = try Self.query([("customer.tier", "in:silver,other")])
        #expect(other.text.contains("(`f_customer`.`tier_cd` IN (?) OR `f_customer`.`tier_cd` NOT IN (?, ?))"), "\(other.text)")
        do {
            _ = try Self.query([("customer.tier", "bronze")])
            Issue.record("bronze is no tier")
        } catch let error as QueryError {
            #expect(error.parameter == "customer.tier" && error.kind == .invalidParameter)
        }
    }

    @Test("a partner without tenants matches nothing, inside as outside")
    func noTenants() throws {
        let query = try Self.query([("customer_name", "Ada")], tenants: [])
        #expect(query.text.contains("WHERE 1 = 0"), "\(query.text)")
    }

    @Test("the document describes the parameter from the target's field")
    func described() throws {
        let orders = try #require(Self.catalog.resources["orders"])
        #expect(Self.catalog.filteredField(orders, at: "customer.tier")?.name == "tier")
        #expect(Self.catalog.embedFilterPath(orders, at: "customer.name")?.target.name == "customers")
        #expect(Self.catalog.embedFilterPath(orders, at: "total") == nil)
        #expect(Self.catalog.filteredField(orders, at: "total")?.name == "total")
    }

    @Test(
        "a filter through an embed that cannot be planned is an error at its place, with a hint for a misspelt field",
        arguments: [
            ("customer.nme", "filter 'f' filters 'customer.nme', which is no value field of 'orders'; did you mean 'customer.name'?"),
            ("customer.since", "filter 'f' cannot filter 'customer.since': 'customer' does not show 'since' (see its 'fields')"),
            ("lines.qty", "filter 'f' cannot filter 'lines.qty': 'lines' embeds many rows; a filter reaches only to-one embeds"),
            (
                "region.label",
                "filter 'f' cannot filter 'region.label': 'regions' finds its tenant through a join, which a filter on 'region' cannot reach"
            ),
        ])
    func refused(_ path: String, _ message: String) throws {
        let orders = Self.sources[1].text.replacingOccurrences(
            of: "filters:\n",
            with: "  lines: {embed: lines, many: true, on: {order_no: order_no}, order: [qty]}\n"
                + "  region: {embed: regions, on: {region_id: region_id}}\nfilters:\n  f: {field: \(path), op: eq}\n")
        let extra: [CatalogCompiler.Source] = [
            .init(
                path: "v1/lines.yaml",
                text:
                    "scope: shop:read\ntable: lines\nkey: line_id\ntenant: {column: acct_id}\nfields:\n  qty: {column: qty, type: integer}\nendpoint: false\n"
            ),
            .init(
                path: "v1/regions.yaml",
                text: """
                    scope: shop:read
                    table: regions
                    key: region_id
                    joins: {zone: {table: zones, on: {zone_id: zone_id}}}
                    tenant: {join: zone, column: acct_id}
                    fields:
                      label: {column: label, type: string}
                    endpoint: false
                    """),
        ]
        let result = CatalogCompiler.compile(version: "v1", sources: [Self.sources[0], .init(path: "v1/orders.yaml", text: orders)] + extra)
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.message) == [message], "\(result.diagnostics)")
        #expect(errors.first?.file == "v1/orders.yaml" && result.catalogs.isEmpty)
    }
}

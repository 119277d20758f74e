import Foundation
import PorticoCatalog
import PorticoValues
import Testing

@testable import PorticoQuery

/// Golden tests: request → SQL text and binds, one per construct, no database.
@Suite("Planner and SQL")
struct PlannerTests {
    static let catalogs: [String: Catalog] = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return CatalogCompiler.compile(directory: url.appendingPathComponent("mappings").path).catalogs
    }()

    static let tenants: [MySQLValue] = [.uint(1), .uint(2)]
    /// Most golden tests read one tenant; several tenants take the per-tenant form (tested on its own).
    static let oneTenant: [MySQLValue] = [.uint(1)]

    static func sql(
        _ resource: String, _ query: [(String, String)], version: String = "v1", after: [MySQLValue]? = nil,
        tenants: [MySQLValue] = oneTenant
    ) throws -> (SQLQuery, PlannedRead) {
        let catalog = try #require(catalogs[version])
        let target = try #require(catalog.resources[resource])
        var (request, _) = try QueryParser(resource: target).parseList(query)
        request.after = after
        let planned = try ReadPlanner(catalog: catalog).planList(target, request, tenants: tenants)
        return (SQLRenderer.render(planned.plan), planned)
    }

    @Test("a default page: tenant predicate, keyset order, page + 1")
    func defaultPage() throws {
        let (query, planned) = try Self.sql("customers", [("fields", "name")])
        #expect(
            query.text
                == "SELECT `t`.`cust_id`, `t`.`company`, `t`.`modified` FROM `customers` AS `t` WHERE `t`.`acct_id` IN (?) AND `t`.`is_deleted` = ? ORDER BY `t`.`modified` ASC, `t`.`cust_id` ASC LIMIT ?"
        )
        #expect(query.binds == [.uint(1), .int(0), .int(51)])
        #expect(planned.cursorColumns == [2, 0])
    }

    @Test("several tenants: per tenant, the order values of an ordered, limited subquery; merged, cut, then the rows by key")
    func perTenantPages() throws {
        let (query, planned) = try Self.sql("customers", [("fields", "name")], tenants: Self.tenants)
        let one =
            "SELECT `t`.`modified` AS `c0`, `t`.`cust_id` AS `c1` FROM `customers` AS `t` WHERE `t`.`acct_id` = ? AND `t`.`is_deleted` = ? ORDER BY `t`.`modified` ASC, `t`.`cust_id` ASC LIMIT ?"
        #expect(
            query.text
                == "SELECT `t`.`cust_id`, `t`.`company`, `t`.`modified` FROM (SELECT * FROM ((\(one)) UNION ALL (\(one))) AS `u` ORDER BY `c0` ASC, `c1` ASC LIMIT ?) AS `top` JOIN `customers` AS `t` ON `t`.`cust_id` = `top`.`c1` ORDER BY `top`.`c0` ASC, `top`.`c1` ASC"
        )
        #expect(query.binds == [.uint(1), .int(0), .int(51), .uint(2), .int(0), .int(51), .int(51)])
        #expect(planned.cursorColumns == [2, 0])
        // A cursor position is repeated in every subquery; an export (no limit) keeps one IN list.
        let (after, _) = try Self.sql(
            "customers", [("fields", "name")], after: [.datetime(MySQLDateTime(year: 2024, month: 1, day: 1)), .uint(7)], tenants: Self.tenants)
        #expect(after.text.components(separatedBy: "`t`.`modified` > ?").count == 3)
        #expect(after.text.hasPrefix("SELECT `c0`, `c1`, `c2` FROM ((SELECT `t`.`cust_id` AS `c0`"), "later pages read whole rows per tenant")
        let (export, _) = try Self.sql("customers", [("format", "ndjson")], tenants: Self.tenants)
        #expect(export.text.contains("`t`.`acct_id` IN (?, ?)") && !export.text.contains("UNION"))
    }

    @Test("eq and in on a code table bind the stored codes; an undocumented-code filter is NOT IN the table")
    func codes() throws {
        let (eq, _) = try Self.sql("orders", [("fields", "status"), ("status", "shipped")])
        #expect(eq.text.contains("`t`.`status_cd` IN (?)"))
        #expect(eq.binds.contains(.int(3)))
        let (unknown, _) = try Self.sql("orders", [("fields", "status"), ("status", "in:paid,unknown")])
        #expect(unknown.text.contains("(`t`.`status_cd` IN (?) OR `t`.`status_cd` NOT IN (?, ?, ?, ?, ?, ?))"))
        #expect(unknown.binds.prefix(1) == [.uint(1)])
        #expect(Array(unknown.binds[1...7]) == [.int(2), .int(0), .int(1), .int(2), .int(3), .int(4), .int(9)])
    }

    @Test("a range on a datetime whose zone is in a joined column compares in UTC with CONVERT_TZ")
    func zoneFromColumn() throws {
        let (query, _) = try Self.sql("orders", [("fields", "placed_at"), ("placed_at", "gte:2024-01-01T00:00:00Z")])
        #expect(
            query.text
                == "SELECT `t`.`order_no`, `t`.`placed`, `j_account`.`tz_name`, `t`.`updated` FROM `orders` AS `t` LEFT JOIN `accounts` AS `j_account` ON `j_account`.`acct_id` = `t`.`acct_id` WHERE `t`.`acct_id` IN (?) AND CONVERT_TZ(`t`.`placed`, `j_account`.`tz_name`, '+00:00') >= ? ORDER BY `t`.`updated` ASC, `t`.`order_no` ASC LIMIT ?"
        )
        #expect(query.binds[1] == .datetime(MySQLDateTime(year: 2024, month: 1, day: 1)))
    }

    static let things: Catalog = {
        let source = CatalogCompiler.Source(
            path: "v1/things.yaml",
            text: """
                scope: things:read
                table: things
                key: thing_id
                tenant: {column: acct_id}
                id: {column: thing_id}
                fields:
                  at: {column: at_local, type: datetime, zone: Europe/Berlin}
                  price: {column: price_cents, type: decimal, scale: 2}
                filters:
                  at: [gte]
                  price: [eq, gte]
                """)
        return CatalogCompiler.compile(version: "v1", sources: [source]).catalogs["v1"]!
    }()

    static func thingsQuery(_ query: [(String, String)]) throws -> SQLQuery {
        let things = try #require(Self.things.resources["things"])
        let (request, _) = try QueryParser(resource: things).parseList(query)
        return SQLRenderer.render(try ReadPlanner(catalog: Self.things).planList(things, request, tenants: oneTenant).plan)
    }

    @Test("a fixed zone turns the UTC bound into local wall time")
    func fixedZone() throws {
        // Berlin is UTC+2 in July: 10:00Z is 12:00 local; UTC+1 in January.
        let july = try Self.thingsQuery([("at", "gte:2024-07-01T10:00:00Z")])
        #expect(july.text.contains("`t`.`at_local` >= ?") && !july.text.contains("CONVERT_TZ"))
        #expect(july.binds[1] == .datetime(MySQLDateTime(year: 2024, month: 7, day: 1, hour: 12)))
        let january = try Self.thingsQuery([("at", "gte:2024-01-15T10:00:00Z")])
        #expect(january.binds[1] == .datetime(MySQLDateTime(year: 2024, month: 1, day: 15, hour: 11)))
    }

    @Test("cents filters bind minor units; more decimals than the scale are refused")
    func cents() throws {
        #expect(try Self.thingsQuery([("price", "12.5")]).binds[1] == .int(1250))
        #expect(try Self.thingsQuery([("price", "gte:-0.07")]).binds[1] == .int(-7))
        #expect(throws: QueryError.self) { try Self.thingsQuery([("price", "12.555")]) }
        #expect(throws: QueryError.self) { try Self.thingsQuery([("price", "1e3")]) }
    }

    @Test("a reference filter parses the other resource's public id back to its key")
    func references() throws {
        let (query, _) = try Self.sql("orders", [("fields", "id"), ("customer_id", "CUS-000042")])
        #expect(query.text.contains("`t`.`cust_id` = ?"))
        #expect(query.binds.contains(.uint(42)))
        #expect(throws: QueryError.self) { try Self.sql("orders", [("customer_id", "CUS-42")]) }
    }

    @Test("prefix filters escape LIKE wildcards in the value")
    func prefix() throws {
        let (query, _) = try Self.sql("products", [("fields", "sku"), ("sku", "prefix:SKU_1%")])
        #expect(query.text.contains("`t`.`sku` LIKE ?"))
        #expect(query.binds.contains(.string("SKU\\_1\\%%")))
    }

    @Test("booleans from Y/N compare with the declared true values")
    func booleans() throws {
        let (yes, _) = try Self.sql("products", [("fields", "active"), ("active", "true")])
        #expect(yes.text.contains("`t`.`active` IN (?)"))
        let (no, _) = try Self.sql("products", [("fields", "active"), ("active", "false")])
        #expect(no.text.contains("`t`.`active` NOT IN (?)"))
        #expect(no.binds.contains(.string("Y")))
        let (bit, _) = try Self.sql("invoices", [("fields", "paid"), ("paid", "true")])
        #expect(bit.text.contains("`t`.`paid` <> ?"))
    }

    @Test("a tenant reached through a join is an INNER join with the predicate on the joined table")
    func joinedTenant() throws {
        let (query, _) = try Self.sql("invoices", [("fields", "number")])
        #expect(
            query.text
                == "SELECT `t`.`inv_id`, `t`.`invoice_no` FROM `invoices` AS `t` JOIN `orders` AS `j_order` ON `j_order`.`order_no` = `t`.`order_no` WHERE `j_order`.`acct_id` IN (?) ORDER BY `t`.`inv_id` ASC LIMIT ?"
        )
    }

    @Test("sort then keyset, and a cursor position written so the index can seek")
    func sortAndCursor() throws {
        let after: [MySQLValue] = [
            .datetime(MySQLDateTime(year: 2020, month: 1, day: 1)), .datetime(MySQLDateTime(year: 2020, month: 2, day: 1)), .uint(7),
        ]
        let (query, planned) = try Self.sql("orders", [("fields", "id"), ("sort", "-placed_at")], after: after)
        #expect(
            query.text.hasSuffix(
                "AND (CONVERT_TZ(`t`.`placed`, `j_account`.`tz_name`, '+00:00') <= ? AND (CONVERT_TZ(`t`.`placed`, `j_account`.`tz_name`, '+00:00') < ? OR (CONVERT_TZ(`t`.`placed`, `j_account`.`tz_name`, '+00:00') = ? AND `t`.`updated` < ?) OR (CONVERT_TZ(`t`.`placed`, `j_account`.`tz_name`, '+00:00') = ? AND `t`.`updated` = ? AND `t`.`order_no` < ?))) ORDER BY CONVERT_TZ(`t`.`placed`, `j_account`.`tz_name`, '+00:00') DESC, `t`.`updated` DESC, `t`.`order_no` DESC LIMIT ?"
            ))
        #expect(query.binds.count == 1 + 7 + 1)
        #expect(planned.cursorColumns.count == 3)
    }

    @Test("updated_since compares the sync column; with a sort it is a filter in that sort's order")
    func updatedSince() throws {
        let (query, _) = try Self.sql("orders", [("fields", "id"), ("updated_since", "2024-03-01T10:00:00+01:00")])
        #expect(query.text.contains("`t`.`updated` >= ?"))
        #expect(query.binds.contains(.datetime(MySQLDateTime(year: 2024, month: 3, day: 1, hour: 9))))
        let (sorted, _) = try Self.sql("orders", [("updated_since", "2024-03-01T00:00:00Z"), ("sort", "placed_at")])
        #expect(sorted.text.contains("`t`.`updated` >= ?") && sorted.text.contains("ORDER BY CONVERT_TZ(`t`.`placed`"))
        #expect(throws: QueryError.self) { try Self.sql("invoices", [("updated_since", "2024-03-01T00:00:00Z")]) }
    }

    @Test("embeds: a to-many embed is one child plan per page, with the child's own tenant rule and order")
    func embeds() throws {
        let (_, planned) = try Self.sql("orders", [], tenants: Self.tenants)
        #expect(planned.embeds.map(\.name) == ["lines"])
        let lines = planned.embeds[0]
        let child = SQLRenderer.render(lines.plan(forParents: [[.uint(10)], [.uint(11)]]))
        #expect(
            child.text
                == "SELECT `t`.`line_no`, `t`.`prod_id`, `j_product`.`sku`, `t`.`qty`, `t`.`unit_price_cents`, `t`.`discount_pct`, `t`.`order_no` FROM `order_lines` AS `t` JOIN `orders` AS `j_order` ON `j_order`.`order_no` = `t`.`order_no` LEFT JOIN `products` AS `j_product` ON `j_product`.`prod_id` = `t`.`prod_id` WHERE FIND_IN_SET(`j_order`.`acct_id` + 0, ?) AND `t`.`order_no` IN (?, ?) ORDER BY `t`.`order_no` ASC, `t`.`line_no` ASC"
        )
        // Read by its parents' keys, the child binds its tenants as one set.
        #expect(child.binds == [.string("1,2"), .uint(10), .uint(11)])
    }

    @Test("a to-one embed on the target's key is joined into the row, its tenant rule and predicates in ON")
    func joinedEmbed() throws {
        let (query, planned) = try Self.sql("orders", [("fields", "customer")])
        #expect(planned.embeds.isEmpty, "no second statement for the customer")
        #expect(
            query.text
                == "SELECT `t`.`order_no`, `e_customer`.`cust_id`, `e_customer`.`company`, `t`.`updated` FROM `orders` AS `t` LEFT JOIN `customers` AS `e_customer` ON `e_customer`.`cust_id` = `t`.`cust_id` AND `e_customer`.`acct_id` IN (?) AND `e_customer`.`is_deleted` = ? WHERE `t`.`acct_id` IN (?) ORDER BY `t`.`updated` ASC, `t`.`order_no` ASC LIMIT ?"
        )
        #expect(query.binds == [.uint(1), .int(0), .uint(1), .int(51)])
        guard case .joined("customer", let present, let fields)? = planned.projection.last else {
            Issue.record("customer is not a joined embed: \(planned.projection)")
            return
        }
        #expect(planned.plan.columns[present] == .column(ColumnRef("e_customer", "cust_id")), "null here means no customer")
        #expect(fields.map(\.name) == ["id", "name"])

        // Across tenants the join is on the page's rows, after the per-tenant merge; its values follow the merge's.
        let (merged, _) = try Self.sql("orders", [("fields", "customer")], tenants: Self.tenants)
        #expect(
            merged.text.hasSuffix(
                "AS `top` JOIN `orders` AS `t` ON `t`.`order_no` = `top`.`c1` LEFT JOIN `customers` AS `e_customer` ON `e_customer`.`cust_id` = `t`.`cust_id` AND FIND_IN_SET(`e_customer`.`acct_id` + 0, ?) AND `e_customer`.`is_deleted` = ? ORDER BY `top`.`c0` ASC, `top`.`c1` ASC"
            ))
        #expect(merged.binds.suffix(3) == [.int(51), .string("1,2"), .int(0)])

        // Later pages read whole rows per tenant; the customer is joined to the merged page only.
        let (later, _) = try Self.sql(
            "orders", [("fields", "customer")], after: [.datetime(MySQLDateTime(year: 2024, month: 1, day: 1)), .uint(7)],
            tenants: Self.tenants)
        let branch =
            "SELECT `t`.`order_no` AS `c0`, `t`.`updated` AS `c1`, `t`.`cust_id` AS `c2` FROM `orders` AS `t` WHERE `t`.`acct_id` = ? AND (`t`.`updated` >= ? AND (`t`.`updated` > ? OR (`t`.`updated` = ? AND `t`.`order_no` > ?))) ORDER BY `t`.`updated` ASC, `t`.`order_no` ASC LIMIT ?"
        #expect(
            later.text
                == "SELECT `top`.`c0`, `e_customer`.`cust_id`, `e_customer`.`company`, `top`.`c1` FROM (SELECT * FROM ((\(branch)) UNION ALL (\(branch))) AS `u` ORDER BY `c1` ASC, `c0` ASC LIMIT ?) AS `top` LEFT JOIN `customers` AS `e_customer` ON `e_customer`.`cust_id` = `top`.`c2` AND FIND_IN_SET(`e_customer`.`acct_id` + 0, ?) AND `e_customer`.`is_deleted` = ? ORDER BY `top`.`c1` ASC, `top`.`c0` ASC"
        )
        #expect(later.binds.suffix(3) == [.int(51), .string("1,2"), .int(0)])

        // A partner without tenants joins nothing.
        let (none, _) = try Self.sql("orders", [("fields", "customer")], tenants: [])
        #expect(none.text.contains("`e_customer`.`cust_id` = `t`.`cust_id` AND 1 = 0"))
    }

    @Test("a to-one embed stays a statement of its own when a join would not be the same read")
    func separateToOneEmbeds() throws {
        let texts = [
            "kids.yaml":
                "scope: k:read\ntable: kids\nkey: kid_id\ntenant: {column: acct_id}\nid: {column: kid_id}\nfields:\n  code: {column: code, type: string}\n",
            "bills.yaml":
                "scope: k:read\ntable: bills\nkey: bill_id\njoins:\n  owner: {table: owners, on: {owner_id: owner_id}}\ntenant: {join: owner, column: acct_id}\nid: {column: bill_id}\nfields:\n  total: {column: total, type: integer}\n",
            "parents.yaml": """
            scope: k:read
            table: parents
            key: pid
            tenant: {column: acct_id}
            id: {column: pid}
            fields:
              by_key: {embed: kids, on: {kid_id: kid_id}}
              by_code: {embed: kids, on: {kid_code: code}}
              bill: {embed: bills, on: {bill_id: bill_id}}

            """,
        ]
        let result = CatalogCompiler.compile(version: "v1", sources: texts.map { CatalogCompiler.Source(path: "v1/\($0.key)", text: $0.value) })
        let catalog = try #require(result.catalogs["v1"], "\(result.diagnostics)")
        let parents = try #require(catalog.resources["parents"])
        let planned = try ReadPlanner(catalog: catalog).planList(parents, ApiRequest(limit: 5), tenants: Self.oneTenant)
        #expect(planned.projection.map(\.name) == ["id", "by_key", "by_code", "bill"])
        if case .joined = planned.projection[1] {} else { Issue.record("on the key: joined") }
        // Not on the target's key (several rows could match), or the target needs a join of its own.
        #expect(planned.embeds.map(\.name) == ["by_code", "bill"])
        #expect(planned.plan.joins.map(\.alias) == ["e_by_key"])
    }

    @Test("sparse fields select only what they need, and id always")
    func sparseFields() throws {
        let (query, planned) = try Self.sql("orders", [("fields", "total.currency,customer.name")])
        #expect(planned.projection.map(\.name) == ["id", "total", "customer"])
        #expect(!query.text.contains("`total_cents`") && !query.text.contains("`e_customer`.`contact_email`"))
        #expect(query.text.contains("`e_customer`.`company`"))
        #expect(planned.embeds.isEmpty)
    }

    @Test("a partner without tenants matches nothing")
    func noTenants() throws {
        let catalog = try #require(Self.catalogs["v1"])
        let orders = try #require(catalog.resources["orders"])
        let planned = try ReadPlanner(catalog: catalog).planList(orders, ApiRequest(limit: 5), tenants: [])
        #expect(SQLRenderer.render(planned.plan).text.contains("WHERE 1 = 0"))
    }

    @Test("v2 plans the same table with its own fields")
    func version2() throws {
        let (query, _) = try Self.sql("orders", [("fields", "total.amount_minor")], version: "v2")
        #expect(query.text.contains("`t`.`total_cents`"))
    }

    @Test("item plans compare the key and keep the tenant predicate")
    func item() throws {
        let catalog = try #require(Self.catalogs["v1"])
        let orders = try #require(catalog.resources["orders"])
        var request = ApiRequest(limit: 1)
        request.fields = ["status"]
        let planned = try #require(ReadPlanner(catalog: catalog).planItem(orders, key: [.uint(42)], request, tenants: Self.tenants))
        let query = SQLRenderer.render(planned.plan)
        #expect(
            query.text
                == "SELECT `t`.`order_no`, `t`.`status_cd` FROM `orders` AS `t` WHERE FIND_IN_SET(`t`.`acct_id` + 0, ?) AND `t`.`order_no` = ? LIMIT ?"
        )
        #expect(query.binds == [.string("1,2"), .uint(42), .int(1)])

        // One tenant is compared as usual; text tenants stay an IN list (the set is for integers).
        let one = SQLRenderer.render(
            try #require(ReadPlanner(catalog: catalog).planItem(orders, key: [.uint(42)], request, tenants: Self.oneTenant)).plan)
        #expect(one.text.contains("WHERE `t`.`acct_id` IN (?) AND `t`.`order_no` = ?"))
        let text = SQLRenderer.render(
            try #require(ReadPlanner(catalog: catalog).planItem(orders, key: [.uint(42)], request, tenants: [.string("a"), .string("b,c")])).plan)
        #expect(text.text.contains("WHERE `t`.`acct_id` IN (?, ?) AND `t`.`order_no` = ?"))
        #expect(text.binds == [.string("a"), .string("b,c"), .uint(42), .int(1)])

        // Any number of tenants shares one statement text.
        let many = SQLRenderer.render(
            try #require(ReadPlanner(catalog: catalog).planItem(orders, key: [.uint(42)], request, tenants: (1...60).map { .uint($0) })).plan)
        #expect(many.text == query.text)
        #expect(many.binds.first == .string((1...60).map(String.init).joined(separator: ",")))
        #expect(IntegerSet([.int(-3), .uint(UInt64.max), .int(Int64.min), .uint(0)])?.text == "-3,18446744073709551615,-9223372036854775808,0")
        #expect(IntegerSet([.uint(1), .string("2")]) == nil)
    }

    /// Pairs of requests: the same shape with other values, and shapes that differ only in
    /// what the text shows (how many values, which operator, a cursor or none, which fields).
    static let cacheCases: [(String, [(String, String)], [MySQLValue]?, [MySQLValue])] = [
        ("orders", [("status", "shipped")], nil, tenants),
        ("orders", [("status", "paid")], nil, [.uint(7), .uint(8)]),
        ("orders", [("status", "in:paid,shipped")], nil, [.uint(7), .uint(8)]),
        ("orders", [("status", "in:paid,shipped,draft")], nil, [.uint(7), .uint(8)]),
        ("orders", [("status", "paid")], nil, [.uint(7), .uint(8), .uint(9)]),
        ("orders", [("status", "paid")], nil, oneTenant),
        ("orders", [("status", "paid")], [.datetime(MySQLDateTime(year: 2024, month: 1, day: 1)), .uint(7)], tenants),
        ("orders", [("status", "draft")], [.datetime(MySQLDateTime(year: 2025, month: 2, day: 2)), .uint(9)], tenants),
        ("orders", [("fields", "id,status")], nil, oneTenant),
        ("orders", [("fields", "id,notes")], nil, oneTenant),
        ("orders", [("fields", "id,notes"), ("sort", "-placed_at")], nil, oneTenant),
        ("orders", [("placed_at", "gte:2024-01-01T00:00:00Z")], nil, oneTenant),
        ("orders", [("placed_at", "lt:2024-01-01T00:00:00Z")], nil, oneTenant),
        ("customers", [("country", "DE"), ("format", "ndjson")], nil, tenants),
        ("customers", [("country", "FR"), ("format", "ndjson")], nil, [.uint(3), .uint(4)]),
        ("customers", [("email", "a@example.com")], nil, []),
    ]

    @Test("rendered text is kept per plan shape: every plan gets exactly what a fresh render gives it")
    func textCache() throws {
        for round in 0..<2 {
            for (resource, query, after, tenants) in Self.cacheCases {
                let (cached, planned) = try Self.sql(resource, query, after: after, tenants: tenants)
                let fresh = SQLRenderer.renderUncached(planned.plan)
                #expect(cached == fresh, "round \(round), \(resource) \(query) \(tenants.count) tenants")
            }
        }
        // The keys hold no values: a stored shape with a filter value does not keep it.
        let (_, planned) = try Self.sql("customers", [("email", "secret@example.com")])
        let stored = PlanShape(planned.plan.withoutValues)
        #expect(!"\(stored.plan)".contains("secret"))
        #expect(stored == PlanShape(planned.plan), "stripping values keeps the shape")
    }

    @Test("a bounded cache starts again empty past its capacity in entries or in cost")
    func boundedCache() throws {
        let entries = BoundedCache<Int, String>(capacity: 3)
        for key in 1...5 {
            entries.store("text \(key)", for: key)
            #expect(entries[key] == "text \(key)")
            #expect(entries.count <= 3)
        }
        let costs = BoundedCache<Int, String>(capacity: 100, maxCost: 100, cost: { $0.utf8.count })
        for key in 1...5 {
            costs.store(String(repeating: "x", count: 40), for: key)
            #expect(costs[key] != nil)
            #expect(costs.totalCost <= 100)
        }
        costs.store(String(repeating: "y", count: 30), for: 5)
        #expect(costs.totalCost == 30, "a replaced value's cost is given back")
        costs.store(String(repeating: "x", count: 101), for: 9)
        #expect(costs[9] == nil, "a value costing more than the whole budget is not kept")
    }

    @Test("item plans are kept without their key: each read gets what a fresh planner gives it")
    func itemPlanCache() throws {
        let catalog = try #require(Self.catalogs["v2"])
        let orders = try #require(catalog.resources["orders"])
        let planner = ReadPlanner(catalog: catalog)
        var narrow = ApiRequest(limit: 1)
        narrow.fields = ["status", "customer"]
        var invoices = ApiRequest(limit: 1)
        invoices.include = ["invoices"]
        let cases: [(UInt64, ApiRequest, [MySQLValue])] = [
            (42, ApiRequest(limit: 1), Self.tenants), (43, ApiRequest(limit: 1), Self.tenants), (43, ApiRequest(limit: 1), [.uint(5), .uint(6)]),
            (44, ApiRequest(limit: 1), Self.oneTenant), (45, narrow, Self.tenants), (46, invoices, Self.tenants), (47, ApiRequest(limit: 1), []),
            // Same size and ends, different middle: the key's hash cannot tell them apart, equality must.
            (48, ApiRequest(limit: 1), [.uint(5), .uint(7), .uint(6)]), (48, ApiRequest(limit: 1), [.uint(5), .uint(8), .uint(6)]),
        ]
        func described(_ planned: PlannedRead) -> [String] {
            [SQLRenderer.renderUncached(planned.plan).description, "\(SQLRenderer.renderUncached(planned.plan).binds)", "\(planned.projection)"]
                + planned.embeds.map { "\(SQLRenderer.renderUncached($0.plan(forParents: [[.uint(9)]])))" }
        }
        for round in 0..<2 {
            for (key, request, tenants) in cases {
                let cached = try #require(planner.planItem(orders, key: [.uint(key)], request, tenants: tenants))
                let fresh = try #require(ReadPlanner(catalog: catalog).planItem(orders, key: [.uint(key)], request, tenants: tenants))
                #expect(described(cached) == described(fresh), "round \(round), key \(key), \(tenants.count) tenants")
                // The text kept for the keyed statement is the one its plan renders to, with this key's values.
                let known = SQLRenderer.render(cached)
                let rendered = SQLRenderer.renderUncached(cached.plan)
                #expect(cached.rendered != nil && known.text == rendered.text && "\(known.binds)" == "\(rendered.binds)")
                var changed = cached
                changed.plan.limit = 2
                #expect(changed.rendered == nil, "a changed plan forgets the text")
            }
        }
        #expect(planner.items.count == 8, "one entry per resource, field set, includes and tenants")
    }

    /// Every filter of every resource, every operator it declares, with hostile values: each is
    /// refused with a QueryError or travels only as a bind, never in the SQL text.
    @Test("injection attempts in every filter are refused or bound, never spliced", arguments: ["v1", "v2"])
    func injection(_ version: String) throws {
        let payloads = ["' OR 1=1 --", "1; DROP TABLE orders", "`users`.`pw_hash`", "\\' OR ''='", "CUS-000001' OR '1'='1"]
        let catalog = try #require(Self.catalogs[version])
        for resource in catalog.endpoints {
            for (name, filter) in resource.filters {
                for op in filter.operators {
                    for payload in payloads {
                        do {
                            let (query, _) = try Self.sql(resource.name, [(name, "\(op.rawValue):\(payload)")], version: version)
                            #expect(!query.text.contains(payload), "\(resource.name).\(name) \(op)")
                            #expect(!query.text.contains("DROP") && !query.text.contains("1=1"))
                        } catch let error as QueryError {
                            #expect(error.kind == .invalidParameter)
                        }
                    }
                }
            }
        }
    }
}

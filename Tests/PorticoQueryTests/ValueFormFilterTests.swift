import PorticoCatalog
import PorticoQuery
import PorticoValues
import Testing

/// Filters on fields rendered in a contract's forms take the rendered values: epoch integers,
/// lower-cased text, a name several codes share, an integer id. Golden SQL, no database.
@Suite("Filters on contract value forms")
struct ValueFormFilterTests {
    static let catalog: Catalog = {
        let source = CatalogCompiler.Source(
            path: "v1/invoices.yaml",
            text: """
                scope: billing:read
                table: invoices
                key: inv_id
                tenant: {column: acct_id}
                id: {column: inv_id, type: integer}
                fields:
                  created: {column: created_at, type: datetime, time: epoch_seconds}
                  paid_at: {column: paid_at, type: datetime, time: epoch_milliseconds, nullable: true}
                  issued: {column: issued_at, type: datetime, time: {fraction: 3, offset: "+00:00"}}
                  currency: {column: currency, type: string, transform: [trim, lower]}
                  region: {column: region_cd, type: string, transform: [upper]}
                  status: {column: status_cd, type: enum, codes: {1: open, 6: open, 2: paid}, unknown: open}
                filters:
                  created: {field: created, operators: [gte, lt], syntax: bracket}
                  paid_at: [gt]
                  issued: [gte]
                  currency: [eq, in]
                  region: [prefix]
                  status: [eq]
                keyset: [inv_id]
                """)
        let result = CatalogCompiler.compile(version: "v1", sources: [source])
        precondition(result.diagnostics.isEmpty, "\(result.diagnostics)")
        return result.catalogs["v1"]!
    }()

    static func query(_ parameters: [(String, String)]) throws -> SQLQuery {
        let invoices = try #require(catalog.resources["invoices"])
        let (request, _) = try QueryParser(resource: invoices).parseList(parameters)
        return SQLRenderer.render(try ReadPlanner(catalog: catalog).planList(invoices, request, tenants: [.uint(7)]).plan)
    }

    static func refusal(_ parameters: [(String, String)]) -> String? {
        do {
            _ = try query(parameters)
            return nil
        } catch let error as QueryError {
            return error.detail
        } catch {
            return "\(error)"
        }
    }

    @Test("an epoch field is filtered by integers, bound as the instants they are; RFC 3339 is refused there")
    func epochs() throws {
        let query = try Self.query([("created[gte]", "1719835205"), ("paid_at", "gt:1719835205123")])
        #expect(query.text.contains("`t`.`created_at` >= ?"), "\(query.text)")
        #expect(query.binds.contains(.datetime(MySQLDateTime(year: 2024, month: 7, day: 1, hour: 12, minute: 0, second: 5))))
        #expect(query.binds.contains(.datetime(MySQLDateTime(year: 2024, month: 7, day: 1, hour: 12, minute: 0, second: 5, microsecond: 123_000))))
        #expect(
            Self.refusal([("created[gte]", "2024-07-01T12:00:05Z")])
                == "'created[gte]' takes a Unix time in seconds such as 1704067200.")
        // A fixed-precision RFC 3339 field takes any RFC 3339 time.
        let issued = try Self.query([("issued", "gte:2024-07-01T14:00:05+02:00")])
        #expect(issued.binds.contains(.datetime(MySQLDateTime(year: 2024, month: 7, day: 1, hour: 12, minute: 0, second: 5))))
    }

    @Test("a transformed field is compared as rendered: LOWER(TRIM(column)) for eq and in, UPPER(column) for prefix")
    func transformed() throws {
        let eq = try Self.query([("currency", "eur")])
        #expect(eq.text.contains("LOWER(TRIM(`t`.`currency`)) = ?"), "\(eq.text)")
        let list = try Self.query([("currency", "in:eur,usd")])
        #expect(list.text.contains("LOWER(TRIM(`t`.`currency`)) IN (?, ?)"), "\(list.text)")
        let prefix = try Self.query([("region", "prefix:EU")])
        #expect(prefix.text.contains("UPPER(`t`.`region_cd`) LIKE ?"), "\(prefix.text)")
    }

    @Test("a name two codes share matches both; the unknown name that is also a code's name matches undocumented codes too")
    func sharedCodes() throws {
        let open = try Self.query([("status", "open")])
        #expect(open.text.contains("(`t`.`status_cd` IN (?, ?) OR `t`.`status_cd` NOT IN (?, ?, ?))"), "\(open.text)")
        let paid = try Self.query([("status", "paid")])
        #expect(paid.text.contains("`t`.`status_cd` IN (?)"), "\(paid.text)")
        #expect(paid.binds.contains(.int(2)))
    }
}

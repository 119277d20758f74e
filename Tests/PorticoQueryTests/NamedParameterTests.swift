import PorticoCatalog
import PorticoQuery
import PorticoValues
import Testing

/// Filters named as a contract names them: a parameter per operator, bracket forms, a nested
/// field under a name of its own, case-sensitive equality and a longer value limit. Golden SQL,
/// no database (the MariaDB side of case sensitivity is in the integration suite).
@Suite("Filters named by the contract")
struct NamedParameterTests {
    static let catalog: Catalog = {
        let source = CatalogCompiler.Source(
            path: "v1/tickets.yaml",
            text: """
                scope: tickets:read
                table: tickets
                key: ticket_id
                tenant: {column: acct_id}
                id: {column: ticket_id, prefix: T-}
                fields:
                  subject: {column: subject, type: string}
                  code: {column: code, type: string}
                  opened_at: {column: opened, type: datetime}
                  region:
                    type: object
                    fields:
                      id: {column: region_id, type: integer}
                filters:
                  subject: [eq, prefix]
                  opened_after: {field: opened_at, op: gt}
                  opened_before: {field: opened_at, op: lt}
                  created: {field: opened_at, operators: [gte, lt], syntax: bracket}
                  "filter[code]": {field: code, op: eq, case_sensitive: true}
                  codes: {field: code, op: in, case_sensitive: true}
                  region_id: {field: region.id, op: eq}
                  long_subject: {field: subject, op: eq, max_length: 1000}
                """)
        let result = CatalogCompiler.compile(version: "v1", sources: [source])
        precondition(result.diagnostics.isEmpty, "\(result.diagnostics)")
        return result.catalogs["v1"]!
    }()

    static func query(_ parameters: [(String, String)]) throws -> SQLQuery {
        let tickets = try #require(catalog.resources["tickets"])
        let (request, _) = try QueryParser(resource: tickets).parseList(parameters)
        return SQLRenderer.render(try ReadPlanner(catalog: catalog).planList(tickets, request, tenants: [.uint(1)]).plan)
    }

    static func refusal(_ parameters: [(String, String)]) -> QueryError? {
        do {
            _ = try query(parameters)
            return nil
        } catch let error as QueryError {
            return error
        } catch {
            return nil
        }
    }

    @Test("a parameter per operator takes the value alone, even one that looks like op:value")
    func fixedOperator() throws {
        let after = try Self.query([("opened_after", "2024-01-01T00:00:00Z"), ("opened_before", "2024-02-01T00:00:00Z")])
        #expect(after.text.contains("`t`.`opened` > ?") && after.text.contains("`t`.`opened` < ?"))
        #expect(after.binds.contains(.datetime(MySQLDateTime(year: 2024, month: 2, day: 1))))
        let subject = try Self.query([("long_subject", "gt:not an operator")])
        #expect(subject.text.contains("`t`.`subject` = ?") && subject.binds.contains(.string("gt:not an operator")))
        let region = try Self.query([("region_id", "7")])
        #expect(region.text.contains("`t`.`region_id` = ?") && region.binds.contains(.int(7)))
    }

    @Test("bracket forms: created[gte] and created[lt]; the bare name is not a parameter")
    func brackets() throws {
        let created = try Self.query([("created[gte]", "2024-01-01T00:00:00Z"), ("created[lt]", "2024-02-01T00:00:00Z")])
        #expect(created.text.contains("`t`.`opened` >= ?") && created.text.contains("`t`.`opened` < ?"))
        let bare = try #require(Self.refusal([("created", "gte:2024-01-01T00:00:00Z")]))
        #expect(bare.kind == .unknownParameter && bare.parameter == "created")
        #expect(bare.detail.contains("created[gte], created[lt]") && bare.detail.contains("filter[code]"), "\(bare.detail)")
        let wrong = try #require(Self.refusal([("created[gt]", "2024-01-01T00:00:00Z")]))
        #expect(wrong.kind == .unknownParameter && wrong.parameter == "created[gt]")
    }

    @Test("case-sensitive equality: the collation's comparison for the index, BINARY for the exact match")
    func caseSensitive() throws {
        let one = try Self.query([("filter[code]", "AbC")])
        #expect(one.text.contains("`t`.`code` = ? AND BINARY `t`.`code` IN (?)"), "\(one.text)")
        #expect(one.binds.filter { $0 == .string("AbC") }.count == 2)
        let many = try Self.query([("codes", "AbC,abc")])
        #expect(many.text.contains("`t`.`code` IN (?, ?) AND BINARY `t`.`code` IN (?, ?)"), "\(many.text)")
        let plain = try Self.query([("subject", "AbC")])
        #expect(!plain.text.contains("BINARY"), "only the declared filter compares bytes")
    }

    @Test("max_length raises the limit for its filter only; errors name the parameter as written")
    func lengths() throws {
        let long = String(repeating: "x", count: 1000)
        #expect(try Self.query([("long_subject", long)]).binds.contains(.string(long)))
        let tooLong = try #require(Self.refusal([("long_subject", long + "x")]))
        #expect(tooLong.parameter == "long_subject" && tooLong.detail == "'long_subject' needs a value of 1 to 1000 characters.")
        let defaultLimit = try #require(Self.refusal([("subject", String(repeating: "x", count: 257))]))
        #expect(defaultLimit.detail == "'subject' needs a value of 1 to 256 characters.")
        let badTime = try #require(Self.refusal([("opened_after", "yesterday")]))
        #expect(badTime.parameter == "opened_after" && badTime.detail.contains("'opened_after'"), "\(badTime.detail)")
    }

    /// Tickets again, in a version that renames Portico's own parameters as a contract does.
    static let renamed: Catalog = {
        let tickets = CatalogCompiler.Source(
            path: "v1/tickets.yaml",
            text: """
                scope: tickets:read
                table: tickets
                key: ticket_id
                tenant: {column: acct_id}
                id: {column: ticket_id, prefix: T-}
                fields:
                  subject: {column: subject, type: string}
                  status: {column: status, type: string}
                  owner: {embed: owners, on: {owner_id: owner_id}, include: optional}
                  watcher: {embed: owners, on: {watcher_id: owner_id}, include: optional}
                filters:
                  status: {op: in, repeat: true}
                  "state[]": {field: status, op: in}
                """)
        let owners = CatalogCompiler.Source(
            path: "v1/owners.yaml",
            text: """
                scope: tickets:read
                table: owners
                key: owner_id
                tenant: {column: acct_id}
                id: {column: owner_id, prefix: O-}
                fields:
                  name: {column: name, type: string}
                """)
        let settings = CatalogCompiler.Source(
            path: "v1/_version.yaml", text: "parameters: {limit: page_size, include: \"expand[]\", cursor: page_token, fields: \"fields[]\"}\n")
        let result = CatalogCompiler.compile(version: "v1", sources: [settings, tickets, owners])
        precondition(result.diagnostics.isEmpty, "\(result.diagnostics)")
        return result.catalogs["v1"]!
    }()

    static func parseRenamed(_ parameters: [(String, String)]) throws(QueryError) -> ApiRequest {
        let tickets = renamed.resources["tickets"]!
        return try QueryParser(resource: tickets, names: renamed.settings.parameters).parseList(parameters).request
    }

    @Test("Portico's own parameters under the contract's names; [] names repeat once per value; the default names are then unknown")
    func renamedParameters() throws {
        let request = try Self.parseRenamed([("page_size", "5"), ("expand[]", "owner"), ("expand[]", "watcher"), ("fields[]", "subject")])
        #expect(request.limit == 5 && request.include == ["owner", "watcher"] && request.fields == ["subject"])
        let (_, cursor) = try QueryParser(resource: Self.renamed.resources["tickets"]!, names: Self.renamed.settings.parameters).parseList([
            ("page_token", "abc")
        ])
        #expect(cursor == "abc")
        #expect(throws: QueryError.self) { try Self.parseRenamed([("page_size", "1"), ("page_size", "2")]) }
        do {
            _ = try Self.parseRenamed([("limit", "5")])
            Issue.record("limit is not this version's parameter")
        } catch {
            #expect(error.kind == .unknownParameter && error.parameter == "limit")
        }
        do {
            _ = try Self.parseRenamed([("expand[]", "nothing")])
            Issue.record("nothing is not an embed")
        } catch {
            #expect(error.parameter == "expand[]")
        }
    }

    @Test("an in filter given once per value gathers its values into one term, by its own name or a [] name")
    func repeatedFilters() throws {
        let repeated = try Self.parseRenamed([("status", "open"), ("status", "closed,won't split")])
        #expect(repeated.filters.count == 1 && repeated.filters[0].values == ["open", "closed,won't split"] && repeated.filters[0].op == .in)
        let brackets = try Self.parseRenamed([("state[]", "open"), ("state[]", "new")])
        #expect(brackets.filters.count == 1 && brackets.filters[0].values == ["open", "new"] && brackets.filters[0].field == "status")
    }

    @Test("a version without CSV, NDJSON or sparse field sets has no format or fields parameter: each is unknown, by its name")
    func extrasOff() throws {
        let tickets = Self.catalog.resources["tickets"]!
        var extras = SurfaceExtras()
        (extras.csv, extras.ndjson, extras.sparseFields) = (false, false, false)
        let parser = QueryParser(resource: tickets, extras: extras)
        for (name, value) in [("format", "csv"), ("format", "json"), ("fields", "id")] {
            #expect(throws: QueryError.self) { try parser.parseList([(name, value)]) }
            do {
                _ = try parser.parseList([(name, value)])
            } catch {
                #expect(error.kind == .unknownParameter && error.parameter == name)
            }
            do {
                _ = try parser.parseItem([(name, value)])
            } catch {
                #expect(error.kind == .unknownParameter && error.detail == "A single tickets takes no query parameters.")
            }
        }
        // CSV without NDJSON: format is a parameter that takes json or csv.
        extras.csv = true
        let csv = QueryParser(resource: tickets, extras: extras)
        #expect(try csv.parseList([("format", "csv")]).request.format == .csv)
        do {
            _ = try csv.parseList([("format", "ndjson")])
            Issue.record("ndjson is not served")
        } catch {
            #expect(error.kind == .invalidParameter && error.detail == "'format' must be one of: json, csv.")
        }
        #expect(throws: Never.self) { try QueryParser(resource: tickets).parseList([("format", "ndjson"), ("fields", "id")]) }
    }
}

import Foundation
import PorticoCatalog
import PorticoValues
import Testing

@Suite("Compiled catalogs")
struct CatalogTests {
    static let mappings: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("mappings").path
    }()

    @Test("the demo mappings compile cleanly, v1 and v2")
    func demo() throws {
        let result = CatalogCompiler.compile(directory: Self.mappings)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.description))")
        let v1 = try #require(result.catalogs["v1"])
        let v2 = try #require(result.catalogs["v2"])
        #expect(v1.endpoints.map(\.name) == ["customers", "invoices", "orders", "products"])
        #expect(v2.resourceNames == v1.resourceNames)
        // Nothing internal is mapped.
        for catalog in [v1, v2] {
            #expect(catalog.resources.values.allSatisfy { !["users", "audit_log"].contains($0.table) })
        }
    }

    @Test("v1 orders carries every construct the planner and shaper need")
    func orders() throws {
        let v1 = try #require(CatalogCompiler.compile(directory: Self.mappings).catalogs["v1"])
        let orders = try #require(v1.resources["orders"])
        #expect(orders.tenant == .column("acct_id"))
        #expect(orders.id == PublicID(column: "order_no", prefix: "ORD-", padding: 8))
        #expect(orders.keyset == ["updated", "order_no"])
        #expect(orders.syncColumn == "updated")
        #expect(orders.page == PageSize(defaultLimit: 50, maxLimit: 200))
        #expect(orders.filters["status"]?.operators == [.eq, .in])
        #expect(orders.sortKeys == ["placed_at", "updated_at", "id"])
        #expect(orders.csv.profile(named: "legacy")?.columns?.count == 9)
        guard case .value(let status) = try #require(orders.field(at: "status")).kind,
            case .codes(let codes, let unknown) = status.conversion
        else {
            Issue.record("status should be a code table")
            return
        }
        #expect(codes["3"] == "shipped")
        #expect(unknown == "unknown")
        guard case .value(let placed) = try #require(orders.field(at: "placed_at")).kind else { return }
        #expect(placed.conversion == .zone(.column(join: "account", column: "tz_name")))
        guard case .value(let amount) = try #require(orders.field(at: "total.amount")).kind else { return }
        #expect(amount.conversion == .cents(scale: 2))
        guard case .embed(let lines) = try #require(orders.field(at: "lines")).kind else { return }
        #expect(lines.many && lines.order == ["line_no"] && lines.target == "order_lines")
        let orderLines = try #require(v1.resources["order_lines"])
        #expect(!orderLines.isEndpoint)
        #expect(orderLines.tenant == .joined(join: "order", column: "acct_id"))
    }

    @Test("v2 changes money and names while v1 keeps its shape")
    func versionsDiffer() throws {
        let result = CatalogCompiler.compile(directory: Self.mappings)
        let v1 = try #require(result.catalogs["v1"]?.resources["orders"])
        let v2 = try #require(result.catalogs["v2"]?.resources["orders"])
        #expect(v1.field(at: "total.amount") != nil && v1.field(at: "total.amount_minor") == nil)
        #expect(v2.field(at: "total.amount_minor") != nil && v2.field(at: "total.amount") == nil)
        #expect(v1.field(at: "ship_to_country") != nil && v2.field(at: "shipping_country") != nil)
    }

    @Test("the valid corpus compiles, with every construct read as declared")
    func validCorpus() throws {
        let sources = CorpusTests.sources("valid")
        let result = CatalogCompiler.compile(version: "v1", sources: sources)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.description))")
        let sink = try #require(result.catalogs["v1"]?.resources["kitchen_sink"])
        #expect(sink.tenant == .none)
        #expect(sink.predicates.map(\.op) == [.in, .not_in, .is_null, .ne])
        #expect(sink.deprecation == Deprecation(sunset: "2027-06-30", note: nil))
        #expect(sink.id?.format(7) == "007")
        guard case .value(let enabled) = try #require(sink.field(at: "enabled")).kind else { return }
        // YAML 1.1 would read Y as true; the mapping language keeps it as text.
        #expect(enabled.conversion == .boolean(trueValues: ["Y", "y", "1"]))
        guard case .embed(let owner) = try #require(sink.field(at: "owner")).kind else { return }
        #expect(owner.optional)
        #expect(sink.filters["ratio"]?.operators == [.gt, .gte, .lt, .lte])
        #expect(sink.filters["ratio_above"] == Filter(field: "ratio", operators: [.gt], parameter: "ratio_above", syntax: .fixed(.gt)))
        #expect(sink.filters["local[lt]"]?.parameterNames.map(\.name) == ["local[lt]"], "a name with brackets is just a name")
        #expect(sink.filters["stamp"]?.parameterNames.map(\.name) == ["stamp[gte]", "stamp[lte]"])
        #expect(sink.filters["kind_exact"]?.maxLength == 40 && sink.filters["kind"]?.syntax == .portico)
        #expect(sink.filterParameters["stamp[lte]"]?.filter == "stamp" && sink.filterParameters["stamp[lte]"]?.op == .lte)
        #expect(sink.filterParameters["stamp"] == nil && sink.filterParameters["kind"]?.op == nil)
        #expect(sink.path == "kitchen-sinks")
        #expect(result.catalogs["v1"]?.resourcesBySegment["kitchen-sinks"] == "kitchen_sink")
        #expect(result.catalogs["v1"]?.listPath(sink) == "/api/v1/kitchen-sinks")
        let envelope = try #require(sink.envelope)
        #expect(envelope.members.map(\.name) == ["object", "items", "has_more", "url", "next", "version", "live", "quoted", "nothing"])
        // Plain YAML scalars keep their JSON type; a quoted one stays text.
        #expect(
            envelope.members.map(\.value) == [
                .constant(.string("list")), .documents, .hasMore, .url, .nextCursor, .constant(.integer(2)), .constant(.bool(true)),
                .constant(.string("true")), .constant(.null),
            ])
        #expect(result.catalogs["v1"]?.envelope(sink) == envelope)
        let owners = try #require(result.catalogs["v1"]?.resources["owners"])
        #expect(owners.path == "owners" && result.catalogs["v1"]?.envelope(owners) == .standard)
    }
}

@Suite("Public ids")
struct PublicIDTests {
    let id = PublicID(column: "order_no", prefix: "ORD-", padding: 8)
    /// No prefix and no padding: the digits alone, with no leading zero.
    let plain = PublicID(column: "id")

    @Test func format() {
        #expect(id.format(42) == "ORD-00000042")
        #expect(id.format(123_456_789) == "ORD-123456789")
        #expect(id.format(0) == "ORD-00000000")
        #expect(id.format(UInt64.max) == "ORD-18446744073709551615")
        #expect(PublicID(column: "id").format(0) == "0")
        #expect(PublicID(column: "id", prefix: "é-", padding: 3).format(7) == "é-007")
        for key: UInt64 in [0, 9, 10, 99_999_999, 100_000_000, 1 << 40] {
            #expect(id.format(key) == "ORD-" + String(repeating: "0", count: max(0, 8 - String(key).count)) + String(key))
        }
    }

    @Test("parse is the exact inverse of format")
    func roundTrip() {
        for key: UInt64 in [0, 1, 42, 99_999_999, 100_000_000, UInt64.max] {
            #expect(id.parse(id.format(key)) == key)
            #expect(id.parse(Substring("/" + id.format(key)).dropFirst()) == key)
            #expect(plain.parse(plain.format(key)) == key)
        }
        for text in ["", "00", "01", "18446744073709551616", "-1", "1 ", "ORD-1"] {
            #expect(plain.parse(text) == nil, "\(text)")
        }
    }

    @Test(
        "anything not rendered by format is rejected",
        arguments: [
            "ORD-42", "ord-00000042", "ORD-000000042", "ORD-0000004a", "ORD- 0000042", "ORD-+0000042", "ORD-", "00000042",
            "ORD-99999999999999999999999", "ORD-00000042/", "ORD-0000004２",
        ])
    func malformed(_ text: String) {
        #expect(id.parse(text) == nil)
    }

    @Test("base 36 ids: lower-case digits, padded, parsed back exactly; an integer id is the key's decimal")
    func base36() {
        let short = PublicID(column: "k", prefix: "cus_", encoding: .base36)
        let padded = PublicID(column: "k", prefix: "cus_", padding: 4, encoding: .base36)
        #expect(short.format(0) == "cus_0")
        #expect(short.format(35) == "cus_z")
        #expect(short.format(36) == "cus_10")
        #expect(short.format(1295) == "cus_zz")
        #expect(padded.format(1295) == "cus_00zz")
        #expect(short.format(UInt64.max) == "cus_3w5e11264sgsf")
        for key: UInt64 in [0, 1, 35, 36, 1295, 46_655, 1 << 40, UInt64.max] {
            #expect(short.parse(short.format(key)) == key)
            #expect(padded.parse(padded.format(key)) == key)
        }
        for text in ["cus_ZZ", "cus_00zz", "cus_", "cus_3w5e11264sgsg", "cus_z-", "CUS_zz", "zz"] {
            #expect(short.parse(text) == nil, "\(text)")
        }
        #expect(padded.parse("cus_0zz") == nil)
        let integer = PublicID(column: "k", isInteger: true)
        #expect(integer.format(17) == "17")
        #expect(integer.parse("17") == 17)
        #expect(integer.parse("017") == nil)
    }

    @Test("time forms: fixed fraction digits truncate, +00:00 replaces Z, epochs in seconds and milliseconds; filters parse the same forms")
    func timeForms() {
        let instant = MySQLDateTime(year: 2024, month: 7, day: 1, hour: 12, minute: 0, second: 5, microsecond: 123_456)
        #expect(TimeFormat.standard.text(instant) == "2024-07-01T12:00:05.123456Z")
        #expect(TimeFormat.rfc3339(fraction: 0, zulu: true).text(instant) == "2024-07-01T12:00:05Z")
        #expect(TimeFormat.rfc3339(fraction: 3, zulu: false).text(instant) == "2024-07-01T12:00:05.123+00:00")
        #expect(TimeFormat.rfc3339(fraction: 6, zulu: true).text(MySQLDateTime(year: 2024, month: 1, day: 1)) == "2024-01-01T00:00:00.000000Z")
        #expect(TimeFormat.epochSeconds.text(instant) == "1719835205")
        #expect(TimeFormat.epochMilliseconds.text(instant) == "1719835205123")
        #expect(TimeFormat.epochSeconds.parse("1719835205") == MySQLDateTime(year: 2024, month: 7, day: 1, hour: 12, minute: 0, second: 5))
        #expect(
            TimeFormat.epochMilliseconds.parse("1719835205123")
                == MySQLDateTime(year: 2024, month: 7, day: 1, hour: 12, minute: 0, second: 5, microsecond: 123_000))
        #expect(
            TimeFormat.epochMilliseconds.parse("-1")
                == MySQLDateTime(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59, microsecond: 999_000))
        for text in ["", "01719835205", "+1719835205", "1.5", "2024-07-01T12:00:05Z", "99999999999999999", "253402300800"] {
            #expect(TimeFormat.epochSeconds.parse(text) == nil, "\(text)")
        }
        #expect(
            TimeFormat.rfc3339(fraction: 3, zulu: false).parse("2024-07-01T14:00:05+02:00")
                == MySQLDateTime(year: 2024, month: 7, day: 1, hour: 12, minute: 0, second: 5))
    }
}

import Foundation
import PorticoCatalog
import PorticoQuery
import PorticoValues
import Testing

@Suite("Query parameters")
struct QueryParserTests {
    static let orders = PlannerTests.catalogs["v1"]!.resources["orders"]!

    static func parse(_ query: [(String, String)]) throws(QueryError) -> ApiRequest {
        try QueryParser(resource: orders).parseList(query).request
    }

    static func failure(_ query: [(String, String)]) -> QueryError? {
        do {
            _ = try parse(query)
            return nil
        } catch {
            return error
        }
    }

    @Test("defaults come from the mapping")
    func defaults() throws {
        let request = try Self.parse([])
        #expect(request.limit == 50)
        #expect(request.filters.isEmpty && request.sort == nil && request.fields == nil && !request.isExport)
    }

    @Test("one syntax for every operator; bare values mean eq; eq: escapes a value that looks like an operator")
    func syntax() throws {
        let request = try Self.parse([
            ("status", "shipped"), ("placed_at", "gte:2024-01-01T00:00:00Z"), ("placed_at", "lt:2024-02-01T00:00:00Z"),
            ("status", "in:paid,shipped"), ("sort", "-placed_at"), ("limit", "200"),
        ])
        #expect(request.filters.map(\.op) == [.eq, .gte, .lt, .in])
        #expect(request.filters[3].values == ["paid", "shipped"])
        #expect(request.sort?.field == "placed_at" && request.sort?.descending == true)
        #expect(request.limit == 200)
        #expect(try Self.parse([("status", "eq:in:x")]).filters[0].values == ["in:x"])
        // Text before a colon that is not a lower-case word is a plain value.
        #expect(try Self.parse([("status", "12:30")]).filters[0].values == ["12:30"])
        #expect(try Self.parse([("status", "Re:x")]).filters[0].values == ["Re:x"])
        #expect(try Self.parse([("status", ":x")]).filters[0].values == [":x"])
        #expect(try Self.parse([("status", "todo:call")]).filters[0].values == ["todo:call"])
    }

    @Test("a value is at most 256 characters, counted as characters, prefix included")
    func valueLength() throws {
        #expect(try Self.parse([("status", String(repeating: "é", count: 256))]).filters[0].values[0].unicodeScalars.count == 256)
        #expect(Self.failure([("status", String(repeating: "a", count: 257))])?.kind == .invalidParameter)
        #expect(Self.failure([("status", "eq:" + String(repeating: "a", count: 254))])?.kind == .invalidParameter)
    }

    @Test(
        "every refusal names the parameter and says what to do",
        arguments: [
            ([("statsu", "x")], "statsu", QueryError.Kind.unknownParameter),
            ([("limit", "201")], "limit", .invalidParameter),
            ([("limit", "0")], "limit", .invalidParameter),
            ([("limit", "ten")], "limit", .invalidParameter),
            ([("limit", "5"), ("limit", "6")], "limit", .invalidParameter),
            ([("status", "prefix:sh")], "status", .invalidParameter),
            ([("status", "")], "status", .invalidParameter),
            ([("status", "eq:")], "status", .invalidParameter),
            ([("sort", "notes")], "sort", .invalidParameter),
            ([("fields", "id,nope")], "fields", .invalidParameter),
            ([("include", "lines")], "include", .invalidParameter),
            ([("updated_since", "yesterday")], "updated_since", .invalidParameter),
            ([("format", "xml")], "format", .invalidParameter),
            ([("status", "in:" + Array(repeating: "paid", count: 101).joined(separator: ","))], "status", .tooLarge),
        ] as [([(String, String)], String, QueryError.Kind)])
    func refusals(_ query: [(String, String)], _ parameter: String, _ kind: QueryError.Kind) throws {
        let error = try #require(Self.failure(query))
        #expect(error.parameter == parameter)
        #expect(error.kind == kind)
        #expect(!error.detail.isEmpty)
    }

    @Test("too many filter terms are refused")
    func filterCap() {
        let many = Array(repeating: ("status", "paid"), count: 21)
        #expect(Self.failure(many)?.kind == .tooLarge)
    }

    @Test("exports: NDJSON always, CSV without a limit")
    func exports() throws {
        #expect(try Self.parse([("format", "ndjson")]).isExport)
        #expect(try Self.parse([("format", "csv")]).isExport)
        #expect(try !Self.parse([("format", "csv"), ("limit", "10")]).isExport)
    }
}

@Suite("Cursors")
struct CursorTests {
    let codec = CursorCodec(secret: Array("0123456789abcdef0123456789abcdef".utf8))
    let values: [MySQLValue] = [
        .datetime(MySQLDateTime(year: 2024, month: 5, day: 6, hour: 7, minute: 8, second: 9, microsecond: 120_000)),
        .uint(42), .string("a|b,c"), .int(-3), .decimal("12.50"), .date(MySQLDate(year: 2024, month: 2, day: 29)),
    ]

    @Test("a cursor round-trips its values for the same binding")
    func roundTrip() throws {
        let token = codec.encode(values, binding: "acme\nv1\norders")
        #expect(try codec.decode(token, binding: "acme\nv1\norders") == values)
    }

    @Test("another partner, request or key cannot use it")
    func foreign() {
        let token = codec.encode(values, binding: "acme\nv1\norders")
        #expect(throws: QueryError.self) { try codec.decode(token, binding: "globex\nv1\norders") }
        #expect(throws: QueryError.self) { try codec.decode(token, binding: "acme\nv2\norders") }
        let other = CursorCodec(secret: Array("another-secret-another-secret-xx".utf8))
        #expect(throws: QueryError.self) { try other.decode(token, binding: "acme\nv1\norders") }
    }

    @Test("tampering with any byte is detected")
    func tampered() throws {
        let token = codec.encode(values, binding: "b")
        var bytes = Array(token.utf8)
        for index in stride(from: 0, to: bytes.count, by: 7) where bytes[index] != UInt8(ascii: ".") {
            let original = bytes[index]
            bytes[index] = original == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(throws: QueryError.self) { try codec.decode(String(decoding: bytes, as: UTF8.self), binding: "b") }
            bytes[index] = original
        }
        for junk in ["", ".", "abc", "%%%.%%%", String(repeating: "A", count: 5000)] {
            #expect(throws: QueryError.self) { try codec.decode(junk, binding: "b") }
        }
    }

    @Test("a stale cursor (made before the keyset mapping changed) is refused; the same page gives the same cursor")
    func stale() throws {
        let request = ApiRequest(limit: 10)
        let before = CursorCodec.binding(partner: "acme", version: "v1", resource: "orders", keyset: ["updated", "order_no"], request: request)
        let after = CursorCodec.binding(partner: "acme", version: "v1", resource: "orders", keyset: ["placed", "order_no"], request: request)
        let token = codec.encode(values, binding: before)
        #expect(throws: QueryError.self) { try codec.decode(token, binding: after) }
        #expect(codec.encode(values, binding: before) == token, "deterministic, so list pages keep strong ETags")
    }
}

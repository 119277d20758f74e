import Foundation
import PorticoCatalog
import PorticoQuery
import PorticoValues
import Testing

@testable import PorticoShape

/// Rows → documents for every conversion, without a database: rows are made by column name
/// in the order the plan selects them.
@Suite("Shaping rows into documents")
struct ShapingTests {
    static let catalog: Catalog = {
        let things = CatalogCompiler.Source(
            path: "v1/things.yaml",
            text: """
                scope: things:read
                table: things
                key: thing_id
                tenant: {column: acct_id}
                id: {column: thing_id, prefix: THG-, pad: 5}
                fields:
                  label: {column: label, type: string, trim: true}
                  status:
                    column: status_cd
                    type: enum
                    codes: {1: open, 3: shipped}
                    unknown: unknown
                  kind:
                    column: kind_cd
                    type: enum
                    codes: {A: alpha}
                    unknown: null
                  price:
                    fields:
                      amount: {column: price_cents, type: decimal, scale: 2}
                      minor: {column: price_cents, type: integer}
                  active: {column: active_yn, type: boolean, true_values: [Y]}
                  flag: {column: flag_bit, type: boolean}
                  local_at: {column: local_at, type: datetime, zone: Europe/Berlin, nullable: true}
                  zoned_at: {column: zoned_at, type: datetime, zone: {column: tz}, nullable: true}
                  stamp: {column: stamp, type: datetime}
                  day: {column: day, type: date, nullable: true}
                  attrs: {column: attrs, type: object, json: true, nullable: true}
                  ratio: {column: ratio, type: number, nullable: true}
                  owner_id: {column: owner_id, type: string, id_of: owners}
                """)
        return CatalogCompiler.compile(version: "v1", sources: [things, owners]).catalogs["v1"]!
    }()

    static let owners = CatalogCompiler.Source(
        path: "v1/owners.yaml",
        text: """
            scope: things:read
            table: owners
            key: owner_id
            tenant: none
            id: {column: owner_id, prefix: OWN-}
            fields:
              name: {column: name, type: string}
            """)

    static let base: [String: MySQLValue] = [
        "thing_id": .uint(42), "label": .string("  Widget  "), "status_cd": .int(3), "kind_cd": .string("A"), "price_cents": .int(-1234),
        "active_yn": .string("Y"), "flag_bit": .bits(1), "local_at": .datetime(MySQLDateTime(year: 2024, month: 7, day: 1, hour: 14)),
        "zoned_at": .datetime(MySQLDateTime(year: 2024, month: 1, day: 1, hour: 9)), "tz": .string("Asia/Tokyo"),
        "stamp": .datetime(MySQLDateTime(year: 2024, month: 3, day: 4, hour: 5, minute: 6, second: 7, microsecond: 250_000)),
        "day": .date(MySQLDate(year: 2024, month: 2, day: 29)), "attrs": .string(#"{"color": "red", "sizes": [1, 2]}"#),
        "ratio": .double(0.5), "owner_id": .uint(7), "acct_id": .uint(1),
    ]

    static func render(_ changes: [String: MySQLValue] = [:], format: String = "json") throws -> (String, [String]) {
        let things = try #require(catalog.resources["things"])
        let planned = try ReadPlanner(catalog: catalog).planList(things, ApiRequest(limit: 10), tenants: [.uint(1)])
        let values = base.merging(changes) { $1 }
        let row = MySQLRow(
            planned.plan.columns.map { expression -> MySQLValue in
                guard case .column(let ref) = expression else { return .null }
                return values[ref.column] ?? .null
            })
        var notes: [String] = []
        if format == "csv" {
            return (String(decoding: CSVWriter.document([row], planned, embeds: [], notes: &notes), as: UTF8.self), notes)
        }
        var json = JSONWriter()
        DocumentWriter.write(row, planned.projection, embeds: [], into: &json, notes: &notes)
        return (String(decoding: json.bytes, as: UTF8.self), notes)
    }

    @Test("the writer puts commas only between siblings, at every depth, and escapes only what must be")
    func writerStructure() {
        var json = JSONWriter()
        json.beginObject()
        json.key("a")
        json.beginArray()
        for n in 0..<3 { json.int(Int64(n)) }
        json.beginArray()
        json.endArray()
        json.beginObject()
        json.key("deep")
        json.beginArray()
        json.beginArray()
        json.null()
        json.endArray()
        json.endArray()
        json.endObject()
        json.endArray()
        json.key("plain")
        json.string("Fjällräven")
        json.key("esc\"aped")
        json.string("q\"b\\n\n\u{1}")
        json.key("empty")
        json.string("")
        // Keys past the stacked fast path's length, and the empty key.
        json.key(String(repeating: "k", count: 70))
        json.int(7)
        json.key("")
        json.null()
        json.endObject()
        json.newline()
        json.beginObject()
        json.key("next")
        json.bool(true)
        json.endObject()
        let long = String(repeating: "k", count: 70)
        #expect(
            String(decoding: json.bytes, as: UTF8.self)
                == #"{"a":[0,1,2,[],{"deep":[[null]]}],"plain":"Fjällräven","esc\"aped":"q\"b\\n\n\u0001","empty":"","#
                + #""\#(long)":7,"":null}"# + "\n" + #"{"next":true}"#)
    }

    @Test("the eight-bytes-at-a-time scan finds every byte that needs escaping, at every position, and nothing else")
    func escapeScan() {
        let special: [UInt8] = [0x00, 0x01, 0x0A, 0x1F, 0x22, 0x5C]
        let harmless: [UInt8] = [0x20, 0x21, 0x23, 0x41, 0x5B, 0x5D, 0x7F, 0x80, 0xA2, 0xDC, 0xE2, 0xFF]
        for length in 1...40 {
            for position in 0..<length {
                for byte in special + harmless {
                    var text = [UInt8](repeating: 0x61, count: length)
                    text[position] = byte
                    let found = text.withUnsafeBufferPointer { JSONWriter.needsEscaping($0) }
                    #expect(found == special.contains(byte), "byte \(byte) at \(position) of \(length)")
                }
            }
        }
        #expect([UInt8]().withUnsafeBufferPointer { JSONWriter.needsEscaping($0) } == false)
    }

    @Test("integers are written in full, signs and extremes included")
    func writerIntegers() {
        var json = JSONWriter()
        json.beginArray()
        for value: Int64 in [0, 7, -7, 10, -1_000_000, .max, .min] { json.int(value) }
        for value: UInt64 in [0, 9, 10, .max] { json.uint(value) }
        json.bool(false)
        json.endArray()
        #expect(
            String(decoding: json.bytes, as: UTF8.self)
                == "[0,7,-7,10,-1000000,9223372036854775807,-9223372036854775808,0,9,10,18446744073709551615,false]")
    }

    @Test("commas stay right past 64 levels of nesting, where the writer's bit stack spills")
    func writerDeepNesting() {
        for depth in [62, 63, 64, 65, 130] {
            var json = JSONWriter()
            var expected = ""
            for _ in 0..<depth {
                json.beginArray()
                json.int(1)
                expected += "[1,"
            }
            json.int(2)
            expected += "2"
            for _ in 0..<depth {
                json.endArray()
                json.int(3)
                expected += "],3"
            }
            // The outermost level has no container: its values are the writer's top level.
            #expect(String(decoding: json.bytes, as: UTF8.self) == expected, "depth \(depth)")
        }
    }

    @Test("every conversion renders as mapped")
    func conversions() throws {
        let (json, notes) = try Self.render()
        #expect(
            json
                == #"{"id":"THG-00042","label":"Widget","status":"shipped","kind":"alpha","price":{"amount":"-12.34","minor":-1234},"active":true,"flag":true,"local_at":"2024-07-01T12:00:00Z","zoned_at":"2024-01-01T00:00:00Z","stamp":"2024-03-04T05:06:07.25Z","day":"2024-02-29","attrs":{"color": "red", "sizes": [1, 2]},"ratio":0.5,"owner_id":"OWN-7"}"#
        )
        #expect(notes.isEmpty)
    }

    @Test("undocumented codes become the declared value, and are noted for the log")
    func unknownCodes() throws {
        let (json, notes) = try Self.render(["status_cd": .int(5), "kind_cd": .string("Z")])
        #expect(json.contains(#""status":"unknown""#))
        #expect(json.contains(#""kind":null"#))
        #expect(notes.count == 2)
    }

    @Test("zero dates and NULLs are null; invalid stored JSON is null and noted")
    func nulls() throws {
        let (json, notes) = try Self.render(["local_at": .zeroDate, "day": .null, "attrs": .string("{color: red"), "ratio": .double(.nan)])
        #expect(json.contains(#""local_at":null"#) && json.contains(#""day":null"#) && json.contains(#""attrs":null"#))
        #expect(json.contains(#""ratio":null"#))
        #expect(notes == ["field attrs: stored JSON is not valid"])
    }

    @Test("an unknown zone name in the data gives null, not a made-up time")
    func unknownZone() throws {
        let (json, notes) = try Self.render(["tz": .string("Mars/Olympus")])
        #expect(json.contains(#""zoned_at":null"#))
        #expect(notes.count == 1)
    }

    @Test("a local time in the autumn DST overlap resolves to one instant")
    func daylightSaving() throws {
        // 2024-10-27 02:30 happens twice in Berlin; the earlier (CEST, UTC+2) is chosen.
        let (json, _) = try Self.render(["local_at": .datetime(MySQLDateTime(year: 2024, month: 10, day: 27, hour: 2, minute: 30))])
        #expect(json.contains(#""local_at":"2024-10-27T00:30:00Z""#) || json.contains(#""local_at":"2024-10-27T01:30:00Z""#))
    }

    @Test("strings are escaped per RFC 8259")
    func escaping() throws {
        let (json, _) = try Self.render(["label": .string("a\"b\\c\nd\u{01}é🛒")])
        #expect(json.contains(#""label":"a\"b\\c\nd\u0001é🛒""#))
    }

    @Test("CSV: dotted headers, RFC 4180 quoting, spreadsheet formulas defused, negative numbers untouched")
    func csv() throws {
        let (csv, _) = try Self.render(["label": .string("=HYPERLINK(\"x\"), ok")], format: "csv")
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines[0] == "id,label,status,kind,price.amount,price.minor,active,flag,local_at,zoned_at,stamp,day,attrs,ratio,owner_id")
        #expect(lines[1].hasPrefix(#"THG-00042,"'=HYPERLINK(""x""), ok",shipped,alpha,-12.34,-1234,true,true,"#))
        #expect(lines[1].contains(#""{""color"": ""red"", ""sizes"": [1, 2]}""#))
    }

    /// A `parents` resource (ids `PAR-n`) whose one field is `field`.
    static func parents(field: String) -> CatalogCompiler.Source {
        CatalogCompiler.Source(
            path: "v1/parents.yaml",
            text: """
                scope: things:read
                table: parents
                key: pid
                tenant: {column: acct_id}
                id: {column: pid, prefix: PAR-}
                fields:
                  \(field)
                """)
    }

    @Test("a joined to-one embed is an object read from the row itself, null when the join found no row")
    func joinedEmbed() throws {
        let parents = Self.parents(field: "owner: {embed: owners, on: {owner_id: owner_id}}")
        let catalog = try #require(CatalogCompiler.compile(version: "v1", sources: [parents, Self.owners]).catalogs["v1"])
        let planned = try ReadPlanner(catalog: catalog).planList(
            try #require(catalog.resources["parents"]), ApiRequest(limit: 10), tenants: [.uint(1)])
        #expect(planned.embeds.isEmpty)
        func row(_ values: [ColumnRef: MySQLValue]) -> MySQLRow {
            MySQLRow(
                planned.plan.columns.map { expression in
                    guard case .column(let ref) = expression else { return .null }
                    return values[ref] ?? .null
                })
        }
        let found = row([
            ColumnRef("t", "pid"): .uint(5), ColumnRef("t", "owner_id"): .uint(7),
            ColumnRef("e_owner", "owner_id"): .uint(7), ColumnRef("e_owner", "name"): .string("Ada"),
        ])
        // The parent names an owner, but the join found none (another tenant's, hidden, or gone).
        let missing = row([ColumnRef("t", "pid"): .uint(6), ColumnRef("t", "owner_id"): .uint(8)])
        var json = JSONWriter()
        var notes: [String] = []
        for document in [found, missing] { DocumentWriter.write(document, planned.projection, embeds: [], into: &json, notes: &notes) }
        #expect(String(decoding: json.bytes, as: UTF8.self) == #"{"id":"PAR-5","owner":{"id":"OWN-7","name":"Ada"}},{"id":"PAR-6","owner":null}"#)
        let csv = String(decoding: CSVWriter.document([found, missing], planned, embeds: [], notes: &notes), as: UTF8.self)
        #expect(csv == "id,owner.id,owner.name\r\nPAR-5,OWN-7,Ada\r\nPAR-6,,\r\n")
    }

    @Test(
        "trim removes leading and trailing spaces, tabs and line breaks, and nothing inside",
        arguments: [
            ("  Widget  ", "Widget"), ("\tGrüße\r\n", "Grüße"), ("a  b", "a  b"), (" \r\n\t ", ""), ("", ""),
            ("kein Leerzeichen", "kein Leerzeichen"), ("\u{00A0}nbsp\u{00A0}", "\u{00A0}nbsp\u{00A0}"), ("x\n", "x"), ("🛒 ", "🛒"),
        ])
    func trim(_ stored: String, _ trimmed: String) {
        #expect(stored.trimmingBlanks == trimmed)
    }

    @Test("a to-many embed's rows go to their parents in the child query's order, whether they come in runs or not")
    func manyEmbedGroups() throws {
        let parents = Self.parents(field: "kids: {embed: kids, many: true, on: {pid: pid}, order: [pos]}")
        let kids = CatalogCompiler.Source(
            path: "v1/kids.yaml",
            text: """
                scope: things:read
                endpoint: false
                table: kids
                key: kid
                tenant: {column: acct_id}
                fields:
                  name: {column: name, type: string}
                """)
        let catalog = try #require(CatalogCompiler.compile(version: "v1", sources: [parents, kids]).catalogs["v1"])
        let planned = try ReadPlanner(catalog: catalog).planList(
            try #require(catalog.resources["parents"]), ApiRequest(limit: 10), tenants: [.uint(1)])
        let embed = try #require(planned.embeds.first)
        func parent(_ pid: UInt64) -> MySQLRow {
            MySQLRow(planned.plan.columns.map { $0 == .column(ColumnRef("t", "pid")) ? .uint(pid) : .null })
        }
        func kid(_ pid: UInt64, _ name: String) -> MySQLRow {
            MySQLRow(
                embed.child.columns.map { column in
                    switch column {
                    case .column(ColumnRef("t", "pid")): .uint(pid)
                    case .column(ColumnRef("t", "name")): .string(name)
                    default: .null
                    }
                })
        }
        func documents(_ children: [MySQLRow]) -> String {
            var json = JSONWriter()
            var notes: [String] = []
            let rows = EmbedRows(embed: embed, rows: children)
            for pid in [3, 1, 2, 9] as [UInt64] { DocumentWriter.write(parent(pid), planned.projection, embeds: [rows], into: &json, notes: &notes) }
            return String(decoding: json.bytes, as: UTF8.self)
        }
        let expected =
            #"{"id":"PAR-3","kids":[{"name":"c1"}]},{"id":"PAR-1","kids":[{"name":"a1"},{"name":"a2"}]},"#
            + #"{"id":"PAR-2","kids":[{"name":"b1"},{"name":"b2"},{"name":"b3"}]},{"id":"PAR-9","kids":[]}"#
        // As the child statement returns them: in runs by parent.
        #expect(documents([kid(1, "a1"), kid(1, "a2"), kid(2, "b1"), kid(2, "b2"), kid(2, "b3"), kid(3, "c1")]) == expected)
        // A parent's rows in two runs: still all of them, in order.
        #expect(documents([kid(2, "b1"), kid(1, "a1"), kid(2, "b2"), kid(3, "c1"), kid(1, "a2"), kid(2, "b3")]) == expected)
        #expect(documents([]) == #"{"id":"PAR-3","kids":[]},{"id":"PAR-1","kids":[]},{"id":"PAR-2","kids":[]},{"id":"PAR-9","kids":[]}"#)
        // The child statement's IN list: each parent's key once, in page order, never a null.
        let page = [parent(3), parent(1), MySQLRow(planned.plan.columns.map { _ in .null }), parent(2), parent(1)]
        #expect(embed.parentKeys(page) == [[.uint(3)], [.uint(1)], [.uint(2)]])
    }
}

@Suite("JSON validation")
struct JSONValidationTests {
    @Test(
        "valid and invalid stored JSON",
        arguments: [
            (#"{"a": [1, 2.5e3, -0, true, false, null, "x\u00e9\n"]}"#, true),
            (#"{}"#, true), (#"{"a":{"b":{}}}"#, true), ("  {\"a\" : 1 }  ", true),
            (#"{color: red"#, false), (#"{"a": 01}"#, false), (#"{"a": 1,}"#, false), (#"{"a" 1}"#, false),
            (#"[1, 2]"#, false), (#""text""#, false), ("", false), (#"{"a": "\x"}"#, false), (#"{"a": 1} {"#, false),
        ])
    func validate(_ text: String, _ valid: Bool) throws {
        let things = try #require(ShapingTests.catalog.resources["things"])
        let planned = try ReadPlanner(catalog: ShapingTests.catalog).planList(things, ApiRequest(limit: 1), tenants: [.uint(1)])
        let index = planned.plan.columns.firstIndex(of: .column(ColumnRef("t", "attrs")))!
        var cells = Array(repeating: MySQLValue.null, count: planned.plan.columns.count)
        cells[index] = .string(text)
        var json = JSONWriter()
        var notes: [String] = []
        DocumentWriter.write(MySQLRow(cells), planned.projection, embeds: [], into: &json, notes: &notes)
        let rendered = String(decoding: json.bytes, as: UTF8.self)
        #expect(rendered.contains(#""attrs":null"#) != valid, "\(rendered)")
    }
}

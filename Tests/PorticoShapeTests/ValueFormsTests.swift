import PorticoCatalog
import PorticoQuery
import PorticoValues
import Testing

@testable import PorticoShape

/// The renderings a contract written elsewhere asks for (issue 23): time forms, integer and
/// base-36 ids, constants, text transforms, key–value objects, decimal forms, numbers.
@Suite("Value forms a contract may ask for")
struct ValueFormsTests {
    static let catalog: Catalog = {
        let depots = CatalogCompiler.Source(
            path: "v1/depots.yaml",
            text: """
                scope: depots:read
                table: depots
                key: depot_id
                tenant: {column: acct_id}
                id: {column: depot_id, type: integer}
                fields:
                  object: {const: depot}
                  livemode: {const: false}
                  tags: {const: [a, 1, {deep: null}]}
                  ratio_const: {const: 1.25}
                  created: {column: created_at, type: datetime, time: epoch_seconds}
                  created_ms: {column: created_at, type: datetime, time: epoch_milliseconds}
                  fixed: {column: created_at, type: datetime, time: {fraction: 3}}
                  offset: {column: created_at, type: datetime, time: {fraction: 0, offset: "+00:00"}}
                  due: {column: due_day, type: datetime, zone: Europe/Berlin, time: epoch_seconds}
                  currency: {column: currency, type: string, transform: [trim, lower]}
                  note: {column: note, type: string, transform: [trim, blank_to_null], nullable: true}
                  attributes: {column: attrs, type: object, pairs: {separator: ";", assign: "="}}
                  weight: {column: weight, type: number, fraction_digits: 2}
                  rate: {column: rate, type: decimal, trailing_zeros: false}
                  amount: {column: amount_cents, type: number, scale: 2}
                  units: {column: units, type: integer, nullable: true}
                  owner: {column: owner_id, type: string, id_of: owners}
                """)
        let owners = CatalogCompiler.Source(
            path: "v1/owners.yaml",
            text: """
                scope: depots:read
                table: owners
                key: owner_id
                tenant: none
                id: {column: owner_id, prefix: own_, encoding: base36}
                fields:
                  name: {column: name, type: string}
                """)
        let result = CatalogCompiler.compile(version: "v1", sources: [depots, owners])
        precondition(result.diagnostics.isEmpty, "\(result.diagnostics)")
        return result.catalogs["v1"]!
    }()

    static let base: [String: MySQLValue] = [
        "depot_id": .uint(17), "acct_id": .uint(1),
        "created_at": .datetime(MySQLDateTime(year: 2024, month: 7, day: 1, hour: 12, minute: 0, second: 5, microsecond: 123_456)),
        "due_day": .date(MySQLDate(year: 2024, month: 7, day: 1)), "currency": .string(" EUR "), "note": .string(" \t "),
        "attrs": .string("color=red;;size=XL;broken;=nokey;color=blue;empty="), "weight": .decimal("12.345"), "rate": .decimal("0.0500"),
        "amount_cents": .int(-1250), "units": .decimal("12.000"), "owner_id": .uint(1295),
    ]

    static func render(_ changes: [String: MySQLValue] = [:], csv: Bool = false) throws -> (String, [String]) {
        let depots = try #require(catalog.resources["depots"])
        let planned = try ReadPlanner(catalog: catalog).planList(depots, ApiRequest(limit: 10), tenants: [.uint(1)])
        let values = base.merging(changes) { $1 }
        let row = MySQLRow(
            planned.plan.columns.map { expression -> MySQLValue in
                guard case .column(let ref) = expression else { return .null }
                return values[ref.column] ?? .null
            })
        var notes: [String] = []
        if csv { return (String(decoding: CSVWriter.document([row], planned, embeds: [], notes: &notes), as: UTF8.self), notes) }
        var json = JSONWriter()
        DocumentWriter.write(row, planned.projection, embeds: [], into: &json, notes: &notes)
        return (String(decoding: json.bytes, as: UTF8.self), notes)
    }

    @Test("each form renders exactly as declared, and data problems are noted, not fatal")
    func forms() throws {
        let (json, notes) = try Self.render()
        #expect(
            json
                == #"{"id":17,"object":"depot","livemode":false,"tags":["a",1,{"deep":null}],"ratio_const":1.25,"created":1719835205,"created_ms":1719835205123,"fixed":"2024-07-01T12:00:05.123Z","offset":"2024-07-01T12:00:05+00:00","due":1719784800,"currency":"eur","note":null,"attributes":{"color":"red","size":"XL","empty":""},"weight":12.35,"rate":"0.05","amount":-12.50,"units":12,"owner":"own_zz"}"#
        )
        #expect(notes == ["field attributes: 3 malformed or repeated pair(s) skipped"])
    }

    @Test("a DECIMAL read as an integer is null when it has a fraction; a whole trailing-zero rate loses its point")
    func fractions() throws {
        let (json, notes) = try Self.render(["units": .decimal("12.5"), "rate": .decimal("3.000"), "weight": .decimal("-0.001")])
        #expect(json.contains(#""units":null"#))
        #expect(json.contains(#""rate":"3""#))
        #expect(json.contains(#""weight":0.00"#))
        #expect(notes.contains("field units: 12.5 is not a whole number"))
    }

    @Test("CSV cells carry the same values: epochs as digits, constants as text, an integer id as its number")
    func csv() throws {
        let (csv, _) = try Self.render(csv: true)
        let lines = csv.split(separator: "\r\n")
        #expect(lines.first?.hasPrefix("id,object,livemode,tags,ratio_const,created,created_ms,fixed,offset,due,currency") == true)
        #expect(lines.dropFirst().first?.hasPrefix(#"17,depot,false,"[""a"",1,{""deep"":null}]",1.25,1719835205,1719835205123,"#) == true)
    }

    @Test("decimal forms: rounding half away from zero with carries, padding, trailing zeros, signs")
    func decimalForm() {
        let cases: [(String, Int?, Bool, String)] = [
            ("12.345", 2, true, "12.35"), ("-12.345", 2, true, "-12.35"), ("9.995", 2, true, "10.00"), ("99.5", 0, true, "100"),
            ("12.5", 3, true, "12.500"), ("12.50", nil, false, "12.5"), ("12.00", nil, false, "12"), ("-0.004", 2, true, "0.00"),
            ("7", 2, true, "7.00"), ("1.2e3", 2, true, "1.2e3"), ("0.0500", 3, false, "0.05"),
        ]
        for (text, fraction, zeros, expected) in cases {
            #expect(DecimalForm.format(text, fraction: fraction, trailingZeros: zeros) == expected, "\(text)")
        }
        #expect(DecimalForm.whole("-12.000") == "-12")
        #expect(DecimalForm.whole("-0.0") == "0")
        #expect(DecimalForm.whole("12.01") == nil)
        #expect(DecimalForm.whole("x") == nil)
    }
}

import Foundation
import PorticoCatalog
import PorticoQuery
import PorticoValues
import Testing

@testable import PorticoShape

/// CSV profiles without a database: each dialect setting changes exactly what it says.
@Suite("CSV profiles")
struct CSVProfileTests {
    static let mapping = """
        scope: things:read
        table: things
        key: thing_id
        tenant: {column: acct_id}
        id: {column: thing_id, prefix: THG-, pad: 5}
        fields:
          label: {column: label, type: string}
          phone: {column: phone, type: string, nullable: true}
          price: {column: price_cents, type: decimal, scale: 2}
          active: {column: active_yn, type: boolean, true_values: [Y]}
          local_at: {column: local_at, type: datetime, zone: Europe/Berlin}
          day: {column: day, type: date, nullable: true}
          note: {column: note, type: string, nullable: true}
        csv:
          filename: "things_{date}_{profile}.{format}"
          profiles:
            excel_de:
              delimiter: ";"
              quoting: all
              line_ending: lf
              encoding: utf-8-bom
              datetime: dd.MM.yyyy HH:mm:ss
              date: d.M.yy
              decimal_separator: ","
              true: J
              false: N
              null: NULL
              columns:
                - {header: Nummer, field: id}
                - {header: "Bezeichnung; lang", field: label}
                - {header: Telefon, field: phone, formula_guard: false}
                - {header: Preis, field: price}
                - {header: Aktiv, field: active}
                - {header: Zeit, field: local_at}
                - {header: Tag, field: day}
                - {header: Code, column: status_cd, type: integer}
            cp1252:
              encoding: windows-1252
              replacement: "~"
              header: false
              zone: local
              columns: [label, note, local_at]
            lenient:
              delimiter: tab
              formula_guard: false
        """

    static let catalog: Catalog = {
        let compiled = CatalogCompiler.compile(version: "v1", sources: [CatalogCompiler.Source(path: "v1/things.yaml", text: mapping)])
        return compiled.catalogs["v1"]!
    }()

    static let base: [String: MySQLValue] = [
        "thing_id": .uint(42), "label": .string("=HYPERLINK(\"x\")"), "phone": .string("+49 30 1123673"), "price_cents": .int(-1234),
        "active_yn": .string("Y"), "local_at": .datetime(MySQLDateTime(year: 2024, month: 7, day: 1, hour: 14, minute: 5, second: 9)),
        "day": .date(MySQLDate(year: 2024, month: 2, day: 9)), "note": .null, "status_cd": .int(3), "acct_id": .uint(1),
    ]

    static func render(
        _ profile: String?, header: Bool? = nil, fields: Set<String>? = nil, _ changes: [String: MySQLValue] = [:]
    ) throws
        -> (bytes: [UInt8], notes: [String])
    {
        let things = try #require(catalog.resources["things"])
        var request = ApiRequest(limit: 10)
        request.csvProfile = profile
        request.fields = fields
        let planned = try ReadPlanner(catalog: catalog).planList(things, request, tenants: [.uint(1)])
        let values = base.merging(changes) { $1 }
        let row = MySQLRow(
            planned.plan.columns.map { expression -> MySQLValue in
                guard case .column(let ref) = expression else { return .null }
                return values[ref.column] ?? .null
            })
        let chosen = profile.flatMap(things.csv.profile(named:)) ?? .standard
        let layout = try CSVLayout.make(chosen, planned, header: header).get()
        var notes: [String] = []
        return (CSVWriter.document([row], layout, embeds: [], notes: &notes), notes)
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("the standard CSV is what it always was: commas, CRLF, dotted names, guarded text, API forms")
    func standard() throws {
        let (bytes, _) = try Self.render(nil)
        #expect(
            Self.text(bytes)
                == "id,label,phone,price,active,local_at,day,note\r\n"
                + "THG-00042,\"'=HYPERLINK(\"\"x\"\")\",'+49 30 1123673,-12.34,true,2024-07-01T12:05:09Z,2024-02-09,\r\n")
    }

    @Test("a profile sets the delimiter, quoting, line end, BOM, headers, patterns, decimals, booleans, NULL and the guard per column")
    func dialect() throws {
        let (bytes, _) = try Self.render("excel_de", ["day": .null])
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(
            Self.text(Array(bytes.dropFirst(3)))
                == "\"Nummer\";\"Bezeichnung; lang\";\"Telefon\";\"Preis\";\"Aktiv\";\"Zeit\";\"Tag\";\"Code\"\n"
                + "\"THG-00042\";\"'=HYPERLINK(\"\"x\"\")\";\"+49 30 1123673\";\"-12,34\";\"J\";\"01.07.2024 12:05:09\";\"NULL\";\"3\"\n")
        let (dated, _) = try Self.render("excel_de")
        #expect(Self.text(dated).contains(";\"9.2.24\";"))
    }

    @Test("the media type's header=absent drops the header row; header=present keeps it even where the profile has none")
    func headerRow() throws {
        let (without, _) = try Self.render("excel_de", header: false)
        #expect(Self.text(Array(without.dropFirst(3))).hasPrefix("\"THG-00042\""))
        #expect(Array(without.prefix(3)) == [0xEF, 0xBB, 0xBF], "the BOM still comes first")
        let (standardWithout, _) = try Self.render(nil, header: false)
        #expect(Self.text(standardWithout).hasPrefix("THG-00042,"))
        let (forced, _) = try Self.render("cp1252", header: true)
        #expect(Self.text(forced).hasPrefix("label,note,local_at\r\n"))
    }

    @Test("Windows-1252: € and ä are one byte each, what it cannot hold is the replacement (and noted); zone local writes the stored wall clock")
    func windows1252() throws {
        let (bytes, notes) = try Self.render("cp1252", ["label": .string("Bäcker €5 漢字"), "note": .string("ok")])
        #expect(bytes == Array("B".utf8) + [0xE4] + Array("cker ".utf8) + [0x80] + Array("5 ~~,ok,2024-07-01T14:05:09\r\n".utf8))
        #expect(notes.contains { $0.contains("windows-1252 cannot hold") })
        let (clean, cleanNotes) = try Self.render("cp1252", ["label": .string("Straße"), "note": .string("x")])
        #expect(clean == Array("Stra".utf8) + [0xDF] + Array("e,x,2024-07-01T14:05:09\r\n".utf8))
        #expect(cleanNotes.isEmpty)
    }

    @Test("formula_guard: false on the profile leaves every cell as stored; tab delimits")
    func guardOff() throws {
        let (bytes, _) = try Self.render("lenient")
        #expect(Self.text(bytes).contains("\n" + "THG-00042\t\"=HYPERLINK(\"\"x\"\")\"\t+49 30 1123673\t-12.34\ttrue\t"))
    }

    @Test("a profile column the request leaves out (fields=) cannot be written")
    func missingColumn() throws {
        let things = try #require(Self.catalog.resources["things"])
        var request = ApiRequest(limit: 10)
        request.csvProfile = "excel_de"
        request.fields = ["label"]
        let planned = try ReadPlanner(catalog: Self.catalog).planList(things, request, tenants: [.uint(1)])
        let profile = try #require(things.csv.profile(named: "excel_de"))
        guard case .failure(let missing) = CSVLayout.make(profile, planned) else {
            Issue.record("a layout was made without the phone column")
            return
        }
        #expect(missing.field == "phone")
    }

    @Test("patterns: every letter, quoted text, and letters that are not allowed")
    func patterns() throws {
        let time = MySQLDateTime(year: 2024, month: 3, day: 4, hour: 5, minute: 6, second: 7, microsecond: 123_456)
        let full = try DateTimePattern.parse("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").get()
        #expect(full.format(time) == "2024-03-04T05:06:07.123456")
        let short = try DateTimePattern.parse("d.M.yy H:m:s,SSS 'Uhr' ''").get()
        #expect(short.format(time) == "4.3.24 5:6:7,123 Uhr '")
        #expect(try DateTimePattern.parse("yyyyMMdd").get().format(time) == "20240304")
        for bad in ["YYYY", "hh:mm", "yyy", "dd 'open", ""] {
            guard case .failure = DateTimePattern.parse(bad) else {
                Issue.record("'\(bad)' was accepted")
                continue
            }
        }
    }

    @Test("a version's profiles and file name apply to every resource that does not declare its own of the same name; they take no columns")
    func versionProfiles() throws {
        let version = CatalogCompiler.Source(
            path: "v1/_version.yaml",
            text: "csv:\n  filename: \"{version}-{resource}.{format}\"\n  profiles:\n    excel: {delimiter: \";\"}\n    lenient: {delimiter: \"|\"}\n"
        )
        let result = CatalogCompiler.compile(version: "v1", sources: [version, .init(path: "v1/things.yaml", text: Self.mapping)])
        let things = try #require(result.catalogs["v1"]?.resources["things"], "\(result.diagnostics)")
        #expect(things.csv.profiles.map(\.name) == ["excel_de", "cp1252", "lenient", "excel"])
        #expect(things.csv.profile(named: "lenient")?.delimiter == 0x09, "the resource's own lenient wins")
        #expect(things.csv.profile(named: "excel")?.delimiter == 0x3B)
        #expect(things.csv.filename?.text == "things_{date}_{profile}.{format}")
        let plain = Self.mapping.components(separatedBy: "csv:")[0]
        let other = CatalogCompiler.compile(version: "v1", sources: [version, .init(path: "v1/things.yaml", text: plain)])
        let inherited = try #require(other.catalogs["v1"]?.resources["things"])
        #expect(inherited.csv.profiles.map(\.name) == ["excel", "lenient"])
        #expect(inherited.csv.filename?.render(["version": "v1", "resource": "things", "format": "csv"]) == "v1-things.csv")
        let withColumns = CatalogCompiler.Source(path: "v1/_version.yaml", text: "csv:\n  profiles:\n    excel:\n      columns: [id]\n")
        let refused = CatalogCompiler.compile(version: "v1", sources: [withColumns, .init(path: "v1/things.yaml", text: plain)])
        #expect(
            refused.diagnostics.map(\.description).contains { $0.hasPrefix("v1/_version.yaml:4:7: error: a version's CSV profile has no 'columns'") })
    }

    @Test("file name templates: placeholders filled and reduced to safe characters; unknown ones refused")
    func filenames() throws {
        let things = try #require(Self.catalog.resources["things"])
        let template = try #require(things.csv.filename)
        #expect(
            template.render(["resource": "things", "date": "2026-12-03", "profile": "excel_de", "format": "csv"])
                == "things_2026-12-03_excel_de.csv")
        #expect(FilenameTemplate.standard.render(["resource": "a/b", "date": "d", "format": "ndjson"]) == "a_b-d.ndjson")
        #expect(FilenameTemplate.parse("{resource}-{when}.csv") == .failure(.unknown("when")))
        #expect(FilenameTemplate.parse("x\"y") == .failure(.character("\"")))
    }
}

import PorticoCatalog
import PorticoQuery
import PorticoValues
import Testing

@testable import PorticoShape

/// Natural and composite ids through the planner and the writers: every key column bound, the
/// id written from all its columns in JSON and CSV.
@Suite("Natural and composite ids, planned and written")
struct KeyIDShapeTests {
    static let catalog: Catalog = {
        let result = CatalogCompiler.compile(
            version: "v1",
            sources: [
                .init(
                    path: "v1/lines.yaml",
                    text: """
                        scope: jobs:read
                        table: job_lines
                        key: [job_no, line_no]
                        tenant: {column: acct}
                        id: {columns: [job_no, line_no], prefix: WO-, separator: -L}
                        fields:
                          part: {column: part_code, type: string, id_of: parts}
                        keyset: [job_no, line_no]
                        """),
                .init(
                    path: "v1/parts.yaml",
                    text: """
                        scope: jobs:read
                        table: parts
                        key: code
                        tenant: {column: acct}
                        id: {column: code, encoding: text}
                        fields:
                          name: {column: name, type: string}
                        """),
            ])
        precondition(result.diagnostics.isEmpty, "\(result.diagnostics)")
        return result.catalogs["v1"]!
    }()

    @Test("a composite key's item read binds each column; the id and a natural-key reference are written in JSON and CSV")
    func composite() throws {
        let lines = try #require(Self.catalog.resources["lines"])
        let key = try #require(lines.id?.key("WO-10-L2"))
        let planned = try #require(ReadPlanner(catalog: Self.catalog).planItem(lines, key: key, ApiRequest(limit: 1), tenants: [.uint(1)]))
        let query = SQLRenderer.render(planned.plan)
        #expect(query.text.hasSuffix("WHERE `t`.`acct` IN (?) AND `t`.`job_no` = ? AND `t`.`line_no` = ? LIMIT ?"), "\(query.text)")
        #expect(query.binds == [.uint(1), .uint(10), .uint(2), .int(1)])
        let values: [String: MySQLValue] = ["job_no": .uint(10), "line_no": .int(2), "part_code": .string("=SUM(A1)")]
        let row = MySQLRow(
            planned.plan.columns.map { expression -> MySQLValue in
                guard case .column(let ref) = expression else { return .null }
                return values[ref.column] ?? .null
            })
        var json = JSONWriter()
        var notes: [String] = []
        DocumentWriter.write(row, planned.projection, embeds: [], into: &json, notes: &notes)
        #expect(String(decoding: json.bytes, as: UTF8.self) == #"{"id":"WO-10-L2","part":"=SUM(A1)"}"#)
        let csv = String(decoding: CSVWriter.document([row], planned, embeds: [], notes: &notes), as: UTF8.self)
        #expect(csv.contains("WO-10-L2,'=SUM(A1)"), "a natural key is text the product wrote, defused in CSV: \(csv)")
    }

    @Test("a natural key's item read binds its text")
    func natural() throws {
        let parts = try #require(Self.catalog.resources["parts"])
        let key = try #require(parts.id?.key("VLV.3/4"))
        let planned = try #require(ReadPlanner(catalog: Self.catalog).planItem(parts, key: key, ApiRequest(limit: 1), tenants: [.uint(1)]))
        let query = SQLRenderer.render(planned.plan)
        #expect(query.text.contains("`t`.`code` = ?"))
        #expect(query.binds.contains(.string("VLV.3/4")))
    }
}

import PorticoCatalog
import PorticoValues
import Testing

/// Public ids beyond one number (issue 23): a natural key shown as its own text, and a
/// composite key's parts joined by a separator, each parsed back exactly.
@Suite("Natural and composite public ids")
struct KeyIDTests {
    static let line = PublicID(columns: ["job_no", "line_no"], separator: "-L", prefix: "WO-")
    static let code = PublicID(column: "part_code", encoding: .text)

    @Test("a composite id joins the parts' digits with its separator and parses back to one value per column")
    func composite() {
        #expect(Self.line.format([.uint(10), .int(2)]) == "WO-10-L2")
        #expect(Self.line.key("WO-10-L2") == [.uint(10), .uint(2)])
        #expect(Self.line.key("WO-0-L0") == [.uint(0), .uint(0)])
        #expect(Self.line.key("WO-18446744073709551615-L1") == [.uint(UInt64.max), .uint(1)])
        for text in [
            "WO-10-L02", "WO-010-L2", "WO-10L2", "WO-10-L", "WO--L2", "WO-10-L2-L1", "WO-10", "wo-10-L2", "WO-10-l2", "WO-+1-L2",
            "WO-18446744073709551616-L1", "WO-10-L 2", "WO-1a-L2",
        ] {
            #expect(Self.line.key(text) == nil, "\(text)")
        }
        #expect(Self.line.format([.uint(10), .null]) == nil, "a NULL part has no id")
        #expect(Self.line.format([.uint(10)]) == nil)
        #expect(Self.line.parse("WO-10-L2") == nil, "not one number")
        let base36 = PublicID(columns: ["a", "b"], separator: "_", prefix: "il_", encoding: .base36)
        #expect(base36.format([.uint(1295), .uint(36)]) == "il_zz_10")
        #expect(base36.key("il_zz_10") == [.uint(1295), .uint(36)])
        #expect(base36.key("il_ZZ_10") == nil)
    }

    @Test("a natural key is its text after the prefix: anything but nothing or control characters, at most 255 bytes")
    func natural() {
        #expect(Self.code.format([.string("VLV.3/4")]) == "VLV.3/4")
        #expect(Self.code.key("VLV.3/4") == [.string("VLV.3/4")])
        #expect(Self.code.key("Ünïcode €") == [.string("Ünïcode €")])
        #expect(Self.code.key("") == nil)
        #expect(Self.code.key("a\u{0}b") == nil)
        #expect(Self.code.key("a\nb") == nil)
        #expect(Self.code.key(String(repeating: "x", count: 255)) != nil)
        #expect(Self.code.key(String(repeating: "x", count: 256)) == nil)
        #expect(Self.code.format([.uint(5)]) == nil, "a number is not a text key")
        let prefixed = PublicID(column: "sku", prefix: "sku_", encoding: .text)
        #expect(prefixed.format([.string("A-1")]) == "sku_A-1")
        #expect(prefixed.key("sku_A-1") == [.string("A-1")])
        #expect(prefixed.key("sku_") == nil)
        #expect(prefixed.key("A-1") == nil)
    }

    static func diagnostics(_ sources: [String: String]) -> [String] {
        let result = CatalogCompiler.compile(
            version: "v1", sources: sources.sorted { $0.key < $1.key }.map { .init(path: "v1/\($0.key).yaml", text: $0.value) })
        return result.diagnostics.map(\.message)
    }

    static let lines = """
        scope: jobs:read
        table: job_lines
        key: [job_no, line_no]
        tenant: {column: acct}
        id: {columns: [job_no, line_no], prefix: WO-, separator: -L}
        fields:
          qty: {column: qty, type: integer}
        """

    @Test("what one column cannot hold is refused: id_of a composite id, an expandable composite reference, a parent that is not one number")
    func crossResource() {
        #expect(Self.diagnostics(["lines": Self.lines]).isEmpty)
        let usesLines = """
            scope: jobs:read
            table: notes
            key: note_no
            tenant: {column: acct}
            id: {column: note_no, prefix: N-}
            fields:
              line: {column: line_ref, type: string, id_of: lines}
            """
        #expect(
            Self.diagnostics(["lines": Self.lines, "notes": usesLines]) == [
                "field 'line' formats ids of 'lines', whose id joins several key columns; one column cannot hold it (embed 'lines' with fields: [id] instead)"
            ])
        let expands = """
            scope: jobs:read
            table: notes
            key: note_no
            tenant: {column: acct}
            id: {column: note_no, prefix: N-}
            fields:
              line: {embed: lines, on: {job_no: job_no}, expandable: true}
            """
        #expect(
            Self.diagnostics(["lines": Self.lines, "notes": expands]) == [
                "field 'line' is expandable, but 'lines''s id joins several key columns, which one column cannot show"
            ])
        let parts = """
            scope: jobs:read
            table: parts
            key: code
            tenant: {column: acct}
            id: {column: code, encoding: text}
            fields:
              name: {column: name, type: string}
            """
        let under = """
            scope: jobs:read
            table: stock
            key: stock_no
            tenant: {column: acct}
            id: {column: stock_no, prefix: S-}
            parent: {resource: parts, on: {code: code}}
            path: stock
            fields:
              qty: {column: qty, type: integer}
            """
        #expect(
            Self.diagnostics(["parts": parts, "stock": under]) == [
                "'parent' 'parts' has a text id; a sub-collection hangs under a parent whose id is one number"
            ])
    }
}

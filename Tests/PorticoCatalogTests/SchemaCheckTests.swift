import PorticoCatalog
import Testing

/// `portico check --database`'s comparison, against a product schema built in memory.
@Suite("Schema check (no database)")
struct SchemaCheckTests {
    static func column(_ name: String, _ type: String, nullable: Bool = false) -> ProductSchema.Column {
        let dataType = String(type.prefix { $0.isLetter })
        return ProductSchema.Column(
            name: name, dataType: dataType, columnType: type, isNullable: nullable, defaultValue: nil, isPrimaryKey: name == "thing_id")
    }

    static let schema = ProductSchema(
        name: "legacy",
        tables: [
            "things": .init(
                name: "things",
                columns: [
                    column("thing_id", "int(11)"), column("acct_id", "int(11)"), column("summary", "text"),
                    column("flag", "tinyint(1)"), column("due_on", "date"), column("rate", "decimal(8,2)"),
                    column("paid", "decimal(8,2)", nullable: true),
                ],
                indexes: ["PRIMARY": ["thing_id"]])
        ])

    static let header = "scope: things:read\ntable: things\nkey: thing_id\ntenant: {column: acct_id}\nid: {column: thing_id}\n"

    static func check(_ files: [String: String]) -> (CatalogCompiler.Result, [String]) {
        let result = CatalogCompiler.compile(
            version: "v1", sources: files.sorted { $0.key < $1.key }.map { .init(path: "v1/\($0.key)", text: $0.value) })
        return (result, result.checkable.values.flatMap { SchemaCheck.check($0, against: schema) }.map(\.description))
    }

    @Test("a type mismatch names what the field declares: a plain boolean is not 'with true_values'")
    func booleanMessages() {
        let (_, plain) = Self.check(["things.yaml": Self.header + "fields:\n  billable: {column: summary, type: boolean}\n"])
        #expect(
            plain == [
                "v1/things.yaml:7:3: error: field 'billable' (boolean) cannot read column 'summary' of type text; it needs an integer or BIT column (or 'true_values' for text)"
            ])
        let (_, listed) = Self.check(["things.yaml": Self.header + "fields:\n  billable: {column: flag, type: boolean, true_values: [Y]}\n"])
        #expect(
            listed == [
                "v1/things.yaml:7:3: error: field 'billable' (boolean with true_values) cannot read column 'flag' of type tinyint(1); it needs a text or ENUM column"
            ])
    }

    @Test("a CSV profile's own value columns are checked against the table like fields")
    func profileColumns() {
        let profile =
            Self.header + "fields:\n  summary: {column: summary, type: string}\n"
            + "csv:\n  profiles:\n    legacy:\n      columns:\n        - {header: A, column: flag, type: integer}\n"
            + "        - {header: B, column: gone, type: string}\n"
        let (result, drift) = Self.check(["things.yaml": profile])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(drift == ["v1/things.yaml:13:11: error: column 'gone' does not exist in table 'things'"])
    }

    @Test("a file with an error does not hide the schema drift of the version's other files")
    func everyProblemInOneRun() {
        let broken =
            Self.header + "joins:\n  account: {table: accounts, onn: {acct_id: acct_id}}\nfields:\n  summary: {column: summary, type: string}\n"
        let drifted = Self.header + "fields:\n  title: {column: title, type: string}\n"
        let (result, drift) = Self.check(["a.yaml": broken, "b.yaml": drifted])
        #expect(result.catalogs.isEmpty, "a version with an error is never served")
        #expect(result.diagnostics.contains { $0.file == "v1/a.yaml" && $0.severity == .error })
        #expect(result.checkable["v1"]?.resourceNames == ["b"])
        #expect(drift == ["v1/b.yaml:7:3: error: column 'title' does not exist in table 'things'"])
    }

    @Test("contract renderings: the message names the declared form, a DATE needs a zone to be an instant, a fractional DECIMAL a nullable integer")
    func renderings() {
        let (_, epoch) = Self.check(["things.yaml": Self.header + "fields:\n  due: {column: due_on, type: datetime, time: epoch_seconds}\n"])
        #expect(
            epoch == [
                "v1/things.yaml:7:3: error: field 'due' (datetime, as epoch_seconds) cannot read column 'due_on' of type date; it needs a DATETIME or TIMESTAMP column, or 'zone' to read a DATE as its local midnight"
            ])
        let (_, zoned) = Self.check(["things.yaml": Self.header + "fields:\n  due: {column: due_on, type: datetime, zone: Europe/Berlin}\n"])
        #expect(zoned == [])
        let (_, whole) = Self.check(["things.yaml": Self.header + "fields:\n  units: {column: rate, type: integer}\n"])
        #expect(
            whole == [
                "v1/things.yaml:7:3: error: field 'units' (integer) reads DECIMAL 'rate' (decimal(8,2)), whose values with a fraction render as null: declare 'nullable: true', or type decimal"
            ])
        let (_, transformed) = Self.check(["things.yaml": Self.header + "fields:\n  code: {column: flag, type: string, transform: [lower]}\n"])
        #expect(
            transformed == [
                "v1/things.yaml:7:3: error: field 'code' (string with transform [lower]) cannot read column 'flag' of type tinyint(1); it needs a text column"
            ])
        let (_, derived) = Self.check(["things.yaml": Self.header + "fields:\n  left: {difference: [rate, paid], type: decimal}\n"])
        #expect(
            derived == [
                "v1/things.yaml:7:3: error: column 'paid' is nullable, so the difference of field 'left' can be null: declare 'nullable: true'"
            ])
        let (_, text) = Self.check(["things.yaml": Self.header + "fields:\n  left: {difference: [rate, summary], type: decimal, nullable: true}\n"])
        #expect(
            text == [
                "v1/things.yaml:7:3: error: field 'left' (decimal, the difference of rate and summary) cannot read column 'summary' of type text; it needs a numeric column"
            ])
    }

    @Test("a natural key needs a text column, a numeric or composite id integer ones")
    func keyColumns() {
        let text = "scope: things:read\ntable: things\nkey: thing_id\ntenant: {column: acct_id}\nid: {column: thing_id, encoding: text}\n"
        let (_, natural) = Self.check(["things.yaml": text + "fields:\n  summary: {column: summary, type: string}\n"])
        #expect(natural == ["v1/things.yaml:5:1: error: id column 'thing_id' is int(11); a text id (a natural key) needs a CHAR or VARCHAR key"])
        let pair =
            "scope: things:read\ntable: things\nkey: [thing_id, summary]\ntenant: {column: acct_id}\nid: {columns: [thing_id, summary], separator: -}\n"
        let (_, composite) = Self.check(["things.yaml": pair + "fields:\n  flag: {column: flag, type: integer}\n"])
        #expect(
            composite.filter { $0.contains("error") } == [
                "v1/things.yaml:5:1: error: id column 'summary' is text; decimal ids need an integer key (encoding: text shows a text key as it is)"
            ])
    }
}

import Foundation
import PorticoCatalog
import PorticoContract
import Testing

/// The generated schema states each contract value form exactly (issue 23), so a contract
/// written elsewhere can be compared with it and responses validated by it.
@Suite("Schemas of contract value forms")
struct ValueSchemaTests {
    static let catalog: Catalog = {
        let result = CatalogCompiler.compile(
            version: "v1",
            sources: [
                .init(path: "v1/_version.yaml", text: "base_path: /v1\ntime: epoch_seconds\n"),
                .init(
                    path: "v1/depots.yaml",
                    text: """
                        scope: d:read
                        table: depots
                        key: depot_id
                        tenant: {column: acct_id}
                        id: {column: depot_id, type: integer}
                        fields:
                          object: {const: depot}
                          tags: {const: [a, 1]}
                          created: {column: created_at, type: datetime}
                          fixed: {column: created_at, type: datetime, time: {fraction: 3, offset: "+00:00"}}
                          code: {column: code, type: string, transform: [trim, lower]}
                          note: {column: note, type: string, transform: [trim, blank_to_null], nullable: true}
                          attributes: {column: attrs, type: object, pairs: {separator: ";", assign: "="}}
                          rate: {column: rate, type: decimal, fraction_digits: 2}
                          lean: {column: rate, type: decimal, trailing_zeros: false}
                          amount: {column: amount_cents, type: number, scale: 2}
                          owner: {column: owner_id, type: string, id_of: owners}
                          geo:
                            null_when: any_null
                            fields:
                              lat: {column: lat, type: number, nullable: true}
                          remaining: {difference: [due_cents, paid_cents], type: number, scale: 2}
                          memo: {column: memo, type: string, only: item}
                          keeper: {embed: owners, on: {owner_id: owner_id}, expandable: true}
                        filters:
                          created: {field: created, operators: [gte], syntax: bracket}
                        """),
                .init(
                    path: "v1/owners.yaml",
                    text: """
                        scope: d:read
                        table: owners
                        key: owner_id
                        tenant: none
                        id: {column: owner_id, prefix: own_, pad: 3, encoding: base36}
                        fields:
                          name: {column: name, type: string}
                        """),
            ])
        precondition(result.diagnostics.isEmpty, "\(result.diagnostics)")
        return result.catalogs["v1"]!
    }()

    static let document = ContractDocument.build(catalog)

    static func property(_ name: String) throws -> JSONNode {
        try #require(document["components"]?["schemas"]?["depots"]?["properties"]?[name], "no property \(name)")
    }

    @Test("time forms: the version's epoch default, a field's fixed RFC 3339 with its pattern; the filter takes integers")
    func time() throws {
        #expect(try Self.property("created") == .object(["type": .string("integer"), "format": .string("unix-time")]))
        let fixed = try Self.property("fixed")
        #expect(fixed["format"] == .string("date-time"))
        #expect(fixed["pattern"] == .string(#"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}\+00:00$"#))
        let parameters = try #require(Self.document["paths"]?["/v1/depots"]?["get"]?["parameters"]?.items)
        let created = try #require(parameters.first { $0["name"] == .string("created[gte]") })
        // An integer, as Stripe writes `created[gte]`: the filter parses any Unix time in a DATETIME's range.
        #expect(created["schema"] == .object(["type": .string("integer"), "format": .string("unix-time")]))
    }

    @Test("ids: an integer id is an int64 in the document and the path; a base 36 id has its exact pattern")
    func ids() throws {
        #expect(try Self.property("id")["type"] == .string("integer"))
        let parameters = try #require(Self.document["paths"]?["/v1/depots/{id}"]?["get"]?["parameters"]?.items)
        let id = try #require(parameters.first { $0["name"] == .string("id") })
        #expect(id["schema"] == .object(["type": .string("integer"), "format": .string("int64"), "minimum": .integer(0)]))
        #expect(try Self.property("owner")["pattern"] == .string("^own_([0-9a-z]{3}|[1-9a-z][0-9a-z]{3,11})$"))
    }

    @Test("constants, transforms, pairs and decimal forms each say what they render")
    func values() throws {
        #expect(try Self.property("object") == .object(["type": .string("string"), "const": .string("depot")]))
        #expect(try Self.property("tags") == .object(["type": .string("array"), "const": .array([.string("a"), .integer(1)])]))
        #expect(try Self.property("code")["pattern"] == .string(#"^([^ \t\n\rA-Z]([^A-Z]*[^ \t\n\rA-Z])?)?$"#))
        let note = try Self.property("note")
        #expect(note["pattern"] == .string(#"^[^ \t\n\r]([\s\S]*[^ \t\n\r])?$"#))
        #expect(note["type"] == .array([.string("string"), .string("null")]))
        #expect(try Self.property("attributes")["additionalProperties"] == .object(["type": .string("string")]))
        #expect(try Self.property("rate")["pattern"] == .string(#"^-?[0-9]+\.[0-9]{2}$"#))
        #expect(try Self.property("lean")["pattern"] == .string(#"^-?[0-9]+(\.[0-9]*[1-9])?$"#))
        #expect(try Self.property("amount")["type"] == .string("number"))
    }

    @Test("the validator holds responses to those schemas: a wrong constant, an upper-case code, a non-string pair value fail")
    func validation() throws {
        let validator = ResponseValidator(document: Self.document, requireLimitHeaders: false)
        func problems(_ body: String) -> [String] {
            validator.validate(
                method: "GET", path: "/v1/depots/17", status: 200, headers: ["content-type": "application/json", "x-request-id": "r1"],
                body: Array(body.utf8))
        }
        let good =
            #"{"id":17,"object":"depot","tags":["a",1],"created":1719835205,"fixed":"2024-07-01T12:00:05.123+00:00","code":"eur","note":null,"#
            + #""attributes":{"color":"red"},"rate":"12.35","lean":"0.05","amount":-12.50,"owner":"own_0zz"}"#
        #expect(problems(good) == [])
        #expect(problems(good.replacingOccurrences(of: #""object":"depot""#, with: #""object":"customer""#)).count == 1)
        #expect(problems(good.replacingOccurrences(of: #""code":"eur""#, with: #""code":"EUR""#)).count == 1)
        #expect(problems(good.replacingOccurrences(of: #""color":"red""#, with: #""color":1"#)).count == 1)
        #expect(problems(good.replacingOccurrences(of: #""created":1719835205"#, with: #""created":"2024-07-01T12:00:05Z""#)).count == 1)
    }

    @Test("a nullable object says so; an item-only field makes pages list documents of their own schema")
    func shapes() throws {
        #expect(try Self.property("geo")["type"] == .array([.string("object"), .string("null")]))
        #expect(try Self.property("remaining")["type"] == .string("number"))
        #expect(try Self.property("memo")["type"] == .string("string"))
        let schemas = try #require(Self.document["components"]?["schemas"])
        #expect(schemas["depots_list_item"]?["properties"]?["memo"] == nil)
        #expect(schemas["depots_list_item"]?["properties"]?["geo"] != nil)
        #expect(schemas["depots_page"]?["properties"]?["data"]?["items"] == .object(["$ref": .string("#/components/schemas/depots_list_item")]))
        #expect(schemas["owners_list_item"] == nil)
    }

    @Test("an expandable reference is one of its id, the object, or null; the validator takes each and nothing else")
    func expandable() throws {
        let keeper = try Self.property("keeper")
        let options = try #require(keeper["oneOf"]?.items)
        #expect(options.count == 3)
        #expect(options.first?["pattern"] == .string("^own_([0-9a-z]{3}|[1-9a-z][0-9a-z]{3,11})$"))
        let validator = ResponseValidator(document: Self.document, requireLimitHeaders: false)
        func problems(_ keeper: String) -> [String] {
            let body = #"{"id":17,"keeper":"# + keeper + "}"
            return validator.validate(
                method: "GET", path: "/v1/depots/17", status: 200, headers: ["content-type": "application/json", "x-request-id": "r1"],
                body: Array(body.utf8))
        }
        #expect(problems(#""own_0zz""#) == [])
        #expect(problems(#"{"id":"own_0zz","name":"Ada"}"#) == [])
        #expect(problems("null") == [])
        #expect(problems("17").count == 1)
        #expect(problems(#""OWN-1""#).count == 1)
    }

    @Test("a contract's one-value enum agrees with a constant")
    func enumIsConstant() {
        let agreed = JSONNode.object(["type": .string("string"), "enum": .array([.string("depot")])])
        #expect(ContractAgreement.normalize(agreed) == .object(["type": .string("string"), "const": .string("depot")]))
    }
}

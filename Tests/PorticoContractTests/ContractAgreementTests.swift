import Foundation
import PorticoCatalog
import PorticoContract
import Testing
import Yams

/// `portico contract check --against`: a contract written elsewhere compared with the
/// generated document, both ways, whatever its schema names, refs and OpenAPI minor version.
@Suite("Comparing with an agreed contract")
struct ContractAgreementTests {
    static let v2: Catalog = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        guard let catalog = CatalogCompiler.compile(directory: "\(root)/mappings").catalogs["v2"] else { fatalError("v2 does not compile") }
        return catalog
    }()
    static let generated = ContractDocument.build(v2)

    /// The generated document as another writer would have put it: YAML, then edited as a tree.
    static func contract(_ edit: (inout [String: Any]) -> Void = { _ in }) throws -> JSONNode {
        var tree = try #require(try Yams.load(yaml: generated.yamlText) as? [String: Any])
        edit(&tree)
        return JSONNode(any: tree)
    }

    static func compare(_ contract: JSONNode) -> [ContractAgreement.Difference] {
        ContractAgreement.compare(agreed: contract, generated: generated, catalog: v2)
    }

    @Test("the generated document agrees with itself, read back from YAML")
    func itself() throws {
        #expect(Self.compare(try Self.contract()).isEmpty)
    }

    @Test("other schema names, refs of its own, OpenAPI 3.0's nullable and x- extensions are no difference")
    func otherForm() throws {
        let contract = try Self.contract { tree in
            tree["openapi"] = "3.0.3"
            var components = tree["components"] as! [String: Any]
            var schemas = components["schemas"] as! [String: Any]
            var orders = schemas.removeValue(forKey: "orders") as! [String: Any]
            var properties = orders["properties"] as! [String: Any]
            properties["shipped_at"] = ["type": "string", "format": "date-time", "nullable": true, "x-internal": "yes"]
            orders["properties"] = properties
            schemas["Order"] = orders
            components["schemas"] = schemas
            tree["components"] = components
            let text = String(data: try! JSONSerialization.data(withJSONObject: tree), encoding: .utf8)!
                .replacingOccurrences(of: "schemas\\/orders\"", with: "schemas\\/Order\"")
            tree = try! JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        }
        let differences = Self.compare(contract)
        #expect(differences.filter { $0.kind != .wording }.isEmpty, "\(differences.map(\.description))")
    }

    @Test("both ways, each at its JSON path and, where a mapping is the source, that mapping's place")
    func bothWays() throws {
        let contract = try Self.contract { tree in
            var components = tree["components"] as! [String: Any]
            var schemas = components["schemas"] as! [String: Any]
            var orders = schemas["orders"] as! [String: Any]
            var properties = orders["properties"] as! [String: Any]
            properties["priority"] = ["type": "string"]
            properties["notes"] = nil
            orders["properties"] = properties
            schemas["orders"] = orders
            components["schemas"] = schemas
            tree["components"] = components
            var paths = tree["paths"] as! [String: Any]
            paths["/api/v2/refunds"] = ["get": ["responses": ["200": ["description": "Refunds."]]]]
            tree["paths"] = paths
        }
        let differences = Self.compare(contract)
        let item = "$.paths['/api/v2/orders/{id}'].get.responses['200'].content['application/json'].schema.properties"
        let missing = try #require(differences.first { $0.path == "\(item).priority" })
        #expect(missing.kind == .missing && missing.message == "not served by the mappings: response field")
        #expect(missing.location?.file.hasSuffix("mappings/v2/orders.yaml") == true)
        let added = try #require(differences.first { $0.path == "\(item).notes" })
        #expect(added.kind == .added && added.message == "not in the contract: response field")
        let notes = try #require(Self.v2.resources["orders"]?.field(at: "notes"))
        #expect(added.location == notes.location, "the field's own line")
        let refunds = try #require(differences.first { $0.path == "$.paths['/api/v2/refunds']" })
        #expect(refunds.kind == .missing && refunds.message == "not served by the mappings: path" && refunds.location == nil)
        #expect(differences.first?.kind == .missing, "missing ones first")
        #expect(differences.count == Set(differences.map(\.path)).count, "each difference once")
    }

    @Test("a narrower or wider parameter is a difference, not a silent match")
    func parameters() throws {
        let contract = try Self.contract { tree in
            var paths = tree["paths"] as! [String: Any]
            var list = paths["/api/v2/orders"] as! [String: Any]
            var get = list["get"] as! [String: Any]
            var parameters = get["parameters"] as! [[String: Any]]
            let index = parameters.firstIndex { $0["name"] as? String == "limit" }!
            var limit = parameters[index]
            var schema = limit["schema"] as! [String: Any]
            schema["maximum"] = 500
            limit["schema"] = schema
            parameters[index] = limit
            parameters.removeAll { $0["name"] as? String == "format" }
            get["parameters"] = parameters
            list["get"] = get
            paths["/api/v2/orders"] = list
            tree["paths"] = paths
        }
        let differences = Self.compare(contract).map(\.description)
        #expect(differences.contains { $0.hasPrefix("missing: $.paths['/api/v2/orders'].get.parameters[limit]") }, "\(differences)")
        #expect(differences.contains { $0.hasPrefix("added: $.paths['/api/v2/orders'].get.parameters[format]: not in the contract: parameter") })
    }

    @Test(
        "a pattern only the mappings state narrows what the contract admits; one only the contract states is missing; a nullable ref is a nullable type"
    )
    func narrowingAndNullableReferences() throws {
        let item = "$.paths['/api/v2/orders/{id}'].get.responses['200'].content['application/json'].schema.properties"
        let contract = try Self.contract { tree in
            var components = tree["components"] as! [String: Any]
            var schemas = components["schemas"] as! [String: Any]
            var orders = schemas["orders"] as! [String: Any]
            var properties = orders["properties"] as! [String: Any]
            properties["customer_id"] = ["type": "string"]
            properties["notes"] = ["type": ["string", "null"], "pattern": "^[A-Z]"]
            properties["shipped_at"] = ["oneOf": [["$ref": "#/components/schemas/Instant"], ["type": "null"]], "description": "Shipped."]
            schemas["Instant"] = ["type": "string", "format": "date-time"]
            orders["properties"] = properties
            schemas["orders"] = orders
            components["schemas"] = schemas
            tree["components"] = components
        }
        let differences = Self.compare(contract)
        let surface = differences.filter { $0.kind != .wording }.map(\.description)
        // The list's item and the single read each carry notes: one difference at each.
        #expect(surface.count == 2, "\(surface)")
        #expect(surface.contains { $0.hasPrefix("missing: \(item).notes: changed pattern from ^[A-Z] to none") }, "\(surface)")
        #expect(surface.allSatisfy { $0.hasPrefix("missing: ") && $0.contains(".notes: ") }, "\(surface)")
        #expect(!differences.contains { $0.path.hasSuffix(".customer_id") }, "the served id's pattern is no difference, nor wording")
    }
}

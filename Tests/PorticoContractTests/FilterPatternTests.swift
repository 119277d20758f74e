import Foundation
import PorticoCatalog
import PorticoQuery
import Testing

@testable import PorticoContract

/// The contract's pattern for free-text filters must accept exactly what the query parser
/// accepts, or Schemathesis (rightly) reports a schema-violating request the server took.
@Suite("Free-text filter pattern")
struct FilterPatternTests {
    static let operators = Filter.Operator.allCases.map(\.rawValue)

    static func matches(_ pattern: String, _ text: String) -> Bool {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    @Test("the words-other-than expression matches every lower-case word but the operators")
    func complement() {
        let pattern = "^" + ContractDocument.wordsOtherThan(Self.operators) + "$"
        for word in Self.operators { #expect(!Self.matches(pattern, word), "\(word)") }
        for word in ["", "e", "eqq", "i", "ins", "g", "gtee", "l", "ltx", "pre", "prefixx", "x", "zzz", "notes"] {
            #expect(Self.matches(pattern, word), "\(word)")
        }
    }

    static let samples = [
        "buyer@example.com", "0..0", "12:30", "Re:x", ":x", "todo:call", "eq:in:x", "eq:", "in:x", "gt:5", "prefix:a",
        "prefix:", "prefix:a:b", "", "a", "EQ:x", "eq:eq:", "x:", "é:é", String(repeating: "é", count: 256), String(repeating: "a", count: 257),
    ]

    @Test(
        "the pattern and the parser agree on sample values, for eq alone and for eq with prefix",
        arguments: [
            ("v2", "customers", "email"), ("v2", "products", "sku"), ("v1", "products", "sku"),
        ])
    func agreement(_ version: String, _ resourceName: String, _ field: String) throws {
        let mappings = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../mappings").standardized.path
        let catalog = try #require(CatalogCompiler.compile(directory: mappings).catalogs[version])
        let resource = try #require(catalog.resources[resourceName])
        let parameters = try Contract.document(catalog)["paths"]?["/api/\(version)/\(resourceName)"]?["get"]?["parameters"]?.items ?? []
        let schema = try #require(parameters.first { $0["name"]?.string == field }?["schema"])
        let pattern = try #require(schema["pattern"]?.string)
        #expect(schema["maxLength"] == .integer(256))
        for value in Self.samples {
            let inSchema = Self.matches(pattern, value) && value.unicodeScalars.count <= 256
            let accepted = (try? QueryParser(resource: resource).parseList([(field, value)])) != nil
            #expect(inSchema == accepted, "\(field)=\(value.prefix(20)): schema \(inSchema), parser \(accepted)")
        }
    }
}

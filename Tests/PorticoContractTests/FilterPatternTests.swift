import Foundation
import PorticoCatalog
import PorticoQuery
@testable import PorticoContract
import Testing

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

    @Test("the pattern and the parser agree on sample values", arguments: [
        "buyer@example.com", "0..0", "12:30", "Re:x", ":x", "todo:call", "eq:in:x", "eq:", "in:x", "gt:5", "prefix:a",
        "", "a", "EQ:x", "eq:eq:", "x:", "é:é",
    ])
    func agreement(_ value: String) throws {
        let mappings = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../mappings").standardized.path
        let catalog = try #require(CatalogCompiler.compile(directory: mappings).catalogs["v2"])
        let resource = try #require(catalog.resources["customers"])
        let parameters = try Contract.document(catalog)["paths"]?["/api/v2/customers"]?["get"]?["parameters"]?.items ?? []
        let email = try #require(parameters.first { $0["name"]?.string == "email" })
        let pattern = try #require(email["schema"]?["pattern"]?.string)
        let accepted = (try? QueryParser(resource: resource).parseList([("email", value)])) != nil
        #expect(Self.matches(pattern, value) == accepted, "\(value): pattern \(Self.matches(pattern, value)), parser \(accepted)")
    }
}

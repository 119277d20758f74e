import Foundation
import PorticoCatalog
import PorticoContract
import Testing

/// The diff corpus: each file holds the mappings before and after a change and the verdicts
/// `portico contract check` must give (`Tests/PorticoContractTests/make-corpus.py` writes them).
@Suite("Contract diff corpus")
struct ContractDiffTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus").path

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
    }

    struct Case {
        var before: [CatalogCompiler.Source] = []
        var after: [CatalogCompiler.Source] = []
        var expected: [String] = []
    }

    static func parse(_ text: String) -> Case {
        var result = Case()
        var side = ""
        var file: String?
        var buffer = ""
        func flush() {
            guard let name = file else { return }
            let source = CatalogCompiler.Source(path: "v1/\(name)", text: buffer)
            if side == "before" { result.before.append(source) } else { result.after.append(source) }
            buffer = ""
            file = nil
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "# before" || line == "# after" {
                flush()
                side = String(line.dropFirst(2))
            } else if line.hasPrefix("# file: ") {
                flush()
                file = String(line.dropFirst(8))
            } else if line.hasPrefix("# expect: ") {
                flush()
                result.expected.append(String(line.dropFirst(10)))
            } else if file != nil {
                buffer += line + "\n"
            }
        }
        flush()
        return result
    }

    static func document(_ sources: [CatalogCompiler.Source]) throws -> JSONNode {
        let result = CatalogCompiler.compile(version: "v1", sources: sources)
        let catalog = try #require(result.catalogs["v1"], "does not compile: \(result.diagnostics)")
        return try Contract.document(catalog)
    }

    @Test("the corpus has at least 30 changes")
    func size() { #expect(Self.cases.count >= 30) }

    @Test("each change gets exactly its expected verdicts", arguments: cases)
    func verdicts(_ name: String) throws {
        let change = Self.parse(try String(contentsOfFile: "\(Self.folder)/\(name)", encoding: .utf8))
        let diff = ContractDiff.compare(old: try Self.document(change.before), new: try Self.document(change.after))
        let lines = diff.changes.map(\.description)
        for expected in change.expected {
            #expect(lines.contains { $0.contains(expected) }, "missing '\(expected)' in:\n\(lines.joined(separator: "\n"))")
        }
        for line in lines where line.hasPrefix("breaking") {
            #expect(change.expected.contains { line.contains($0) }, "unexpected: \(line)")
        }
        #expect(diff.isBreaking == change.expected.contains { $0.hasPrefix("breaking") })
    }

    @Test("rules no mapping change can trigger today: a parameter made required, a security scheme removed")
    func documentLevelRules() throws {
        let change = Self.parse(try String(contentsOfFile: "\(Self.folder)/\(Self.cases[0])", encoding: .utf8))
        let old = try Self.document(change.before)
        guard case .object(var root) = old, case .object(var paths) = root["paths"]!, case .object(var item) = paths["/api/v1/widgets"]!,
            case .object(var get) = item["get"]!, case .object(var components) = root["components"]!,
            case .object(var schemes) = components["securitySchemes"]!
        else {
            Issue.record("unexpected shape")
            return
        }
        get["parameters"] = .array(
            get["parameters"]!.items.map { parameter in
                guard parameter["name"] == .string("size"), case .object(var members) = parameter else { return parameter }
                members["required"] = .bool(true)
                return .object(members)
            })
        item["get"] = .object(get)
        paths["/api/v1/widgets"] = .object(item)
        root["paths"] = .object(paths)
        schemes.removeValue(forKey: "api_key")
        components["securitySchemes"] = .object(schemes)
        root["components"] = .object(components)
        let lines = ContractDiff.compare(old: old, new: .object(root)).changes.map(\.description)
        #expect(lines.contains("breaking: $.paths['/api/v1/widgets'].get.parameters[size]: parameter newly required"), "\(lines)")
        #expect(lines.contains("breaking: $.components.securitySchemes.api_key: removed security scheme"), "\(lines)")
    }

    @Test("a document compared with itself has no changes, and its YAML reads back to the same tree")
    func identity() throws {
        let change = Self.parse(try String(contentsOfFile: "\(Self.folder)/\(Self.cases[0])", encoding: .utf8))
        let document = try Self.document(change.before)
        #expect(ContractDiff.compare(old: document, new: document).changes.isEmpty)
        #expect(try JSONNode.parse(json: Data(document.jsonText.utf8)) == document)
    }
}

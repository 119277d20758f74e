import Foundation
import PorticoContract
import Testing
import Yams

/// The document corpus: changes no mapping makes today but a lock can hold (a hand-edited lock,
/// one adopted from elsewhere, a future mapping construct). Each file holds the lock (`# before`)
/// and the generated document (`# after`) as OpenAPI YAML, and the verdicts `portico contract
/// check` must give; `# expect: nothing` when it must find no difference at all.
@Suite("Contract diff: document corpus")
struct DocumentDiffTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("DocumentCorpus").path

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
    }

    static func parse(_ text: String) throws -> (before: JSONNode, after: JSONNode, expected: [String]) {
        var parts: [String: String] = [:]
        var side = ""
        var expected: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "# before" || line == "# after" {
                side = String(line.dropFirst(2))
            } else if line.hasPrefix("# expect: ") {
                expected.append(String(line.dropFirst(10)))
            } else {
                parts[side, default: ""] += line + "\n"
            }
        }
        return (
            JSONNode(any: try Yams.load(yaml: parts["before"] ?? "")), JSONNode(any: try Yams.load(yaml: parts["after"] ?? "")),
            expected.filter { $0 != "nothing" }
        )
    }

    @Test("the corpus covers required members and security, global and per operation")
    func size() { #expect(Self.cases.count >= 15) }

    @Test("each change gets exactly its expected verdicts", arguments: cases)
    func verdicts(_ name: String) throws {
        let (before, after, expected) = try Self.parse(try String(contentsOfFile: "\(Self.folder)/\(name)", encoding: .utf8))
        let lines = ContractDiff.compare(old: before, new: after).changes.map(\.description)
        #expect(lines.sorted() == expected.sorted(), "got:\n\(lines.joined(separator: "\n"))")
    }
}

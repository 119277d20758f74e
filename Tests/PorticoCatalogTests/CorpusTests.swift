import Foundation
import PorticoCatalog
import Testing

/// Golden tests: each file under `Corpus/invalid` ends with `# expect: line:column: severity: message`
/// comments, and compiling it (beside the files in `Corpus/base`) must report exactly those
/// diagnostics for that file, no more and no fewer.
@Suite("Mapping corpus")
struct CorpusTests {
    static let corpus: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        return url.appendingPathComponent("Corpus").path
    }()

    static func sources(_ folder: String) -> [CatalogCompiler.Source] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: "\(corpus)/\(folder)")) ?? []).filter { $0.hasSuffix(".yaml") }
        return names.sorted().map { name in
            CatalogCompiler.Source(
                path: "\(folder)/\(name)", text: (try? String(contentsOfFile: "\(corpus)/\(folder)/\(name)", encoding: .utf8)) ?? "")
        }
    }

    static let invalidCases = sources("invalid").map(\.path)

    @Test("the base resources compile cleanly on their own")
    func base() {
        let result = CatalogCompiler.compile(version: "v1", sources: Self.sources("base"))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.catalogs["v1"]?.resources.count == 3)
    }

    @Test("there are at least 40 invalid cases")
    func enoughCases() {
        #expect(Self.invalidCases.count >= 40)
    }

    @Test("each invalid mapping reports exactly its expected diagnostics", arguments: invalidCases)
    func invalid(_ path: String) throws {
        let source = try #require(Self.sources("invalid").first { $0.path == path })
        let expected = source.text.split(separator: "\n")
            .compactMap { line in line.hasPrefix("# expect: ") ? "\(path):" + line.dropFirst("# expect: ".count) : nil }
        #expect(!expected.isEmpty, "\(path) has no '# expect:' lines")
        let result = CatalogCompiler.compile(version: "v1", sources: Self.sources("base") + [source])
        let actual = result.diagnostics.filter { $0.file == path }.map(\.description)
        #expect(actual == expected)
        // Diagnostics point only at the broken file, and a broken version is never served.
        #expect(result.diagnostics.allSatisfy { $0.file == path })
        if expected.contains(where: { $0.contains(": error: ") }) {
            #expect(result.catalogs.isEmpty)
        }
    }
}

@testable import PorticoServer
import Testing

/// The request path's small helpers, rewritten for speed: they must still say the same thing.
@Suite("Hot-path helpers")
struct HotPathTests {
    @Test("generated request ids are 24 lower-case hex digits, well-formed, and distinct")
    func requestIDs() {
        let ids = (0..<20_000).map { _ in RequestIDMiddleware.generate() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            #expect(id.utf8.count == 24)
            #expect(id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            #expect(RequestIDMiddleware.isWellFormed(id))
        }
        // The counter part changes in every digit position over a few ids, not just the last.
        let tails = Set(ids.prefix(64).map { $0.utf8.dropFirst(8).first! })
        #expect(tails.count > 4)
    }

    @Test("header searches ignore ASCII case and match anywhere, as String.contains did")
    func headerSearch() {
        #expect(ASCIIText.contains("application/json, Application/X-NDJSON;q=0.9", "application/x-ndjson"))
        #expect(ASCIIText.contains("text/csv", "text/csv"))
        #expect(!ASCIIText.contains("text/cs", "text/csv"))
        #expect(!ASCIIText.contains("", "text/csv"))
        #expect(ASCIIText.hasPrefix("Bearer abc", "bearer "))
        #expect(ASCIIText.hasPrefix("BEARER abc", "bearer "))
        #expect(!ASCIIText.hasPrefix("Bearer", "bearer "))
        #expect(!ASCIIText.hasPrefix("Basic abc", "bearer "))
    }

    @Test("path segments are counted as split(separator:) counts them")
    func segments() {
        for path in ["/api/v2/orders", "/api/v2/orders/", "//api//v2/orders", "/api/v2/orders/ORD-1", "/", "", "/api", "api/é/x//y"] {
            #expect(ASCIIText.segmentCount(path) == path.split(separator: "/").count, "\(path)")
            for count in 0...4 {
                #expect(ASCIIText.segments(path, count) == Array(path.split(separator: "/").prefix(count)), "\(path) \(count)")
            }
        }
    }

    @Test("problem text is escaped on the slow path and copied whole on the fast one")
    func problemText() {
        var plain = ""
        JSONText.appendString("No resource at /api/v9.", to: &plain)
        #expect(plain == #""No resource at /api/v9.""#)
        var escaped = ""
        JSONText.appendString("a \"b\" \\ c\n\u{1}\u{2028}é", to: &escaped)
        #expect(escaped == #""a \"b\" \\ c\n\u0001\u2028é""#)
    }
}

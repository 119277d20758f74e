import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PorticoQuery
import PorticoShape
import Testing

@testable import PorticoServer

/// The request path's small helpers, rewritten for speed: they must still say the same thing.
@Suite("Hot-path helpers")
struct HotPathTests {
    @Test("generated request ids are 24 lower-case hex digits, well-formed, and distinct")
    func requestIDs() {
        let ids = (0..<20_000).map { _ in RequestID.generate() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            #expect(id.utf8.count == 24)
            #expect(id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            #expect(RequestID.isWellFormed(id))
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

    @Test("header dates are RFC 9110 IMF-fixdates as Foundation writes them; a date alone reads as 00:00 UTC")
    func httpDates() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        for seconds in stride(from: -86_400 * 400, through: 86_400 * 40_000, by: 86_400 * 37 + 3_601) {
            #expect(HTTPDates.imfFixdate(seconds) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))), "\(seconds)")
        }
        #expect(HTTPDates.epochSeconds("2027-06-30") == 1_814_313_600)
        #expect(HTTPDates.epochSeconds("not-a-date") == nil)
    }

    @Test("text documents quote strings with the writer documents use: copied whole when plain, escaped per RFC 8259 when not")
    func quotedText() {
        #expect(JSONWriter.quoted("No resource at /api/v9.") == #""No resource at /api/v9.""#)
        #expect(JSONWriter.quoted("a \"b\" \\ c\n\u{1}\u{2028}é") == "\"a \\\"b\\\" \\\\ c\\n\\u0001\u{2028}é\"")
    }

    @Test("decide's shortcut past query parsing agrees with parsing the query, percent-encoded keys included")
    func exportShortcut() {
        let paths = ["/api/v2/orders", "/api/v2/orders/ORD-1", "/api/v2/usage"]
        let queries = [
            "", "?limit=1", "?format=ndjson", "?format=csv", "?format=csv&limit=5", "?%66ormat=ndjson", "?FORMAT=ndjson",
            "?status=shipped&format=json", "?q=%20&limit=2", "?informat=x", "?format",
        ]
        let accepts: [String?] = [nil, "application/json", "application/x-ndjson", "text/csv", "TEXT/CSV;q=1"]
        for path in paths {
            for query in queries {
                for accept in accepts {
                    var head = HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: path + query)
                    if let accept { head.headerFields[.accept] = accept }
                    let request = Request(head: head, body: .init(buffer: ByteBuffer()))
                    let parsed = request.uri.queryParameters
                    let expected =
                        path.split(separator: "/").count == 3
                        && ApiRequest.isExport(format: Representation.format(of: request, query: parsed) ?? .json, limitGiven: parsed.has("limit"))
                    let list = path.split(separator: "/").count == 3
                    #expect(Representation.decide(request, list: list).isExport == expected, "\(path)\(query) Accept: \(accept ?? "-")")
                }
            }
        }
        // The cases that matter most, spelled out.
        func export(_ target: String) -> Bool {
            Representation.decide(
                Request(head: HTTPRequest(method: .get, scheme: "http", authority: "x", path: target), body: .init(buffer: ByteBuffer())),
                list: true
            ).isExport
        }
        #expect(export("/api/v2/orders?format=csv"))
        #expect(!export("/api/v2/orders?format=csv&limit=5"))
        #expect(!export("/api/v2/orders?limit=1"))
    }

    @Test("a presented credential is trimmed of blanks, and two at once are flagged")
    func presentedCredential() {
        func presented(_ fields: [(HTTPField.Name, String)]) -> AuthenticationMiddleware.Presented {
            var head = HTTPRequest(method: .get, scheme: "http", authority: "x", path: "/api/v2/orders")
            for (name, value) in fields { head.headerFields.append(HTTPField(name: name, value: value)) }
            return AuthenticationMiddleware.Presented(Request(head: head, body: .init(buffer: ByteBuffer())))
        }
        #expect(presented([(.authorization, "Bearer ptc_abc")]).token == "ptc_abc")
        #expect(presented([(.authorization, "bearer \t ptc_abc  ")]).token == "ptc_abc")
        #expect(presented([(.authorization, "Basic dXNlcjpwYXNz")]).token == nil)
        #expect(presented([(.xAPIKey, "  ptc_k ")]).token == "ptc_k")
        #expect(presented([(.authorization, "Basic dXNlcjpwYXNz"), (.xAPIKey, "ptc_k")]).token == "ptc_k")
        #expect(presented([(.authorization, "Basic dXNlcjpwYXNz"), (.xAPIKey, "ptc_k")]).both == false)
        #expect(presented([(.authorization, "Bearer ptc_abc"), (.xAPIKey, "ptc_k")]).both)
        #expect(presented([(.authorization, "Bearer é ")]).token == "é")
        #expect(presented([]).token == nil)
    }

    @Test("a field read or set by name says what the HTTPFields subscript says")
    func fieldsByName() {
        let cases: [[(HTTPField.Name, String)]] = [
            [], [(.accept, "*/*")], [(.authorization, "Bearer one")],
            [(.authorization, "Bearer one"), (.accept, "*/*"), (.authorization, "Bearer two")],
            [(.xAPIKey, "ptc_key_that_is_longer_than_fifteen_bytes"), (.xAPIKey, "")],
        ]
        for pairs in cases {
            var fields = HTTPFields()
            for (name, value) in pairs { fields.append(HTTPField(name: name, value: value)) }
            for name in [HTTPField.Name.authorization, .xAPIKey, .accept, .xRequestID] {
                #expect(fields.value(name) == fields[name], "\(pairs) \(name)")
                var viaSet = fields
                var viaSubscript = fields
                viaSet.set(name, "new")
                viaSubscript[name] = "new"
                #expect(Array(viaSet) == Array(viaSubscript), "\(pairs) \(name)")
            }
        }
    }
}

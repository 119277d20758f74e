import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PorticoCatalog
import PorticoQuery
import Testing

@testable import PorticoServer

/// Content negotiation: `format=` and `Accept` against the formats a version serves, and the
/// 406 for an `Accept` that admits none of them.
@Suite("Representation")
struct RepresentationTests {
    static func decide(_ target: String, accept: String?, extras: SurfaceExtras = .standard) -> (ApiRequest.Format, Bool, Bool) {
        var head = HTTPRequest(method: .get, scheme: "http", authority: "x", path: target)
        if let accept { head.headerFields[.accept] = accept }
        let decision = Representation.decide(Request(head: head, body: .init(buffer: ByteBuffer())), list: true, extras: extras)
        return (decision.format, decision.isExport, decision.acceptable)
    }

    @Test("Accept picks NDJSON or CSV when named, JSON when admitted, and nothing (406) when it admits none; q=0 refuses a range")
    func accept() {
        let cases: [(String?, ApiRequest.Format, Bool)] = [
            (nil, .json, true), ("application/json", .json, true), ("*/*", .json, true), ("application/*", .json, true),
            ("text/html, application/xhtml+xml, */*;q=0.8", .json, true), ("application/x-ndjson", .ndjson, true),
            ("text/csv;q=1", .csv, true), ("TEXT/CSV", .csv, true), ("text/*", .csv, true),
            ("text/html", .json, false), ("image/png", .json, false), ("application/json;q=0", .json, false),
            ("application/json; q=0, text/csv", .csv, true), ("", .json, true),
        ]
        for (accept, format, acceptable) in cases {
            let (decided, _, admitted) = Self.decide("/api/v1/orders?limit=5", accept: accept)
            #expect(admitted == acceptable, "Accept: \(accept ?? "-")")
            if acceptable { #expect(decided == format, "Accept: \(accept ?? "-")") }
        }
        // format= wins over Accept, whatever Accept says.
        #expect(Self.decide("/api/v1/orders?format=json", accept: "text/html") == (.json, false, true))
        #expect(Self.decide("/api/v1/orders?format=csv", accept: nil) == (.csv, true, true))
    }

    @Test("a JSON-only version: CSV and NDJSON are not acceptable answers, and format= does not choose")
    func jsonOnly() {
        var extras = SurfaceExtras()
        (extras.csv, extras.ndjson) = (false, false)
        #expect(Self.decide("/v1/orders", accept: "text/csv", extras: extras).2 == false)
        #expect(Self.decide("/v1/orders", accept: "application/x-ndjson", extras: extras).2 == false)
        #expect(Self.decide("/v1/orders", accept: "text/csv, application/json;q=0.5", extras: extras) == (.json, false, true))
        #expect(Self.decide("/v1/orders?format=csv", accept: nil, extras: extras) == (.json, false, true), "the parser refuses the parameter")
        #expect(Representation.served(extras) == "application/json")
        #expect(Representation.served(.standard) == "application/json, text/csv, application/x-ndjson")
    }
}

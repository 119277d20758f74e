import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoServer
import PorticoTestSupport
import Testing

/// gzip for larger pages and every export, against the tiny demo data.
@Suite("Compressed responses (MariaDB)")
struct CompressionTests {
    let api: ReadApiTests

    init() throws { api = try ReadApiTests() }

    static let gzip: HTTPFields = [.acceptEncoding: "gzip, deflate"]

    @Test("a page above the threshold is gzipped when asked, and decodes to the identity body; its ETag becomes weak")
    func page() async throws {
        try await api.withClient { client in
            let plain = try await client.execute(uri: "/api/v1/orders?limit=20", method: .get)
            let zipped = try await client.execute(uri: "/api/v1/orders?limit=20", method: .get, headers: Self.gzip)
            #expect(plain.status == .ok && zipped.status == .ok)
            #expect(plain.headers[.contentEncoding] == nil)
            #expect(plain.headers[.vary]?.contains("Accept-Encoding") == true)
            #expect(zipped.headers[.contentEncoding] == "gzip")
            #expect(zipped.headers[.vary]?.contains("Accept-Encoding") == true)
            let bytes = Array(zipped.body.readableBytesView)
            #expect(bytes.count < plain.body.readableBytes / 2, "compressed \(bytes.count) of \(plain.body.readableBytes)")
            #expect(Gzip.decompress(bytes) == Array(plain.body.readableBytesView))
            let strong = try #require(plain.headers[.eTag])
            #expect(!strong.hasPrefix("W/"))
            #expect(zipped.headers[.eTag] == "W/" + strong)
        }
    }

    @Test("either ETag validates either representation: If-None-Match compares weakly")
    func conditional() async throws {
        try await api.withClient { client in
            let uri = "/api/v1/orders?limit=20"
            let strong = try #require(try await client.execute(uri: uri, method: .get).headers[.eTag])
            let weak = "W/" + strong
            let zippedWithWeak = try await client.execute(uri: uri, method: .get, headers: [.acceptEncoding: "gzip", .ifNoneMatch: weak])
            #expect(zippedWithWeak.status == .notModified)
            #expect(zippedWithWeak.headers[.eTag] == weak)
            let plainWithWeak = try await client.execute(uri: uri, method: .get, headers: [.ifNoneMatch: weak])
            #expect(plainWithWeak.status == .notModified)
            #expect(plainWithWeak.headers[.eTag] == strong)
            let zippedWithStrong = try await client.execute(uri: uri, method: .get, headers: [.acceptEncoding: "gzip", .ifNoneMatch: strong])
            #expect(zippedWithStrong.status == .notModified)
            let other = try await client.execute(uri: uri, method: .get, headers: [.acceptEncoding: "gzip", .ifNoneMatch: "W/\"nope\""])
            #expect(other.status == .ok)
        }
    }

    @Test("small answers, refusals (q=0), HEAD and clients that do not ask get the identity body")
    func identity() async throws {
        try await api.withClient { client in
            let small = try await client.execute(uri: "/api/v1/orders?limit=1&fields=id", method: .get, headers: Self.gzip)
            #expect(small.status == .ok && small.headers[.contentEncoding] == nil)
            #expect(small.body.readableBytes < 1024)
            for refusal in ["gzip;q=0", "identity", "br", "*;q=0", "gzip;q=0, *;q=1"] {
                let response = try await client.execute(uri: "/api/v1/orders?limit=20", method: .get, headers: [.acceptEncoding: refusal])
                #expect(response.headers[.contentEncoding] == nil, "\(refusal)")
            }
            let wildcard = try await client.execute(uri: "/api/v1/orders?limit=20", method: .get, headers: [.acceptEncoding: "*;q=0.5"])
            #expect(wildcard.headers[.contentEncoding] == "gzip")
            let head = try await client.execute(uri: "/api/v1/orders?limit=20", method: .head, headers: Self.gzip)
            #expect(head.status == .ok && head.headers[.contentEncoding] == nil && head.body.readableBytes == 0)
            let problem = try await client.execute(uri: "/api/v1/orders?limit=nope", method: .get, headers: Self.gzip)
            #expect(problem.status == .badRequest && problem.headers[.contentEncoding] == nil)
        }
    }

    @Test("an export is gzipped as it streams and decodes to the identity export")
    func export() async throws {
        try await api.withClient { client in
            for format in ["csv", "ndjson"] {
                let uri = "/api/v1/orders?format=\(format)"
                let plain = try await client.execute(uri: uri, method: .get)
                let zipped = try await client.execute(uri: uri, method: .get, headers: Self.gzip)
                #expect(zipped.status == .ok && zipped.headers[.contentEncoding] == "gzip")
                #expect(zipped.headers[.eTag] == nil)
                let decoded = try #require(Gzip.decompress(Array(zipped.body.readableBytesView)))
                #expect(decoded == Array(plain.body.readableBytesView))
                #expect(decoded.count > 10_000)
            }
        }
    }
}

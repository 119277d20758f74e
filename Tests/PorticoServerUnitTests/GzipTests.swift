import NIOCore
import Testing

@testable import PorticoServer

/// The gzip stream and the `Accept-Encoding` reading, without a server.
@Suite("gzip")
struct GzipTests {
    @Test("pieces compressed one at a time decode to their concatenation, and each flush is decodable so far")
    func roundTrip() throws {
        let encoder = try #require(GzipEncoder())
        var pieces: [[UInt8]] = []
        for index in 0..<200 { pieces.append(Array("row \(index),\(String(repeating: "abc", count: index % 17))\r\n".utf8)) }
        var stream: [UInt8] = []
        let decoder = GzipDecoder()
        var decodedSoFar: [UInt8] = []
        for (index, piece) in pieces.enumerated() {
            let compressed = Array(encoder.compress(ByteBuffer(bytes: piece)).readableBytesView)
            stream += compressed
            decoder.feed(compressed) { decodedSoFar += $0 }
            // Z_SYNC_FLUSH: a partner can parse every row sent so far, before the stream ends.
            #expect(decodedSoFar == Array(pieces[0...index].joined()))
        }
        stream += encoder.finish().readableBytesView
        #expect(encoder.finish().readableBytes == 0)
        #expect(Gzip.decompress(stream) == Array(pieces.joined()))
        #expect(stream.prefix(2) == [0x1F, 0x8B])
    }

    @Test("an empty body still makes a valid gzip stream; a truncated or corrupt one does not decode")
    func edges() throws {
        let encoder = try #require(GzipEncoder())
        let empty = Array(encoder.finish().readableBytesView)
        #expect(Gzip.decompress(empty) == [])
        let other = try #require(GzipEncoder())
        var stream = Array(other.compress(ByteBuffer(string: String(repeating: "x", count: 100_000))).readableBytesView)
        stream += other.finish().readableBytesView
        #expect(Gzip.decompress(Array(stream.dropLast(4))) == nil)
        var corrupt = stream
        corrupt[corrupt.count - 6] ^= 0xFF  // the CRC
        #expect(Gzip.decompress(corrupt) == nil)
        #expect(Gzip.decompress(Array("not gzip".utf8)) == nil)
        #expect(Gzip.decompress(stream + [0]) == nil)
    }

    @Test("Accept-Encoding: gzip by name or *, with a q-value above zero; a named refusal wins over *")
    func acceptEncoding() {
        let yes = ["gzip", "GZIP", "deflate, gzip;q=0.1", "x-gzip", "*", "br;q=1, *;q=0.2", "identity, gzip ; q=1.0"]
        let no = ["", "identity", "br, deflate", "gzip;q=0", "gzip;q=0.000", "*;q=0", "gzip;q=0, *", "gzip;q=nope"]
        for value in yes { #expect(CompressionMiddleware.acceptsGzip([value]), "\(value)") }
        for value in no { #expect(!CompressionMiddleware.acceptsGzip([value]), "\(value)") }
        #expect(CompressionMiddleware.acceptsGzip(["br", "gzip"]))
        #expect(!CompressionMiddleware.acceptsGzip([]))
    }

    @Test("the media types worth compressing, parameters aside; others and near misses are not")
    func compressibleTypes() {
        for type in [
            "application/json", "application/json; charset=utf-8", "text/csv;header=present", "application/x-ndjson", "application/problem+json",
        ] {
            #expect(CompressionMiddleware.isCompressible(type), "\(type)")
        }
        for type in ["text/html", "application/jsonx", "application/jso", "", "image/png", "text/csv2"] {
            #expect(!CompressionMiddleware.isCompressible(type), "\(type)")
        }
    }
}

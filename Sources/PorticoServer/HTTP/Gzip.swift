import CZlib
import Hummingbird
import NIOCore

/// gzip (RFC 1952) through zlib, a chunk at a time: what goes in is compressed and flushed at
/// once (`Z_SYNC_FLUSH`), so a streamed export reaches the partner as it is encoded, and
/// nothing but zlib's own window (a few hundred KiB) is held. One response body owns an encoder
/// and writes through it in order, never concurrently, hence `@unchecked Sendable`.
final class GzipEncoder: @unchecked Sendable {
    private var stream = z_stream()
    private var finished = false

    /// - Parameter level: 1 (fastest) to 9 (smallest); 5 is a good trade for JSON and CSV.
    init?(level: Int32 = 5) {
        guard portico_gzip_deflate_init(&stream, level) == Z_OK else { return nil }
    }

    deinit { deflateEnd(&stream) }

    /// The compressed form of `input`, flushed so the partner can decode everything so far.
    func compress(_ input: ByteBuffer) -> ByteBuffer { run(input, mode: Z_SYNC_FLUSH) }

    /// The rest of the stream and the gzip trailer.
    func finish() -> ByteBuffer {
        defer { finished = true }
        return run(ByteBuffer(), mode: Z_FINISH)
    }

    private func run(_ input: ByteBuffer, mode: Int32) -> ByteBuffer {
        var output = ByteBuffer()
        guard !finished else { return output }
        var input = input
        input.withUnsafeMutableReadableBytes { bytes in
            stream.next_in = bytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = uInt(bytes.count)
            repeat {
                let room = max(4096, Int(deflateBound(&stream, uLong(stream.avail_in))))
                output.reserveCapacity(minimumWritableBytes: room)
                let written = output.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { out in
                    stream.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(out.count)
                    _ = deflate(&stream, mode)
                    return out.count - Int(stream.avail_out)
                }
                if written == 0 && stream.avail_in == 0 { break }
            } while stream.avail_out == 0 || stream.avail_in > 0
            stream.next_in = nil
        }
        return output
    }
}

/// A response body writer that gzips what it is given.
final class GzipWriter: ResponseBodyWriter, @unchecked Sendable {
    var base: any ResponseBodyWriter
    let encoder: GzipEncoder

    init(base: any ResponseBodyWriter, encoder: GzipEncoder) {
        self.base = base
        self.encoder = encoder
    }

    func write(_ buffer: ByteBuffer) async throws {
        let compressed = encoder.compress(buffer)
        if compressed.readableBytes > 0 { try await base.write(compressed) }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {
        let tail = encoder.finish()
        if tail.readableBytes > 0 { try await base.write(tail) }
        try await base.finish(trailingHeaders)
    }
}

/// Decompression of a gzip stream a piece at a time, for checking what was sent (tests and
/// tools) without holding all of it.
public final class GzipDecoder {
    private var stream = z_stream()
    private var ready: Bool
    /// Whether the stream's trailer has been read (its CRC and length checked).
    public private(set) var finished = false
    /// Whether the input so far is not gzip, or is corrupt.
    public private(set) var failed = false

    public init() { ready = portico_gzip_inflate_init(&stream) == Z_OK }

    deinit { if ready { inflateEnd(&stream) } }

    /// Feeds the next piece of the stream; `output` gets what it decodes to, in pieces.
    public func feed(_ bytes: some Collection<UInt8>, _ output: ([UInt8]) -> Void) {
        guard ready, !failed, !finished else {
            if !bytes.isEmpty { failed = true }
            return
        }
        var input = Array(bytes)
        var chunk = [UInt8](repeating: 0, count: 65_536)
        input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            while stream.avail_in > 0 || stream.avail_out == 0 {
                var status: Int32 = Z_OK
                var produced = 0
                chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    produced = out.count - Int(stream.avail_out)
                }
                if produced > 0 { output(Array(chunk[0..<produced])) }
                if status == Z_STREAM_END {
                    finished = true
                    // Bytes after the trailer are not part of the stream.
                    if stream.avail_in > 0 { failed = true }
                    break
                }
                if status != Z_OK && status != Z_BUF_ERROR {
                    failed = true
                    break
                }
                if status == Z_BUF_ERROR && produced == 0 { break }
            }
            stream.next_in = nil
        }
    }
}

/// Decompression, for checking what was sent (tests and tools).
public enum Gzip {
    /// The bytes a gzip stream holds, or nil when it is not a complete, valid one.
    public static func decompress(_ bytes: [UInt8]) -> [UInt8]? {
        let decoder = GzipDecoder()
        var output: [UInt8] = []
        decoder.feed(bytes) { output += $0 }
        return decoder.finished && !decoder.failed ? output : nil
    }
}

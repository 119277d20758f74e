import Foundation
import Hummingbird
import Logging
import PorticoCatalog
import PorticoValues

/// Counts the bytes a streamed body writes.
final class CountingWriter: ResponseBodyWriter, @unchecked Sendable {
    var base: any ResponseBodyWriter
    private(set) var bytes = 0

    init(base: any ResponseBodyWriter) { self.base = base }

    func write(_ buffer: ByteBuffer) async throws {
        bytes += buffer.readableBytes
        try await base.write(buffer)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await base.finish(trailingHeaders)
    }
}

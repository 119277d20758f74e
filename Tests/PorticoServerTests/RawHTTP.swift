import Foundation
import PorticoTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A blocking HTTP/1.1 peer on a thread of its own: sends exact bytes (optionally slowly) and
/// reads until the server closes or the timeout passes. For what a polite client cannot do.
enum RawHTTP {
    struct Exchange: Sendable {
        var received = ""
        /// Until the connection ended.
        var seconds = 0.0
        /// Until the first byte of the answer arrived.
        var firstByte = 0.0
        var sendFailed = false
    }

    /// Sends `chunks` one after another, `pause` seconds apart, then reads.
    static func exchange(port: Int, _ chunks: [String], pause: Double = 0, timeout: Int = 20) async -> Exchange {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: run(port: port, chunks, pause: pause, timeout: timeout)) }.start()
        }
    }

    /// A blocking TCP socket connected to 127.0.0.1:`port`, or nil.
    static func connect(port: Int) -> Int32? { LoopbackSocket.connect(port: port) }

    private static func run(port: Int, _ chunks: [String], pause: Double, timeout: Int) -> Exchange {
        var result = Exchange()
        let start = Date()
        guard let fd = connect(port: port) else { return result }
        defer { close(fd) }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        signal(SIGPIPE, SIG_IGN)
        var peek = [UInt8](repeating: 0, count: 1)
        for (index, chunk) in chunks.enumerated() {
            if index > 0, pause > 0 { Thread.sleep(forTimeInterval: pause) }
            // The server has answered (or closed): stop sending, as a real client would.
            if recv(fd, &peek, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) >= 0 { break }
            let sent = chunk.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                result.sendFailed = true
                break
            }
        }
        var buffer = [UInt8](repeating: 0, count: 65536)
        var bytes: [UInt8] = []
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            if bytes.isEmpty { result.firstByte = Date().timeIntervalSince(start) }
            bytes += buffer[0..<count]
        }
        result.received = String(decoding: bytes, as: UTF8.self)
        result.seconds = Date().timeIntervalSince(start)
        return result
    }
}

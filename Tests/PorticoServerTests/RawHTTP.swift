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

/// A response's body as its bytes arrive: the head is set aside and the chunked framing
/// (RFC 9112 §7.1) undone, so a large body can be checked without being held.
struct ChunkedBody {
    private enum State {
        case size([UInt8])
        case data(Int)
        case dataEnd(Int)
        case done
    }
    private var pendingHead: [UInt8] = []
    /// The head, lower-cased, once it is complete.
    private(set) var head: String?
    private var state = State.size([])
    /// Whether the last chunk has arrived.
    var complete: Bool {
        if case .done = state { true } else { false }
    }

    mutating func feed(_ bytes: ArraySlice<UInt8>, _ output: (ArraySlice<UInt8>) -> Void) {
        var rest = bytes
        if head == nil {
            pendingHead += rest
            let end: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A]
            guard let at = pendingHead.indices.first(where: { pendingHead[$0...].starts(with: end) }) else { return }
            head = String(decoding: pendingHead[..<at], as: UTF8.self).lowercased()
            rest = pendingHead[(at + 4)...]
        }
        while let byte = rest.first {
            switch state {
            case .size(var line):
                rest = rest.dropFirst()
                if byte != 0x0A {
                    line.append(byte)
                    state = .size(line)
                    continue
                }
                let text = String(decoding: line, as: UTF8.self).split(separator: ";").first ?? ""
                let size = Int(text.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16) ?? 0
                state = size == 0 ? .done : .data(size)
            case .data(let left):
                let taken = rest.prefix(left)
                output(taken)
                rest = rest.dropFirst(taken.count)
                state = left == taken.count ? .dataEnd(2) : .data(left - taken.count)
            case .dataEnd(let left):
                rest = rest.dropFirst()
                state = left == 1 ? .size([]) : .dataEnd(left - 1)
            case .done:
                return
            }
        }
    }
}

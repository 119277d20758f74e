import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP socket to 127.0.0.1, for tests that must behave as no polite client does.
public enum LoopbackSocket {
    /// Connects to `port`; nil when that fails.
    ///
    /// - Parameter receiveBuffer: a fixed receive buffer (bytes), set before connecting so the
    ///   kernel does not grow the window: a reader that stops reading then holds the sender back
    ///   after this much, not after tens of MiB.
    public static func connect(port: Int, receiveBuffer: Int32? = nil) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }
}

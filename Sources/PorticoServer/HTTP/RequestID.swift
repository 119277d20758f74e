public import Hummingbird
public import PorticoAccess
import PorticoValues
import Synchronization

/// Request ids: a caller's well-formed `X-Request-Id` (1–128 of letters, digits, `.`, `_`, `-`)
/// is kept, else one is made. ``AccessLogMiddleware`` assigns it and echoes it on every response,
/// errors included.
enum RequestID {
    static func isWellFormed(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D || byte == 0x2E
                    || byte == 0x5F
            }
    }

    /// 24 hex digits: a random per-process prefix and a bijective mix of a counter, so ids are
    /// unique within a process and unlikely to collide across processes, with no system call per
    /// request (`SystemRandomNumberGenerator` is one `getrandom` per call).
    static func generate() -> String {
        let n = RequestIDSource.counter.add(1, ordering: .relaxed).newValue
        let mixed = RequestIDSource.mix(RequestIDSource.key &+ n)
        return String(unsafeUninitializedCapacity: 24) { out in
            var prefix = RequestIDSource.prefix
            for i in stride(from: 7, through: 0, by: -1) {
                out[i] = HexDigits.digit(prefix)
                prefix >>= 4
            }
            var value = mixed
            for i in stride(from: 23, through: 8, by: -1) {
                out[i] = HexDigits.digit(value)
                value >>= 4
            }
            return 24
        }
    }
}

enum RequestIDSource {
    static let counter = Atomic<UInt64>(0)
    static let key = UInt64.random(in: .min ... .max)
    static let prefix = UInt32.random(in: .min ... .max)

    /// SplitMix64's finaliser: a bijection on 64 bits.
    static func mix(_ input: UInt64) -> UInt64 {
        var z = input
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

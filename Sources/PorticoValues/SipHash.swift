/// SipHash-2-4 with a 128-bit output (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
/// 2012; the reference implementation's 128-bit mode).
///
/// Portico tags documents with it (their `ETag`): the tag must be the same on every instance and
/// after a restart, so the key is fixed, and with a public key SipHash is a fast, well-mixed
/// checksum rather than a MAC. That is what a validator needs: two versions of one document
/// colliding by chance is a 2⁻¹²⁸ event, at about a quarter of SHA-256's cost per byte.
///
/// ```swift
/// let tag = SipHash.hash128(bytes, key: SipHash.Key(0x0706050403020100, 0x0F0E0D0C0B0A0908))
/// ```
public enum SipHash {
    public struct Key: Sendable {
        public let k0: UInt64
        public let k1: UInt64
        public init(_ k0: UInt64, _ k1: UInt64) {
            self.k0 = k0
            self.k1 = k1
        }
    }

    /// The 128-bit hash of `bytes`, as the reference implementation writes it: the first
    /// 64-bit half, then the second, each little-endian.
    public static func hash128(_ bytes: UnsafeRawBufferPointer, key: Key) -> (UInt64, UInt64) {
        var state = State(key, wide: true)
        state.absorb(bytes)
        state.v2 ^= 0xEE
        state.rounds(4)
        let first = state.v0 ^ state.v1 ^ state.v2 ^ state.v3
        state.v1 ^= 0xDD
        state.rounds(4)
        return (first, state.v0 ^ state.v1 ^ state.v2 ^ state.v3)
    }

    /// The 64-bit hash of `bytes` (the paper's function).
    public static func hash64(_ bytes: UnsafeRawBufferPointer, key: Key) -> UInt64 {
        var state = State(key, wide: false)
        state.absorb(bytes)
        state.v2 ^= 0xFF
        state.rounds(4)
        return state.v0 ^ state.v1 ^ state.v2 ^ state.v3
    }

    struct State {
        var v0: UInt64
        var v1: UInt64
        var v2: UInt64
        var v3: UInt64

        init(_ key: Key, wide: Bool) {
            v0 = key.k0 ^ 0x736f_6d65_7073_6575
            v1 = key.k1 ^ 0x646f_7261_6e64_6f6d ^ (wide ? 0xEE : 0)
            v2 = key.k0 ^ 0x6c79_6765_6e65_7261
            v3 = key.k1 ^ 0x7465_6462_7974_6573
        }

        /// Every 8-byte word of `bytes`, then the last one (the tail and the length).
        mutating func absorb(_ bytes: UnsafeRawBufferPointer) {
            let blocks = bytes.count / 8
            for block in 0..<blocks {
                compress(bytes.loadUnaligned(fromByteOffset: block * 8, as: UInt64.self).littleEndian)
            }
            var last = UInt64(truncatingIfNeeded: bytes.count) << 56
            for index in stride(from: bytes.count - 1, through: blocks * 8, by: -1) {
                last |= UInt64(bytes[index]) << UInt64(8 * (index - blocks * 8))
            }
            compress(last)
        }

        /// One message word: two rounds (the "2" of SipHash-2-4).
        mutating func compress(_ word: UInt64) {
            v3 ^= word
            rounds(2)
            v0 ^= word
        }

        mutating func rounds(_ count: Int) {
            for _ in 0..<count {
                v0 &+= v1
                v1 = v1.rotatedLeft(13) ^ v0
                v0 = v0.rotatedLeft(32)
                v2 &+= v3
                v3 = v3.rotatedLeft(16) ^ v2
                v0 &+= v3
                v3 = v3.rotatedLeft(21) ^ v0
                v2 &+= v1
                v1 = v1.rotatedLeft(17) ^ v2
                v2 = v2.rotatedLeft(32)
            }
        }
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotatedLeft(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}

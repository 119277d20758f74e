/// Writes JSON text straight into a byte array: no intermediate objects, no Foundation.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Whether the next value in each open container needs a comma first, one bit per level
    /// (bit 0 the innermost), so usual nesting costs no allocation.
    private var commaBits: UInt64 = 0
    /// Open containers; past 63 the outermost levels' bits move to `spilled`.
    private var depth = 0
    private var spilled: [Bool] = []

    public init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    private mutating func separate() {
        if commaBits & 1 == 1 { bytes.append(0x2C) }
        commaBits |= 1
    }

    private mutating func open(_ byte: UInt8) {
        separate()
        bytes.append(byte)
        if depth >= 63 { spilled.append(commaBits >> 63 == 1) }
        commaBits <<= 1
        depth += 1
    }

    private mutating func close(_ byte: UInt8) {
        bytes.append(byte)
        commaBits >>= 1
        depth -= 1
        if depth >= 63, spilled.removeLast() { commaBits |= 1 << 63 }
    }

    public mutating func beginObject() { open(0x7B) }
    public mutating func endObject() { close(0x7D) }
    public mutating func beginArray() { open(0x5B) }
    public mutating func endArray() { close(0x5D) }

    /// An object key; the value written next belongs to it.
    public mutating func key(_ name: String) {
        separate()
        appendString(name)
        bytes.append(0x3A)
        commaBits &= ~1
    }

    public mutating func string(_ value: String) { separate(); appendString(value) }
    public mutating func null() { separate(); bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }
    public mutating func bool(_ value: Bool) { separate(); bytes.append(contentsOf: value ? Array("true".utf8) : Array("false".utf8)) }
    public mutating func int(_ value: Int64) { separate(); bytes.append(contentsOf: String(value).utf8) }
    public mutating func uint(_ value: UInt64) { separate(); bytes.append(contentsOf: String(value).utf8) }

    public mutating func double(_ value: Double) {
        guard value.isFinite else { null(); return }
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Text already known to be one valid JSON value (validated JSON from the database, numbers).
    public mutating func raw(_ json: some Collection<UInt8>) { separate(); bytes.append(contentsOf: json) }

    /// A newline between NDJSON documents.
    public mutating func newline() { bytes.append(0x0A); resetNesting() }

    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        resetNesting()
    }

    private mutating func resetNesting() {
        commaBits = 0
        depth = 0
        spilled.removeAll(keepingCapacity: true)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendString(_ value: String) {
        bytes.append(0x22)
        // Most text needs no escaping: copy it whole.
        let copied = value.utf8.withContiguousStorageIfAvailable { text -> Bool in
            for byte in text where byte < 0x20 || byte == 0x22 || byte == 0x5C { return false }
            bytes.append(contentsOf: text)
            return true
        }
        if copied == true {
            bytes.append(0x22)
            return
        }
        for byte in value.utf8 {
            switch byte {
            case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
            case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
            case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
            case 0x00..<0x20:
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }
}

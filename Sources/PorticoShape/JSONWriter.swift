import PorticoValues

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
    ///
    /// A short key that needs no escaping (every mapped field name) is assembled on the stack,
    /// comma, quotes and colon included, and appended once: five appends per key were a tenth of
    /// a list page's shaping.
    public mutating func key(_ name: String) {
        var name = name
        let done = name.withUTF8 { utf8 -> Bool in
            guard utf8.count <= 64, !Self.needsEscaping(utf8) else { return false }
            let comma = commaBits & 1 == 1
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: utf8.count + 4) { out in
                var index = 0
                if comma { out[0] = 0x2C; index = 1 }
                out[index] = 0x22
                if let name = utf8.baseAddress { (out.baseAddress! + index + 1).initialize(from: name, count: utf8.count) }
                index += utf8.count + 1
                out[index] = 0x22
                out[index + 1] = 0x3A
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: out[..<(index + 2)]))
            }
            return true
        }
        if !done {
            separate()
            appendString(name)
            bytes.append(0x3A)
        }
        commaBits &= ~1
    }

    public mutating func string(_ value: String) { separate(); appendString(value) }
    public mutating func null() { separate(); append("null") }
    public mutating func bool(_ value: Bool) { separate(); append(value ? "true" : "false") }
    public mutating func int(_ value: Int64) {
        separate()
        if value < 0 { bytes.append(0x2D) }
        appendDigits(value.magnitude)
    }
    public mutating func uint(_ value: UInt64) { separate(); appendDigits(value) }

    /// A JSON string from UTF-8 bytes.
    public mutating func string(utf8 text: UnsafeBufferPointer<UInt8>) { separate(); appendQuoted(text) }

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

    private static let hex: StaticString = "0123456789abcdef"

    private mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Decimal digits, written into a stack buffer and copied once.
    private mutating func appendDigits(_ value: UInt64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            let end = DecimalDigits.write(value, width: DecimalDigits.count(value), into: digits, at: 0)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[..<end]))
        }
    }

    private mutating func appendString(_ value: String) {
        var value = value
        value.withUTF8 { appendQuoted($0) }
    }

    private mutating func appendQuoted(_ text: UnsafeBufferPointer<UInt8>) {
        bytes.append(0x22)
        // Most text needs no escaping: copy it whole.
        if !Self.needsEscaping(text) {
            bytes.append(contentsOf: text)
            bytes.append(0x22)
            return
        }
        for byte in text {
            switch byte {
            case 0x22: append("\\\"")
            case 0x5C: append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x00..<0x20:
                append("\\u00")
                Self.hex.withUTF8Buffer { hex in
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0xF)])
                }
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }

    /// Whether any byte is a control character, `"` or `\`: eight bytes at a time (a byte is
    /// below n when `(word - n×0x01…) & ~word & 0x80…` sets its high bit; equal to c when its
    /// XOR with c is zero).
    static func needsEscaping(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = text.baseAddress else { return false }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var index = 0
        while index + 8 <= text.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let hits = ((word &- ones &* 0x20) & ~word) | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
            if hits & highs != 0 { return true }
            index += 8
        }
        while index < text.count {
            let byte = text[index]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C { return true }
            index += 1
        }
        return false
    }
}

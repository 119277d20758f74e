import PorticoValues

/// Writes JSON text straight into memory of its own: no intermediate objects, no Foundation.
///
/// Noncopyable, so its storage needs no reference count or uniqueness check: an `Array`'s
/// append paid for both on every byte written.
public struct JSONWriter: ~Copyable, @unchecked Sendable {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// Whether the next value in each open container needs a comma first, one bit per level
    /// (bit 0 the innermost), so usual nesting costs no allocation.
    private var commaBits: UInt64 = 0
    /// Open containers; past 63 the outermost levels' bits move to `spilled`.
    private var depth = 0
    private var spilled: [Bool] = []

    public init(capacity: Int = 4096) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The document so far (a copy).
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Calls `body` with the document so far, without copying it.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    @inline(__always) private mutating func reserve(_ more: Int) {
        if count + more > capacity { grow(more) }
    }

    @inline(never) private mutating func grow(_ more: Int) {
        let grown = max(capacity * 2, count + more)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = grown
    }

    @inline(__always) private mutating func put(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always) private mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    private mutating func put(_ bytes: some Collection<UInt8>) {
        if bytes.withContiguousStorageIfAvailable({ put($0) }) != nil { return }
        reserve(bytes.count)
        for byte in bytes {
            base[count] = byte
            count += 1
        }
    }

    private mutating func separate() {
        if commaBits & 1 == 1 { put(0x2C) }
        commaBits |= 1
    }

    private mutating func open(_ byte: UInt8) {
        separate()
        put(byte)
        if depth >= 63 { spilled.append(commaBits >> 63 == 1) }
        commaBits <<= 1
        depth += 1
    }

    private mutating func close(_ byte: UInt8) {
        put(byte)
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
        put(0x3A)
        commaBits &= ~1
    }

    public mutating func string(_ value: String) {
        separate()
        appendString(value)
    }
    public mutating func null() {
        separate()
        append("null")
    }
    public mutating func bool(_ value: Bool) {
        separate()
        append(value ? "true" : "false")
    }
    public mutating func int(_ value: Int64) {
        separate()
        if value < 0 { put(0x2D) }
        appendDigits(value.magnitude)
    }
    public mutating func uint(_ value: UInt64) {
        separate()
        appendDigits(value)
    }

    /// `value` as a JSON string literal, quotes included: for the few small documents built as
    /// text (token responses, usage, admin answers), escaped exactly as documents are.
    public static func quoted(_ value: String) -> String {
        var writer = JSONWriter(capacity: value.utf8.count + 8)
        writer.string(value)
        return writer.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// A JSON string from UTF-8 bytes.
    public mutating func string(utf8 text: UnsafeBufferPointer<UInt8>) {
        separate()
        appendQuoted(text)
    }

    public mutating func double(_ value: Double) {
        guard value.isFinite else {
            null()
            return
        }
        separate()
        put(String(value).utf8)
    }

    /// Text already known to be one valid JSON value (validated JSON from the database, numbers).
    public mutating func raw(_ json: some Collection<UInt8>) {
        separate()
        put(json)
    }

    /// A newline between NDJSON documents.
    public mutating func newline() {
        put(0x0A)
        resetNesting()
    }

    public mutating func removeAll() {
        count = 0
        resetNesting()
    }

    private mutating func resetNesting() {
        commaBits = 0
        depth = 0
        spilled.removeAll(keepingCapacity: true)
    }

    private mutating func append(_ text: StaticString) {
        put(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Decimal digits, written into a stack buffer and copied once.
    private mutating func appendDigits(_ value: UInt64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            let end = DecimalDigits.write(value, width: DecimalDigits.count(value), into: digits, at: 0)
            put(UnsafeBufferPointer(rebasing: digits[..<end]))
        }
    }

    private mutating func appendString(_ value: String) {
        var value = value
        value.withUTF8 { appendQuoted($0) }
    }

    private mutating func appendQuoted(_ text: UnsafeBufferPointer<UInt8>) {
        put(0x22)
        // Most text needs no escaping: copy it whole.
        if !Self.needsEscaping(text) {
            put(text)
            put(0x22)
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
                put(HexDigits.digit(byte >> 4))
                put(HexDigits.digit(byte))
            default: put(byte)
            }
        }
        put(0x22)
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

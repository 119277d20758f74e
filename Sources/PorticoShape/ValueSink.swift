/// Where a rendered value goes: a JSON document or a CSV cell.
public protocol ValueSink: ~Copyable {
    mutating func string(_ value: String)
    mutating func null()
    mutating func bool(_ value: Bool)
    mutating func int(_ value: Int64)
    mutating func uint(_ value: UInt64)
    mutating func double(_ value: Double)
    /// Text that is one valid JSON value.
    mutating func raw(_ json: some Collection<UInt8>)
}

extension JSONWriter: ValueSink {}

/// One CSV cell's text.
struct CSVCell: ValueSink {
    var text = ""
    /// Strings are text a spreadsheet could take for a formula; numbers are not.
    var isString = false

    mutating func string(_ value: String) {
        text = value
        isString = true
    }
    /// Whether the value was null (its text is empty).
    var isNull = false
    /// The value, when it was a boolean.
    var bool: Bool?

    mutating func null() {
        text = ""
        isNull = true
    }
    mutating func bool(_ value: Bool) {
        text = value ? "true" : "false"
        bool = value
    }
    mutating func int(_ value: Int64) { text = String(value) }
    mutating func uint(_ value: UInt64) { text = String(value) }
    mutating func double(_ value: Double) { text = value.isFinite ? String(value) : "" }
    mutating func raw(_ json: some Collection<UInt8>) {
        text = String(decoding: json, as: UTF8.self)
        isString = true
    }
}

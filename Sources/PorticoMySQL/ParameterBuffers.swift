import CMySQL

/// The C memory behind a statement's bound parameters: one `MYSQL_BIND` per parameter and one
/// arena that holds all their values. Its ``PreparedStatement`` keeps it and every execution
/// rebinds into it (executions of one statement never overlap, and the memory only has to
/// outlive `mysql_stmt_execute`), so once warm a bind allocates nothing: a point read binds one
/// value per granted account, and a `malloc` per value was a sixth of its cost.
///
/// `mysql_stmt_bind_param` copies the binds into the statement; the server is then sent whatever
/// the bound buffers hold at each execute. So when an execution's binds describe the same types,
/// lengths and addresses as the last one's, only the values are written and the statement is
/// not bound again (the copy is measurable on a point read: bench/results).
final class ParameterBuffers {
    private var binds: UnsafeMutablePointer<MYSQL_BIND>
    private var bindCapacity = 1
    private var arena: UnsafeMutableRawPointer
    private var arenaCapacity = 256
    /// How many binds the statement holds from the last `mysql_stmt_bind_param`; -1 for none.
    private var boundCount = -1

    /// Slots in the arena are this aligned: enough for `Int64`, `Double` and `MYSQL_TIME`.
    private static let alignment = 8

    init() {
        binds = .allocate(capacity: 1)
        binds.initialize(to: MYSQL_BIND())
        arena = .allocate(byteCount: arenaCapacity, alignment: Self.alignment)
    }

    deinit {
        binds.deinitialize(count: bindCapacity)
        binds.deallocate()
        arena.deallocate()
    }

    /// Writes `values` into the binds and the arena, valid until the next call, and returns the
    /// binds when the statement must be bound again (`nil` when the last binding still describes
    /// them). A caller that gets binds must bind them or call ``forget()``.
    func bind(_ values: [MySQLValue]) -> UnsafeMutablePointer<MYSQL_BIND>? {
        var changed = values.count != boundCount
        if values.count > bindCapacity {
            binds.deinitialize(count: bindCapacity)
            binds.deallocate()
            bindCapacity = max(values.count, bindCapacity * 2)
            binds = .allocate(capacity: bindCapacity)
            binds.initialize(repeating: MYSQL_BIND(), count: bindCapacity)
            changed = true
        }
        var offset = 0
        var index = values.startIndex
        while index < values.endIndex {
            let value = values[index]
            let size = Self.slotSize(value)
            if offset + size > arenaCapacity {
                // Grow and start again: the values written so far point into the old arena.
                arena.deallocate()
                arenaCapacity = max(arenaCapacity * 2, values.reduce(0) { $0 + Self.slotSize($1) })
                arena = .allocate(byteCount: arenaCapacity, alignment: Self.alignment)
                changed = true
                offset = 0
                index = values.startIndex
                continue
            }
            let slot = arena + offset
            let layout = Self.write(value, at: slot)
            let buffer = layout.type == MYSQL_TYPE_NULL ? nil : slot
            let bind = binds + index
            if bind.pointee.buffer_type != layout.type || bind.pointee.buffer != buffer || bind.pointee.buffer_length != layout.length
                || bind.pointee.is_unsigned != layout.unsigned
            {
                bind.pointee.buffer_type = layout.type
                bind.pointee.buffer = buffer
                bind.pointee.buffer_length = layout.length
                bind.pointee.is_unsigned = layout.unsigned
                changed = true
            }
            offset += size
            index += 1
        }
        if !changed { return nil }
        boundCount = values.count
        return binds
    }

    /// The statement's binding failed: the next execution binds again.
    func forget() { boundCount = -1 }

    /// The arena bytes `value` takes, rounded up to the slot alignment.
    private static func slotSize(_ value: MySQLValue) -> Int {
        let size =
            switch value {
            case .null: 0
            case .int, .uint, .bits, .double: 8
            case .float: 4
            case .bool: 1
            case .decimal(let text), .string(let text): text.utf8.count
            case .bytes(let bytes): bytes.count
            case .date, .datetime, .time, .zeroDate: MemoryLayout<MYSQL_TIME>.size
            }
        return (size + alignment - 1) & ~(alignment - 1)
    }

    /// How one value is bound: its C type, its length in the arena and signedness.
    private struct Layout {
        var type: enum_field_types
        var length: UInt = 0
        var unsigned: my_bool = 0
    }

    /// Writes `value` into its arena slot and says how it is bound.
    private static func write(_ value: MySQLValue, at slot: UnsafeMutableRawPointer) -> Layout {
        func store<T>(_ scalar: T, _ type: enum_field_types) -> Layout {
            slot.storeBytes(of: scalar, as: T.self)
            return Layout(type: type, length: UInt(MemoryLayout<T>.size))
        }
        func storeBytes(_ bytes: UnsafeRawBufferPointer, _ type: enum_field_types) -> Layout {
            if let base = bytes.baseAddress, !bytes.isEmpty { slot.copyMemory(from: base, byteCount: bytes.count) }
            return Layout(type: type, length: UInt(bytes.count))
        }
        func storeText(_ text: String, _ type: enum_field_types) -> Layout {
            var text = text
            return text.withUTF8 { storeBytes(UnsafeRawBufferPointer($0), type) }
        }
        switch value {
        case .null:
            return Layout(type: MYSQL_TYPE_NULL)
        case .int(let v):
            return store(v, MYSQL_TYPE_LONGLONG)
        case .uint(let v), .bits(let v):
            var layout = store(v, MYSQL_TYPE_LONGLONG)
            layout.unsigned = 1
            return layout
        case .bool(let v):
            return store(Int8(v ? 1 : 0), MYSQL_TYPE_TINY)
        case .float(let v):
            return store(v, MYSQL_TYPE_FLOAT)
        case .double(let v):
            return store(v, MYSQL_TYPE_DOUBLE)
        case .decimal(let text):
            return storeText(text, MYSQL_TYPE_NEWDECIMAL)
        case .string(let text):
            return storeText(text, MYSQL_TYPE_STRING)
        case .bytes(let bytes):
            return bytes.withUnsafeBytes { storeBytes($0, MYSQL_TYPE_BLOB) }
        case .date(let d):
            return store(MYSQL_TIME(d), MYSQL_TYPE_DATE)
        case .datetime(let dt):
            return store(MYSQL_TIME(dt), MYSQL_TYPE_DATETIME)
        case .time(let t):
            return store(MYSQL_TIME(t), MYSQL_TYPE_TIME)
        case .zeroDate:
            return store(MYSQL_TIME(), MYSQL_TYPE_DATETIME)
        }
    }
}

extension MYSQL_TIME {
    init(_ d: MySQLDate) {
        self.init()
        year = UInt32(clamping: d.year)
        month = UInt32(clamping: d.month)
        day = UInt32(clamping: d.day)
        time_type = MYSQL_TIMESTAMP_DATE
    }

    init(_ dt: MySQLDateTime) {
        self.init(dt.date)
        hour = UInt32(clamping: dt.hour)
        minute = UInt32(clamping: dt.minute)
        second = UInt32(clamping: dt.second)
        second_part = UInt(clamping: dt.microsecond)
        time_type = MYSQL_TIMESTAMP_DATETIME
    }

    init(_ t: MySQLTime) {
        self.init()
        hour = UInt32(clamping: t.hours)
        minute = UInt32(clamping: t.minutes)
        second = UInt32(clamping: t.seconds)
        second_part = UInt(clamping: t.microseconds)
        neg = t.isNegative ? 1 : 0
        time_type = MYSQL_TIMESTAMP_TIME
    }
}

import CMySQL

/// The C memory behind one execution's bound parameters. It must outlive `mysql_stmt_execute`,
/// and is freed when this object goes.
final class ParameterBuffers {
    let binds: UnsafeMutablePointer<MYSQL_BIND>
    private var allocations: [UnsafeMutableRawPointer] = []
    private let count: Int

    init(_ values: [MySQLValue]) {
        count = values.count
        binds = .allocate(capacity: max(count, 1))
        binds.initialize(repeating: MYSQL_BIND(), count: max(count, 1))
        for (index, value) in values.enumerated() {
            bind(value, into: &binds[index])
        }
    }

    deinit {
        for pointer in allocations { pointer.deallocate() }
        binds.deinitialize(count: max(count, 1))
        binds.deallocate()
    }

    private func store<T>(_ value: T) -> UnsafeMutableRawPointer {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<T>.size, alignment: MemoryLayout<T>.alignment)
        pointer.storeBytes(of: value, as: T.self)
        allocations.append(pointer)
        return pointer
    }

    private func storeBytes(_ bytes: some Collection<UInt8>, into bind: inout MYSQL_BIND) {
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        pointer.copyMemory(from: Array(bytes), byteCount: bytes.count)
        allocations.append(pointer)
        bind.buffer = pointer
        bind.buffer_length = UInt(bytes.count)
    }

    private func storeTime(_ time: MYSQL_TIME, type: enum_field_types, into bind: inout MYSQL_BIND) {
        bind.buffer_type = type
        bind.buffer = store(time)
        bind.buffer_length = UInt(MemoryLayout<MYSQL_TIME>.size)
    }

    private func bind(_ value: MySQLValue, into bind: inout MYSQL_BIND) {
        switch value {
        case .null:
            bind.buffer_type = MYSQL_TYPE_NULL
        case .int(let v):
            bind.buffer_type = MYSQL_TYPE_LONGLONG
            bind.buffer = store(v)
        case .uint(let v), .bits(let v):
            bind.buffer_type = MYSQL_TYPE_LONGLONG
            bind.buffer = store(v)
            bind.is_unsigned = 1
        case .bool(let v):
            bind.buffer_type = MYSQL_TYPE_TINY
            bind.buffer = store(Int8(v ? 1 : 0))
        case .float(let v):
            bind.buffer_type = MYSQL_TYPE_FLOAT
            bind.buffer = store(v)
        case .double(let v):
            bind.buffer_type = MYSQL_TYPE_DOUBLE
            bind.buffer = store(v)
        case .decimal(let text):
            bind.buffer_type = MYSQL_TYPE_NEWDECIMAL
            storeBytes(text.utf8, into: &bind)
        case .string(let text):
            bind.buffer_type = MYSQL_TYPE_STRING
            storeBytes(text.utf8, into: &bind)
        case .bytes(let bytes):
            bind.buffer_type = MYSQL_TYPE_BLOB
            storeBytes(bytes, into: &bind)
        case .date(let d):
            storeTime(MYSQL_TIME(d), type: MYSQL_TYPE_DATE, into: &bind)
        case .datetime(let dt):
            storeTime(MYSQL_TIME(dt), type: MYSQL_TYPE_DATETIME, into: &bind)
        case .time(let t):
            storeTime(MYSQL_TIME(t), type: MYSQL_TYPE_TIME, into: &bind)
        case .zeroDate:
            storeTime(MYSQL_TIME(), type: MYSQL_TYPE_DATETIME, into: &bind)
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

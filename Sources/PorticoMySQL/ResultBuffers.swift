import CMySQL

/// How a result column is fetched and decoded.
enum CellKind: Equatable {
    case null, signed, unsigned, float, double, decimal, text, binary, bits, date, datetime, time

    init(_ column: MySQLColumn) {
        switch column.typeCode {
        case 1, 2, 3, 8, 9, 13:  // TINY, SHORT, LONG, LONGLONG, INT24, YEAR
            self = column.isUnsigned ? .unsigned : .signed
        case 4: self = .float
        case 5: self = .double
        case 0, 246: self = .decimal  // DECIMAL, NEWDECIMAL
        case 6: self = .null
        case 10, 14: self = .date  // DATE, NEWDATE
        case 7, 12, 17, 18: self = .datetime  // TIMESTAMP, DATETIME (and their v2 forms)
        case 11, 19: self = .time
        case 16: self = .bits
        case 245, 247, 248: self = .text  // JSON (MySQL), ENUM, SET
        case 255: self = .binary  // GEOMETRY
        default:  // VARCHAR, VAR_STRING, STRING and the BLOB family: text unless the collation is binary
            self = column.isBinary ? .binary : .text
        }
    }

    /// The C type to fetch into, and how many bytes to allocate first.
    func fetchType(declaredLength: UInt) -> (enum_field_types, Int) {
        switch self {
        case .null: (MYSQL_TYPE_NULL, 1)
        case .signed, .unsigned: (MYSQL_TYPE_LONGLONG, 8)
        case .float: (MYSQL_TYPE_FLOAT, 4)
        case .double: (MYSQL_TYPE_DOUBLE, 8)
        case .date: (MYSQL_TYPE_DATE, MemoryLayout<MYSQL_TIME>.size)
        case .datetime: (MYSQL_TYPE_DATETIME, MemoryLayout<MYSQL_TIME>.size)
        case .time: (MYSQL_TYPE_TIME, MemoryLayout<MYSQL_TIME>.size)
        case .decimal: (MYSQL_TYPE_STRING, 80)
        case .bits: (MYSQL_TYPE_BLOB, 8)
        case .text, .binary:
            // Start small; a longer value is fetched again at its full length (see `fetchLong`).
            (MYSQL_TYPE_BLOB, Int(min(max(declaredLength, 16), 512)))
        }
    }
}

/// The C memory a statement fetches rows into, shaped for one result layout. Kept with the
/// statement and reused for every execution with the same columns.
final class ResultBuffers {
    let columns: [MySQLColumn]
    let kinds: [CellKind]
    let binds: UnsafeMutablePointer<MYSQL_BIND>
    private let lengths: UnsafeMutablePointer<UInt>
    private let nulls: UnsafeMutablePointer<CChar>
    private let errors: UnsafeMutablePointer<CChar>
    /// Constants after init: as `var`s, every read in the decoding loop paid a dynamic
    /// exclusivity check.
    private let buffers: [UnsafeMutableRawPointer]
    private let capacities: [Int]

    init(columns: [MySQLColumn]) {
        self.columns = columns
        kinds = columns.map(CellKind.init)
        let n = max(columns.count, 1)
        binds = .allocate(capacity: n)
        binds.initialize(repeating: MYSQL_BIND(), count: n)
        lengths = .allocate(capacity: n)
        lengths.initialize(repeating: 0, count: n)
        nulls = .allocate(capacity: n)
        nulls.initialize(repeating: 0, count: n)
        errors = .allocate(capacity: n)
        errors.initialize(repeating: 0, count: n)
        var buffers: [UnsafeMutableRawPointer] = []
        var capacities: [Int] = []
        for (index, kind) in kinds.enumerated() {
            let (type, size) = kind.fetchType(declaredLength: columns[index].length)
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            buffers.append(buffer)
            capacities.append(size)
            binds[index].buffer_type = type
            binds[index].buffer = buffer
            binds[index].buffer_length = UInt(size)
            binds[index].length = lengths + index
            binds[index].is_null = nulls + index
            binds[index].error = errors + index
            binds[index].is_unsigned = kind == .unsigned ? 1 : 0
        }
        self.buffers = buffers
        self.capacities = capacities
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
        let n = max(columns.count, 1)
        binds.deinitialize(count: n)
        binds.deallocate()
        lengths.deallocate()
        nulls.deallocate()
        errors.deallocate()
    }

    /// Decodes the row the last `mysql_stmt_fetch` wrote into the buffers.
    func decodeRow(_ stmt: UnsafeMutablePointer<MYSQL_STMT>) throws(MySQLError) -> MySQLRow {
        var values: [MySQLValue] = []
        values.reserveCapacity(columns.count)
        for index in 0..<columns.count {
            values.append(try decode(index, stmt))
        }
        return MySQLRow(values)
    }

    private func decode(_ index: Int, _ stmt: UnsafeMutablePointer<MYSQL_STMT>) throws(MySQLError) -> MySQLValue {
        if nulls[index] != 0 { return .null }
        let buffer = buffers[index]
        switch kinds[index] {
        case .null: return .null
        case .signed: return .int(buffer.load(as: Int64.self))
        case .unsigned: return .uint(buffer.load(as: UInt64.self))
        case .float: return .float(buffer.load(as: Float.self))
        case .double: return .double(buffer.load(as: Double.self))
        case .date:
            let t = buffer.load(as: MYSQL_TIME.self)
            if t.year == 0 && t.month == 0 && t.day == 0 { return .zeroDate }
            return .date(MySQLDate(year: Int(t.year), month: Int(t.month), day: Int(t.day)))
        case .datetime:
            let t = buffer.load(as: MYSQL_TIME.self)
            if t.year == 0 && t.month == 0 && t.day == 0 && t.hour == 0 && t.minute == 0 && t.second == 0 && t.second_part == 0 {
                return .zeroDate
            }
            return .datetime(
                MySQLDateTime(
                    year: Int(t.year), month: Int(t.month), day: Int(t.day),
                    hour: Int(t.hour), minute: Int(t.minute), second: Int(t.second), microsecond: Int(t.second_part)
                ))
        case .time:
            let t = buffer.load(as: MYSQL_TIME.self)
            // Some library versions keep whole days in `day`; fold them into hours.
            return .time(
                MySQLTime(
                    isNegative: t.neg != 0, hours: Int(t.day) * 24 + Int(t.hour),
                    minutes: Int(t.minute), seconds: Int(t.second), microseconds: Int(t.second_part)
                ))
        case .decimal, .text, .binary, .bits:
            return try withBytes(index, stmt) { bytes in
                switch kinds[index] {
                case .decimal: .decimal(String(decoding: bytes, as: UTF8.self))
                case .text: .string(String(decoding: bytes, as: UTF8.self))
                case .bits: .bits(bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
                default: .bytes(Array(bytes))
                }
            }
        }
    }

    /// Calls `body` with the column's bytes, fetching them again at full length when the value
    /// was longer than the buffer (`mysql_stmt_fetch_column`).
    private func withBytes<R>(
        _ index: Int, _ stmt: UnsafeMutablePointer<MYSQL_STMT>, _ body: (UnsafeRawBufferPointer) -> R
    ) throws(MySQLError) -> R {
        let length = Int(lengths[index])
        if length <= capacities[index] {
            return body(UnsafeRawBufferPointer(start: buffers[index], count: length))
        }
        let long = UnsafeMutableRawPointer.allocate(byteCount: length, alignment: 1)
        defer { long.deallocate() }
        var bind = MYSQL_BIND()
        var fetched: UInt = 0
        var isNull: CChar = 0
        bind.buffer_type = binds[index].buffer_type
        bind.buffer = long
        bind.buffer_length = UInt(length)
        let rc = withUnsafeMutablePointer(to: &fetched) { fetchedPtr in
            withUnsafeMutablePointer(to: &isNull) { nullPtr in
                bind.length = fetchedPtr
                bind.is_null = nullPtr
                return mysql_stmt_fetch_column(stmt, &bind, UInt32(index), 0)
            }
        }
        if rc != 0 {
            throw MySQLError.last(on: stmt, phase: .execute)
        }
        return body(UnsafeRawBufferPointer(start: long, count: min(Int(fetched), length)))
    }
}

import CMySQL

#if canImport(Glibc)
import Glibc
#endif

/// A server-side prepared statement and the buffers its results are fetched into.
/// Owned by one ``MySQLConnection`` and used only on its thread.
final class PreparedStatement {
    let sql: String
    let handle: UnsafeMutablePointer<MYSQL_STMT>
    /// Known only after a successful `mysql_stmt_prepare`.
    var parameterCount: Int { Int(mysql_stmt_param_count(handle)) }
    var lastUse: UInt64 = 0
    private var result: ResultBuffers?
    private let parameters = ParameterBuffers()
    private var closed = false

    init(sql: String, handle: UnsafeMutablePointer<MYSQL_STMT>) {
        self.sql = sql
        self.handle = handle
    }

    func close() {
        guard !closed else { return }
        closed = true
        _ = mysql_stmt_close(handle)
    }

    func error(phase: MySQLError.Kind) -> MySQLError {
        MySQLError.last(on: handle, phase: phase)
    }

    /// Binds `values` and executes. Returns the result's columns (empty for statements without rows).
    func execute(_ values: [MySQLValue], buffered: Bool) throws(MySQLError) -> [MySQLColumn] {
        guard values.count == parameterCount else {
            throw .misuse("statement takes \(parameterCount) parameters, \(values.count) given")
        }
        if parameterCount > 0, let binds = parameters.bind(values), mysql_stmt_bind_param(handle, binds) != 0 {
            parameters.forget()
            throw error(phase: .execute)
        }
        if mysql_stmt_execute(handle) != 0 {
            parameters.forget()
            throw error(phase: .execute)
        }
        return try bindResult(buffered: buffered)
    }

    /// Reads the result's metadata for this execution and binds buffers that match it. The types
    /// can differ between executions (a `SELECT ?` column is VARBINARY at prepare time and takes
    /// the bound value's type after execute), so buffers are reused only when the columns match.
    /// The check reads the C metadata in place: building the names as strings each time cost a
    /// point read more than its parameters.
    private func bindResult(buffered: Bool) throws(MySQLError) -> [MySQLColumn] {
        guard let metadata = mysql_stmt_result_metadata(handle) else { return [] }
        defer { mysql_free_result(metadata) }
        let count = Int(mysql_num_fields(metadata))
        guard let fields = mysql_fetch_fields(metadata) else { return [] }
        let described = UnsafeBufferPointer(start: fields, count: count)
        let result: ResultBuffers
        if let current = self.result, Self.describe(current.columns, described) {
            result = current
        } else {
            result = ResultBuffers(columns: described.map(MySQLColumn.init))
            self.result = result
        }
        if mysql_stmt_bind_result(handle, result.binds) != 0 { throw error(phase: .execute) }
        if buffered, mysql_stmt_store_result(handle) != 0 { throw error(phase: .execute) }
        return result.columns
    }

    /// Whether `fields` describe `columns`, one by one, compared in place: by index rather than
    /// through iterators, which copy each column (and retain its strings) to compare it.
    private static func describe(_ columns: [MySQLColumn], _ fields: UnsafeBufferPointer<MYSQL_FIELD>) -> Bool {
        guard columns.count == fields.count else { return false }
        for index in columns.indices where !describes(columns[index], fields[index]) { return false }
        return true
    }

    /// Whether `field` describes `column`, compared without copying the field's strings.
    private static func describes(_ column: MySQLColumn, _ field: MYSQL_FIELD) -> Bool {
        column.typeCode == field.type.rawValue && column.flags == field.flags && column.charset == field.charsetnr
            && column.length == field.length && column.decimals == field.decimals
            && same(column.name, field.name, field.name_length) && same(column.table, field.table, field.table_length)
    }

    private static func same(_ text: String, _ pointer: UnsafeMutablePointer<CChar>?, _ length: UInt32) -> Bool {
        guard let pointer else { return text.isEmpty }
        let utf8 = text.utf8
        guard utf8.count == Int(length) else { return false }
        return utf8.withContiguousStorageIfAvailable { $0.isEmpty || memcmp($0.baseAddress!, pointer, $0.count) == 0 }
            ?? utf8.elementsEqual(UnsafeRawBufferPointer(start: pointer, count: Int(length)))
    }

    /// The next row, or `nil` when the result is exhausted.
    func fetch() throws(MySQLError) -> MySQLRow? {
        guard let result else { return nil }
        let rc = mysql_stmt_fetch(handle)
        switch rc {
        case 0, MYSQL_DATA_TRUNCATED:
            return try result.decodeRow(handle)
        case MYSQL_NO_DATA:
            return nil
        default:
            throw error(phase: .execute)
        }
    }

    /// Frees the current result so the connection can run the next command.
    func finishResult() {
        _ = mysql_stmt_free_result(handle)
    }

    var affectedRows: UInt64 { mysql_stmt_affected_rows(handle) }
    var insertID: UInt64 { mysql_stmt_insert_id(handle) }
}

extension MySQLColumn {
    init(_ field: MYSQL_FIELD) {
        self.init(
            name: String(cString: field.name), table: field.table.map { String(cString: $0) } ?? "",
            typeCode: field.type.rawValue, flags: field.flags, charset: field.charsetnr, length: field.length, decimals: field.decimals
        )
    }
}

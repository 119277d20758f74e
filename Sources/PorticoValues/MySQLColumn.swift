/// A result column's metadata, as the server described it for this execution.
public struct MySQLColumn: Sendable, Hashable {
    /// The column's label in the result (`AS` alias or name).
    public let name: String
    /// The underlying table (empty for expressions).
    public let table: String
    /// The `enum_field_types` number (`MYSQL_TYPE_*`).
    public let typeCode: UInt32
    /// Column flags (`UNSIGNED_FLAG`, `ENUM_FLAG`, …).
    public let flags: UInt32
    /// The collation number; 63 means binary.
    public let charset: UInt32
    /// The declared display width (for `BIT(n)`, n).
    public let length: UInt
    public let decimals: UInt32

    public init(name: String, table: String, typeCode: UInt32, flags: UInt32, charset: UInt32, length: UInt, decimals: UInt32) {
        self.name = name
        self.table = table
        self.typeCode = typeCode
        self.flags = flags
        self.charset = charset
        self.length = length
        self.decimals = decimals
    }

    public var isUnsigned: Bool { flags & 32 != 0 }
    public var isBinary: Bool { charset == 63 }
    public var isNullable: Bool { flags & 1 == 0 }
}

/// One row of a result: cells in column order.
public struct MySQLRow: Sendable, Hashable {
    public var values: [MySQLValue]

    public init(_ values: [MySQLValue]) { self.values = values }

    /// Inlinable, so shaping reads a cell in place instead of calling out for a copy.
    @inlinable public subscript(index: Int) -> MySQLValue { values[index] }
    public var count: Int { values.count }
}

/// A fully read result: columns, rows, and for statements without rows the counts.
public struct MySQLResult: Sendable {
    public let columns: [MySQLColumn]
    public let rows: [MySQLRow]
    public let affectedRows: UInt64
    public let lastInsertID: UInt64

    public init(columns: [MySQLColumn], rows: [MySQLRow], affectedRows: UInt64, lastInsertID: UInt64) {
        self.columns = columns
        self.rows = rows
        self.affectedRows = affectedRows
        self.lastInsertID = lastInsertID
    }

    /// The index of the column with this label, if any.
    public func columnIndex(_ name: String) -> Int? { columns.firstIndex { $0.name == name } }
}

/// The product database's tables as `information_schema` describes them: what
/// `portico check --database` compares the mappings with, and what `portico scaffold` starts from.
public struct ProductSchema: Sendable {
    public struct Column: Sendable, Hashable {
        public let name: String
        /// `information_schema.columns.data_type`: `int`, `varchar`, `datetime`, …
        public let dataType: String
        /// `column_type`: `int(10) unsigned`, `enum('Y','N')`, `tinyint(1)`, …
        public let columnType: String
        public let isNullable: Bool
        /// The default as `information_schema` shows it, such as `'0000-00-00 00:00:00'`.
        public let defaultValue: String?
        public let isPrimaryKey: Bool

        public init(name: String, dataType: String, columnType: String, isNullable: Bool, defaultValue: String?, isPrimaryKey: Bool) {
            self.name = name
            self.dataType = dataType.lowercased()
            self.columnType = columnType.lowercased()
            self.isNullable = isNullable
            self.defaultValue = defaultValue
            self.isPrimaryKey = isPrimaryKey
        }

        public var isInteger: Bool { ["tinyint", "smallint", "mediumint", "int", "bigint", "year"].contains(dataType) }
        public var isText: Bool { ["char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set", "json"].contains(dataType) }
        public var isTemporal: Bool { ["date", "datetime", "timestamp"].contains(dataType) }
        /// A DECIMAL's digits after the point, from `decimal(10,2)`; nil for other types.
        public var decimalScale: Int? {
            guard dataType == "decimal", let comma = columnType.firstIndex(of: ","), let close = columnType.firstIndex(of: ")") else {
                return dataType == "decimal" ? 0 : nil
            }
            return Int(columnType[columnType.index(after: comma)..<close])
        }
        /// True when the column can hold the legacy zero date (its default is one).
        public var defaultsToZeroDate: Bool { defaultValue?.contains("0000-00-00") == true }
    }

    public struct Table: Sendable {
        public let name: String
        /// Columns in table order.
        public let columns: [Column]
        /// Each index's columns in order, the primary key included.
        public let indexes: [String: [String]]

        public init(name: String, columns: [Column], indexes: [String: [String]]) {
            self.name = name
            self.columns = columns
            self.indexes = indexes
        }

        public func column(_ name: String) -> Column? { columns.first { $0.name.lowercased() == name.lowercased() } }
        public var primaryKey: [String] { indexes["PRIMARY"] ?? [] }
    }

    public let name: String
    public let tables: [String: Table]

    public init(name: String, tables: [String: Table]) {
        self.name = name
        self.tables = tables
    }

    public func table(_ name: String) -> Table? { tables[name] ?? tables.first { $0.key.lowercased() == name.lowercased() }?.value }
}

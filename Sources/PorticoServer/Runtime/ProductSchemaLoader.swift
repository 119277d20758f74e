public import PorticoCatalog
public import PorticoMySQL

/// Reads the product schema's tables, columns and indexes from `information_schema`, for
/// `portico check --database` and `portico scaffold`. Only the connection's current database is
/// read, and only what the (read-only) user may see.
public enum ProductSchemaLoader {
    public static func load(from pool: MySQLConnectionPool) async throws -> ProductSchema {
        let database = try await pool.query("SELECT DATABASE()").rows.first?[0].text ?? ""
        let columns = try await pool.query(
            """
            SELECT table_name, column_name, data_type, column_type, is_nullable, column_default, column_key
            FROM information_schema.columns WHERE table_schema = ? ORDER BY table_name, ordinal_position
            """, [.string(database)])
        let indexes = try await pool.query(
            """
            SELECT table_name, index_name, column_name
            FROM information_schema.statistics WHERE table_schema = ? ORDER BY table_name, index_name, seq_in_index
            """, [.string(database)])
        var tableColumns: [String: [ProductSchema.Column]] = [:]
        for row in columns.rows {
            let table = row[0].text ?? ""
            tableColumns[table, default: []].append(
                ProductSchema.Column(
                    name: row[1].text ?? "", dataType: row[2].text ?? "", columnType: row[3].text ?? "",
                    isNullable: row[4].text == "YES", defaultValue: row[5].text, isPrimaryKey: row[6].text == "PRI"
                ))
        }
        var tableIndexes: [String: [String: [String]]] = [:]
        for row in indexes.rows {
            tableIndexes[row[0].text ?? "", default: [:]][row[1].text ?? "", default: []].append(row[2].text ?? "")
        }
        var tables: [String: ProductSchema.Table] = [:]
        for (name, columns) in tableColumns {
            tables[name] = ProductSchema.Table(name: name, columns: columns, indexes: tableIndexes[name] ?? [:])
        }
        return ProductSchema(name: database, tables: tables)
    }
}

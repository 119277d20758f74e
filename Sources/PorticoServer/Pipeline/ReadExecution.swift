public import PorticoMySQL
public import PorticoQuery
public import PorticoShape
public import PorticoValues

/// The execute stage of a page or an item: the main statement, then one statement per embed.
public enum ReadExecution {
    /// Runs all of a planned read's statements one after the other in a single visit to a pooled
    /// connection's thread, so a point read with two embeds costs one thread hop there and back
    /// instead of three. Exports stream instead (``ExportWriter``). `portico-bench` calls this
    /// too, so the ceiling issues statements exactly as Portico does.
    public static func run(_ planned: PlannedRead, on pool: MySQLConnectionPool) async throws -> ([MySQLRow], [EmbedRows]) {
        try await pool.read { connection in
            let main = SQLRenderer.render(planned)
            let rows = try connection.query(main.text, main.binds).rows
            let embeds = try planned.embeds.map { embed in
                EmbedRows(embed: embed, rows: try embed.query(forParents: rows).map { try connection.query($0.text, $0.binds).rows } ?? [])
            }
            return (rows, embeds)
        }
    }

    /// An export batch's embeds: one statement per embed, run at once on separate pooled
    /// connections (they do not depend on each other, and the export reads its next batch
    /// meanwhile).
    public static func loadEmbeds(_ planned: PlannedRead, _ rows: [MySQLRow], on pool: MySQLConnectionPool) async throws -> [EmbedRows] {
        var results = [[MySQLRow]](repeating: [], count: planned.embeds.count)
        try await withThrowingTaskGroup(of: (Int, [MySQLRow]).self) { group in
            for (index, embed) in planned.embeds.enumerated() {
                guard let query = embed.query(forParents: rows) else { continue }
                group.addTask { (index, try await pool.query(query.text, query.binds).rows) }
            }
            for try await (index, rows) in group { results[index] = rows }
        }
        return zip(planned.embeds, results).map { EmbedRows(embed: $0, rows: $1) }
    }
}

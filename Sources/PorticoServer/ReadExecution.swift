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
            let main = SQLRenderer.render(planned.plan)
            let rows = try connection.query(main.text, main.binds).rows
            let embeds = try planned.embeds.map { embed in
                let keys = EmbedRows.parentKeys(rows, embed)
                if keys.isEmpty { return EmbedRows(embed: embed, rows: []) }
                let query = SQLRenderer.render(embed.plan(forParents: keys))
                return EmbedRows(embed: embed, rows: try connection.query(query.text, query.binds).rows)
            }
            return (rows, embeds)
        }
    }
}

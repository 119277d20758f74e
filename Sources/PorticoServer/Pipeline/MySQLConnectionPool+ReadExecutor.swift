public import PorticoMySQL
public import PorticoQuery
public import PorticoShape
public import PorticoValues

/// The production executor: prepared statements on pooled connections, off the event loop.
extension MySQLConnectionPool: ReadExecutor {
    public func run(_ planned: PlannedRead) async throws -> ([MySQLRow], [EmbedRows]) {
        try await ReadExecution.run(planned, on: self)
    }

    public func stream<R: Sendable>(_ planned: PlannedRead, batchSize: Int, _ body: (any ExportBatches) async throws -> R) async throws -> R {
        let query = SQLRenderer.render(planned)
        return try await withRowStream(query.text, query.binds, batchSize: batchSize) { stream in
            try await ExportReadAhead.reading(stream, planned: planned, pool: self, batchSize: batchSize) { try await body($0) }
        }
    }
}

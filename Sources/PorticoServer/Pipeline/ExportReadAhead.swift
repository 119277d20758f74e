public import PorticoMySQL
public import PorticoQuery
public import PorticoShape
public import PorticoValues

/// Reads an export's batches ahead of its writer: batch n+1's rows are fetched from the stream
/// while batch n's embeds load on other pooled connections, and both while the writer shapes and
/// sends earlier batches. So the order stream, the embed statements and the encoder work at
/// once instead of taking turns.
///
/// At most `depth` batches are read ahead, so memory stays bounded whatever the export's size.
/// Rows are fetched strictly in order (one fetch at a time on the stream's connection). Only
/// ``reading(_:batchSize:depth:loadEmbeds:_:)`` makes one, so what is in flight has always
/// stopped before the stream goes away, whether the body returns or throws.
public final class ExportReadAhead: ExportBatches {
    public typealias Batch = ExportBatch

    private let stream: MySQLRowStream
    private let batchSize: Int
    private let depth: Int
    private let loadEmbeds: @Sendable ([MySQLRow]) async throws -> [EmbedRows]
    /// The most recent fetch; the next one waits for it.
    private var lastFetch: Task<(rows: [MySQLRow], time: Duration), any Error>?
    private var pending: [Task<Batch, any Error>] = []

    private init(
        stream: MySQLRowStream, batchSize: Int, depth: Int,
        loadEmbeds: @escaping @Sendable ([MySQLRow]) async throws -> [EmbedRows]
    ) {
        self.stream = stream
        self.batchSize = batchSize
        self.depth = max(1, depth)
        self.loadEmbeds = loadEmbeds
    }

    /// Runs `body` with the batches of `stream`, then stops and waits for what is still in
    /// flight, whether `body` returned or threw.
    public static func reading<R>(
        _ stream: MySQLRowStream, batchSize: Int, depth: Int = 2,
        loadEmbeds: @escaping @Sendable ([MySQLRow]) async throws -> [EmbedRows],
        _ body: (ExportReadAhead) async throws -> R
    ) async throws -> R {
        let batches = ExportReadAhead(stream: stream, batchSize: batchSize, depth: depth, loadEmbeds: loadEmbeds)
        do {
            let result = try await body(batches)
            await batches.close()
            return result
        } catch {
            await batches.close()
            throw error
        }
    }

    /// An export's batches with their embeds (``ReadExecution/loadEmbeds(_:_:on:)``).
    public static func reading<R>(
        _ stream: MySQLRowStream, planned: PlannedRead, pool: MySQLConnectionPool, batchSize: Int,
        _ body: (ExportReadAhead) async throws -> R
    ) async throws -> R {
        try await reading(stream, batchSize: batchSize, loadEmbeds: { rows in try await ReadExecution.loadEmbeds(planned, rows, on: pool) }, body)
    }

    /// The next batch, in order; one with no rows at the end.
    public func next() async throws -> Batch {
        while pending.count <= depth { start() }
        return try await pending.removeFirst().value
    }

    /// Cancels what is in flight and waits for it: afterwards nothing touches the stream.
    private func close() async {
        for task in pending { task.cancel() }
        for task in pending { _ = try? await task.value }
        _ = try? await lastFetch?.value
        pending.removeAll()
    }

    private func start() {
        let (previous, stream, batchSize, loadEmbeds) = (lastFetch, stream, batchSize, loadEmbeds)
        let fetch = Task { () async throws -> (rows: [MySQLRow], time: Duration) in
            // A short batch ended the stream: nothing more to fetch.
            if let previous, try await previous.value.rows.count < batchSize { return ([], .zero) }
            try Task.checkCancellation()
            let started = ContinuousClock.now
            let rows = try await stream.nextBatch()
            return (rows, ContinuousClock.now - started)
        }
        lastFetch = fetch
        pending.append(
            Task {
                let (rows, fetchTime) = try await fetch.value
                guard !rows.isEmpty else { return Batch(rows: [], embeds: [], databaseTime: fetchTime) }
                let started = ContinuousClock.now
                let embeds = try await loadEmbeds(rows)
                return Batch(rows: rows, embeds: embeds, databaseTime: fetchTime + (ContinuousClock.now - started))
            })
    }
}

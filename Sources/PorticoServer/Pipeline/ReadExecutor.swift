public import PorticoQuery
public import PorticoShape
public import PorticoValues

/// Where the execute stage runs a planned read: the seam between the pipeline and the database.
///
/// ``MySQLConnectionPool`` is the executor `portico serve` uses. Unit tests of the handler,
/// limits, errors and routes use an in-memory one, so they need no database server; every
/// test about the real database talks to MariaDB through the pool.
public protocol ReadExecutor: Sendable {
    /// Runs a page's or an item's statements (the main one, then one per embed) and returns
    /// the rows of each.
    ///
    /// - Throws: the database's error (the handler turns it into a problem document).
    func run(_ planned: PlannedRead) async throws -> ([MySQLRow], [EmbedRows])

    /// Streams every row of `planned` in batches of `batchSize`, each with its embeds, to
    /// `body`, reading ahead while it writes; whatever is in flight has stopped when it returns.
    ///
    /// - Throws: the database's error, or `body`'s.
    func stream<R: Sendable>(_ planned: PlannedRead, batchSize: Int, _ body: (any ExportBatches) async throws -> R) async throws -> R

    /// Whether reads can run now: what readiness reports.
    func isHealthy() async -> Bool
}

/// An export's batches, in order, each with its embeds.
public protocol ExportBatches: AnyObject {
    /// The next batch; one with no rows at the end.
    func next() async throws -> ExportBatch
}

/// Some rows of an export, with their embeds.
public struct ExportBatch: Sendable {
    public let rows: [MySQLRow]
    public let embeds: [EmbedRows]
    /// Time spent in the database for this batch: its fetch and its embed statements.
    public let databaseTime: Duration

    public init(rows: [MySQLRow], embeds: [EmbedRows], databaseTime: Duration) {
        self.rows = rows
        self.embeds = embeds
        self.databaseTime = databaseTime
    }
}

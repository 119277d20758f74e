/// The rows of an unbuffered result, fetched from the server in batches as they are consumed.
///
/// Memory stays constant whatever the result's size: at most one batch is held. Obtain one with
/// ``MySQLConnectionPool/withRowStream(_:_:batchSize:_:)``; it is valid only inside that call.
public struct MySQLRowStream: AsyncSequence, Sendable {
    public typealias Element = MySQLRow

    let connection: MySQLConnection
    public let columns: [MySQLColumn]
    let batchSize: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(connection: connection, batchSize: batchSize)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let connection: MySQLConnection
        let batchSize: Int
        var batch: [MySQLRow] = []
        var index = 0
        var finished = false

        public mutating func next() async throws -> MySQLRow? {
            if index == batch.count {
                guard !finished else { return nil }
                batch = try await connection.nextRows(limit: batchSize)
                index = 0
                if batch.count < batchSize { finished = true }
                if batch.isEmpty { return nil }
            }
            defer { index += 1 }
            return batch[index]
        }
    }

    /// The next batch of up to `batchSize` rows; empty at the end. For writers that encode whole
    /// batches at a time.
    public func nextBatch() async throws -> [MySQLRow] {
        try await connection.nextRows(limit: batchSize)
    }
}

import CMySQL

extension MySQLConnection {
    /// Runs a statement with bound parameters and reads its whole result (buffered).
    ///
    /// Every value is sent as a bound parameter, never spliced into the text.
    ///
    /// ```swift
    /// let result = try await connection.query("SELECT order_no FROM orders WHERE acct_id = ? LIMIT ?", [.int(3), .int(50)])
    /// ```
    /// - Throws: ``MySQLError``; `.statementTimeout` past the session's limit, `.connectionLost`
    ///   when the connection broke (it must then be discarded).
    public func query(_ sql: String, _ values: [MySQLValue] = []) throws(MySQLError) -> MySQLResult {
        try checkNotStreaming()
        let statement = try executeWithReprepare(sql, values, buffered: true)
        defer { statement.statement.finishResult() }
        var rows: [MySQLRow] = []
        while let row = try statement.fetch(failing: self) { rows.append(row) }
        return MySQLResult(
            columns: statement.columns, rows: rows,
            affectedRows: statement.statement.affectedRows, lastInsertID: statement.statement.insertID)
    }

    /// Starts an unbuffered result: rows are read from the socket as they are fetched, so a result
    /// of any size takes constant memory. Until the stream ends or is closed, the connection runs
    /// nothing else.
    ///
    /// - Returns: the result's columns.
    public func openStream(_ sql: String, _ values: [MySQLValue] = []) throws(MySQLError) -> [MySQLColumn] {
        try checkNotStreaming()
        let executed = try executeWithReprepare(sql, values, buffered: false)
        streaming = executed.statement
        return executed.columns
    }

    /// Up to `limit` further rows of the open stream; empty when it is exhausted (and then closed).
    public func nextRows(limit: Int) throws(MySQLError) -> [MySQLRow] {
        guard let statement = streaming else { return [] }
        var rows: [MySQLRow] = []
        rows.reserveCapacity(limit)
        do {
            while rows.count < limit, let row = try statement.fetch() { rows.append(row) }
        } catch {
            streaming = nil
            statement.finishResult()
            if error.isConnectionBroken { markBroken() }
            throw error
        }
        if rows.count < limit {
            streaming = nil
            statement.finishResult()
        }
        return rows
    }

    /// Ends the open stream. If rows remain unread, the connection is marked broken and the pool
    /// discards it: draining millions of unread rows would cost more than a new connection.
    public func closeStream() {
        guard streaming != nil else { return }
        streaming = nil
        markBroken()
    }

    // MARK: - Statement cache

    struct Executed {
        let statement: PreparedStatement
        let columns: [MySQLColumn]

        func fetch(failing connection: isolated MySQLConnection) throws(MySQLError) -> MySQLRow? {
            do {
                return try statement.fetch()
            } catch {
                if error.isConnectionBroken { connection.markBroken() }
                throw error
            }
        }
    }

    /// Executes a cached statement; when a schema change means it must be prepared again, prepares
    /// it again once and retries: the server's 1615 (ER_NEED_REPREPARE), or the client library's
    /// 2057 (CR_NEW_STMT_METADATA: the result has more or fewer columns than when it was prepared,
    /// which leaves the connection usable once the statement is closed).
    ///
    /// A change of a column's type with the same number of columns needs neither: the library
    /// updates the types, and ``PreparedStatement`` binds new buffers for them. (It keeps the
    /// prepare-time names; Portico's statements name their columns in the text.)
    private func executeWithReprepare(_ sql: String, _ values: [MySQLValue], buffered: Bool) throws(MySQLError) -> Executed {
        executedStatements += 1
        do {
            return try executeOnce(sql, values, buffered: buffered)
        } catch {
            guard error.code == 1615 || error.code == 2057 else {
                if error.isConnectionBroken { markBroken() }
                throw error
            }
        }
        dropStatement(sql)
        do {
            return try executeOnce(sql, values, buffered: buffered)
        } catch {
            if error.isConnectionBroken { markBroken() }
            throw error
        }
    }

    private func executeOnce(_ sql: String, _ values: [MySQLValue], buffered: Bool) throws(MySQLError) -> Executed {
        let statement = try prepared(sql)
        return Executed(statement: statement, columns: try statement.execute(values, buffered: buffered))
    }

    /// The cached prepared statement for `sql`, preparing it on first use.
    private func prepared(_ sql: String) throws(MySQLError) -> PreparedStatement {
        statementUse &+= 1
        if let statement = statements[StatementText(sql)] {
            statement.lastUse = statementUse
            return statement
        }
        let h = try liveHandle()
        guard let handle = mysql_stmt_init(h) else { throw error(of: h, phase: .prepare) }
        let statement = PreparedStatement(sql: sql, handle: handle)
        let rc = sql.withCString { mysql_stmt_prepare(handle, $0, UInt(sql.utf8.count)) }
        if rc != 0 {
            let failure = statement.error(phase: .prepare)
            statement.close()
            if failure.isConnectionBroken { markBroken() }
            throw failure
        }
        statement.lastUse = statementUse
        if statements.count >= Self.statementCacheLimit, let oldest = statements.values.min(by: { $0.lastUse < $1.lastUse }) {
            dropStatement(oldest.sql)
        }
        statements[StatementText(sql)] = statement
        return statement
    }

    private func dropStatement(_ sql: String) {
        statements.removeValue(forKey: StatementText(sql))?.close()
    }
}

/// A statement cache key: the SQL text, hashed by its length and three 32-byte samples instead
/// of every byte. A 60-account page is about 20 KB of text, hashed at each execution; texts that
/// share a hash are told apart by comparing them in full.
struct StatementText: Hashable {
    let sql: String

    init(_ sql: String) { self.sql = sql }

    func hash(into hasher: inout Hasher) {
        var sql = sql
        sql.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            hasher.combine(bytes.count)
            let sample = min(32, bytes.count)
            func combine(from start: Int) {
                hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: bytes[start..<start + sample]))
            }
            combine(from: 0)
            combine(from: (bytes.count - sample) / 2)
            combine(from: bytes.count - sample)
        }
    }
}

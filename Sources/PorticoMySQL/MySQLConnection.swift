import CMySQL
import Synchronization

/// One connection to a MySQL or MariaDB server, living on its own thread.
///
/// The actor's executor is a dedicated ``ConnectionThread``: every method runs there, so the
/// blocking libmysqlclient calls never run on an event loop, and the `MYSQL*` handle never
/// crosses threads. Statements are prepared once and cached per connection; after a reconnect
/// the cache is empty and statements are prepared again on first use.
///
/// ```swift
/// let connection = try await MySQLConnection.connect(configuration)
/// let result = try await connection.query("SELECT name FROM accounts WHERE acct_id = ?", [.int(7)])
/// ```
public actor MySQLConnection {
    public let configuration: MySQLConfiguration
    private let thread: ConnectionThread
    nonisolated private let brokenFlag = Atomic<Bool>(false)
    private var handle: UnsafeMutablePointer<MYSQL>?
    var statements: [StatementText: PreparedStatement] = [:]
    var statementUse: UInt64 = 0
    /// Statements executed on this connection since it was created (for the pool's statistics).
    var executedStatements = 0
    /// The statement whose unbuffered result is being streamed, if any.
    var streaming: PreparedStatement?
    public private(set) var serverInfo: MySQLServerInfo?

    /// How many prepared statements a connection keeps before closing the least recently used.
    static let statementCacheLimit = 256

    public nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

    /// True once the connection hit an error that makes it unusable; the pool discards it.
    public nonisolated var isBroken: Bool { brokenFlag.load(ordering: .relaxed) }

    init(configuration: MySQLConfiguration, threads: ThreadCount? = nil) {
        self.configuration = configuration
        self.thread = ConnectionThread(count: threads)
    }

    isolated deinit {
        // Runs on the connection's thread; nothing else references the connection any more, so no other thread can be using it.
        for statement in statements.values { statement.close() }
        streaming?.close()
        if let handle { mysql_close(handle) }
        thread.shutdown()
    }

    /// Opens a connection and applies the session settings (utf8mb4, UTC, statement time limit).
    ///
    /// - Throws: ``MySQLError`` of kind `.connect`.
    public static func connect(_ configuration: MySQLConfiguration) async throws(MySQLError) -> MySQLConnection {
        try await connect(configuration, threads: nil)
    }

    static func connect(_ configuration: MySQLConfiguration, threads: ThreadCount?) async throws(MySQLError) -> MySQLConnection {
        let connection = MySQLConnection(configuration: configuration, threads: threads)
        try await connection.open()
        return connection
    }

    /// Closes the current session, if any, and opens a new one with the same settings.
    public func reconnect() throws(MySQLError) {
        closeHandle()
        try open()
    }

    /// Closes the connection. Later calls fail with `.connectionLost`.
    public func close() {
        closeHandle()
        brokenFlag.store(true, ordering: .relaxed)
    }

    /// A round trip to the server.
    public func ping() throws(MySQLError) {
        let h = try liveHandle()
        if mysql_ping(h) != 0 { throw error(of: h, phase: .execute) }
    }

    /// Runs SQL text that returns no rows and takes no parameters (session settings, DDL in tests).
    /// Changes this session's statement time limit (nil: none), as for a long export.
    public func setStatementTimeout(_ limit: Duration?) throws(MySQLError) {
        guard let info = serverInfo else { return }
        try execute(info.statementTimeoutSQL(limit))
    }

    public func execute(_ sql: String) throws(MySQLError) {
        let h = try liveHandle()
        try checkNotStreaming()
        let rc = sql.withCString { mysql_real_query(h, $0, UInt(sql.utf8.count)) }
        if rc != 0 { throw error(of: h, phase: .execute) }
        // Statements such as SHOW return a result even here: read and drop it so the session stays in sync.
        if let result = mysql_store_result(h) { mysql_free_result(result) }
        while mysql_more_results(h) != 0 {
            if mysql_next_result(h) > 0 { throw error(of: h, phase: .execute) }
            if let result = mysql_store_result(h) { mysql_free_result(result) }
        }
    }

    // MARK: - Internals

    private func open() throws(MySQLError) {
        try MySQLLibrary.ensureInitialised()
        guard let h = mysql_init(nil) else {
            throw MySQLError(kind: .connect, code: 2008, sqlState: "HY000", serverMessage: "out of memory in mysql_init")
        }
        handle = h
        brokenFlag.store(false, ordering: .relaxed)
        setOption(h, MYSQL_OPT_CONNECT_TIMEOUT, UInt32(clamping: configuration.connectTimeout))
        setOption(h, MYSQL_OPT_READ_TIMEOUT, UInt32(clamping: configuration.readTimeout))
        setOption(h, MYSQL_OPT_WRITE_TIMEOUT, UInt32(clamping: configuration.writeTimeout))
        _ = mysql_options(h, MYSQL_SET_CHARSET_NAME, "utf8mb4")
        applyTLS(h)

        var host: String?
        var port: UInt32 = 0
        var socket: String?
        switch configuration.endpoint {
        case .tcp(let h, let p):
            host = h
            port = UInt32(p)
        case .unixSocket(let path):
            host = "localhost"
            socket = path
        }
        let password = configuration.password?.value
        let connected = host.withOptionalCString { hostPtr in
            configuration.user.withCString { userPtr in
                password.withOptionalCString { passPtr in
                    configuration.database.withOptionalCString { dbPtr in
                        socket.withOptionalCString { socketPtr in
                            mysql_real_connect(h, hostPtr, userPtr, passPtr, dbPtr, port, socketPtr, 0) != nil
                        }
                    }
                }
            }
        }
        guard connected else {
            let failure = error(of: h, phase: .connect)
            closeHandle()
            throw failure
        }
        let info = MySQLServerInfo(version: String(cString: mysql_get_server_info(h)))
        serverInfo = info
        do {
            try execute("SET time_zone = '+00:00'")
            if let limit = configuration.statementTimeout { try execute(info.statementTimeoutSQL(limit)) }
            if configuration.readOnly { try execute("SET SESSION TRANSACTION READ ONLY") }
        } catch {
            closeHandle()
            throw MySQLError(kind: .connect, code: error.code, sqlState: error.sqlState, serverMessage: error.serverMessage)
        }
    }

    private func applyTLS(_ h: UnsafeMutablePointer<MYSQL>) {
        var enforce: CChar = 0
        var verify: CChar = 0
        switch configuration.tls {
        case .disabled:
            break
        case .required:
            enforce = 1
        case .verifyCA(let caFile):
            enforce = 1
            verify = 1
            _ = mysql_options(h, MYSQL_OPT_SSL_CA, caFile)
        }
        _ = mysql_options(h, MYSQL_OPT_SSL_ENFORCE, &enforce)
        _ = mysql_options(h, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify)
    }

    private func setOption(_ h: UnsafeMutablePointer<MYSQL>, _ option: mysql_option, _ value: UInt32) {
        var value = value
        _ = mysql_options(h, option, &value)
    }

    private func closeHandle() {
        for statement in statements.values { statement.close() }
        statements.removeAll()
        streaming = nil
        if let handle { mysql_close(handle) }
        handle = nil
    }

    func liveHandle() throws(MySQLError) -> UnsafeMutablePointer<MYSQL> {
        guard let handle, !isBroken else {
            throw MySQLError(kind: .connectionLost, code: 2006, sqlState: "HY000", serverMessage: "connection is closed")
        }
        return handle
    }

    func checkNotStreaming() throws(MySQLError) {
        if streaming != nil { throw .misuse("a row stream is still open on this connection") }
    }

    func markBroken() { brokenFlag.store(true, ordering: .relaxed) }

    /// Turns the connection's last error into a ``MySQLError``, marking the connection broken when
    /// the error means it is unusable.
    func error(of h: UnsafeMutablePointer<MYSQL>, phase: MySQLError.Kind) -> MySQLError {
        let failure = MySQLError.last(on: h, phase: phase)
        if failure.isConnectionBroken { markBroken() }
        return failure
    }
}

extension Optional where Wrapped == String {
    /// Calls `body` with a C string, or with `nil` when there is no string.
    func withOptionalCString<R>(_ body: (UnsafePointer<CChar>?) -> R) -> R {
        switch self {
        case .some(let text): text.withCString { body($0) }
        case .none: body(nil)
        }
    }
}

/// An error from the MySQL driver or pool.
///
/// The `description` is safe to log: it names the phase, the error code and the SQLSTATE, and the
/// server's text only for connect and prepare errors (which never hold bound values). The server's
/// text for execution errors can quote data (`Duplicate entry 'alice@…'`), so it is kept in
/// ``serverMessage`` and never printed by `description`. Nothing here is fit for a partner: the
/// HTTP layer maps these to problem documents without any of this text.
public struct MySQLError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Could not connect, authenticate or apply session settings.
        case connect
        /// The server rejected a statement at prepare time (syntax, unknown table or column).
        case prepare
        /// The statement failed while executing or fetching.
        case execute
        /// The statement ran past its server-side time limit and was interrupted; the connection is fine.
        case statementTimeout
        /// The connection is gone (server restart, network, client read/write timeout).
        case connectionLost
        /// No connection became free within the pool's acquire timeout.
        case poolExhausted
        /// The pool has been shut down.
        case poolClosed
        /// The caller used the API wrongly (wrong number of parameters, a second open stream).
        case misuse
    }

    public let kind: Kind
    /// The server or client error number (`mysql_errno`), 0 when the error did not come from the library.
    public let code: UInt32
    /// The five-character SQLSTATE, `HY000` when unknown.
    public let sqlState: String
    /// The library's message. May quote data for execution errors: log it only at debug level.
    public let serverMessage: String?

    public init(kind: Kind, code: UInt32, sqlState: String, serverMessage: String?) {
        self.kind = kind
        self.code = code
        self.sqlState = sqlState
        self.serverMessage = serverMessage
    }

    static func misuse(_ message: String) -> MySQLError {
        MySQLError(kind: .misuse, code: 0, sqlState: "HY000", serverMessage: message)
    }

    /// True when the connection that raised this error must not be used again.
    public var isConnectionBroken: Bool {
        kind == .connectionLost || (kind == .connect && code != 0)
    }

    public var description: String {
        var text = "MySQL \(kind.rawValue) error"
        if code != 0 { text += " \(code)" }
        text += " (SQLSTATE \(sqlState))"
        switch kind {
        case .connect, .prepare, .misuse:
            if let serverMessage { text += ": \(serverMessage)" }
        case .statementTimeout:
            text += ": statement exceeded its time limit"
        case .poolExhausted:
            text += ": no connection became free within the acquire timeout"
        case .poolClosed:
            text += ": the pool is shut down"
        case .connectionLost:
            text += ": connection to the server lost"
        case .execute:
            break
        }
        return text
    }

    /// Classifies an error number from `mysql_errno` / `mysql_stmt_errno` in a given phase.
    static func classify(code: UInt32, phase: Kind) -> Kind {
        switch code {
        case 1969, 3024:
            // MariaDB ER_STATEMENT_TIMEOUT (max_statement_time), MySQL ER_QUERY_TIMEOUT (max_execution_time).
            return .statementTimeout
        case 2000..<3000, 1053, 1927, 4031:
            // Client-side CR_* errors (gone away, lost, timeouts, out of sync), server shutdown,
            // connection killed, disconnected for inactivity: the connection is unusable.
            return phase == .connect ? .connect : .connectionLost
        default:
            return phase
        }
    }
}

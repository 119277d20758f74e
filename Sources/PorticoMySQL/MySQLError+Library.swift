import CMySQL

/// The library's error state turned into a ``MySQLError``, in one place: every failing call
/// on a connection or a statement is reported through these, so each is classified the same
/// way (timeouts, lost connections), as NIOPosix turns errno into one error type.
extension MySQLError {
    /// The last error of a call on `handle`, during `phase`.
    static func last(on handle: UnsafeMutablePointer<MYSQL>, phase: Kind) -> MySQLError {
        let code = mysql_errno(handle)
        return MySQLError(
            kind: classify(code: code, phase: phase), code: code, sqlState: String(cString: mysql_sqlstate(handle)),
            serverMessage: String(cString: mysql_error(handle)))
    }

    /// The last error of a call on `statement`, during `phase`.
    static func last(on statement: UnsafeMutablePointer<MYSQL_STMT>, phase: Kind) -> MySQLError {
        let code = mysql_stmt_errno(statement)
        return MySQLError(
            kind: classify(code: code, phase: phase), code: code, sqlState: String(cString: mysql_stmt_sqlstate(statement)),
            serverMessage: String(cString: mysql_stmt_error(statement)))
    }
}

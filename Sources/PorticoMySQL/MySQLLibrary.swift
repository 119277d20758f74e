import CMySQL

/// The process-wide state libmysqlclient needs before any thread uses it.
///
/// `mysql_library_init` is a macro Swift cannot see; `mysql_server_init(0, nil, nil)` is the
/// function behind it. A `static let` runs its initialiser exactly once, thread-safely.
enum MySQLLibrary {
    private static let initialised: Bool = portico_mysql_library_init() == 0

    /// Initialises the C library once per process. Safe to call from any thread, any number of times.
    static func ensureInitialised() throws(MySQLError) {
        guard initialised else {
            throw MySQLError(kind: .connect, code: 0, sqlState: "HY000", serverMessage: "mysql_library_init failed")
        }
    }

    /// Per-thread set-up: a no-op in Connector/C 3.3, required by Oracle's libmysqlclient.
    static func threadDidStart() {
        _ = initialised
        _ = mysql_thread_init()
    }

    static func threadWillEnd() {
        mysql_thread_end()
    }
}

import PorticoValues

/// What the connected server is, read once at connect.
public struct MySQLServerInfo: Sendable, Equatable {
    public enum Flavor: String, Sendable { case mariadb, mysql }

    public let flavor: Flavor
    /// The server's version string, such as `10.11.19-MariaDB-0+deb12u1`.
    public let version: String

    init(version: String) {
        self.version = version
        self.flavor = version.contains("MariaDB") ? .mariadb : .mysql
    }

    /// The statement that limits every later statement in this session to `limit` (nil: none).
    func statementTimeoutSQL(_ limit: Duration?) -> String {
        guard let limit else { return flavor == .mariadb ? "SET SESSION max_statement_time = 0" : "SET SESSION max_execution_time = 0" }
        let ms = limit.nanoseconds / 1_000_000
        switch flavor {
        case .mariadb:
            // Seconds, fractional allowed; 0 would mean "no limit", so never send less than 1 ms.
            let seconds = Double(max(ms, 1)) / 1000
            return "SET SESSION max_statement_time = \(seconds)"
        case .mysql:
            return "SET SESSION max_execution_time = \(max(ms, 1))"
        }
    }
}

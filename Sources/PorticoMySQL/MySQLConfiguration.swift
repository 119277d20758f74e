public import Foundation

/// A secret such as a database password: readable by the driver, never printed.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String

    public init(_ value: String) { self.value = value }

    /// Reads a secret from a file, dropping one trailing newline (as `echo` and editors leave it).
    ///
    /// - Throws: ``ConfigurationError`` naming the file (not its contents) when it cannot be read.
    public static func fromFile(_ path: String) throws -> Secret {
        guard let data = FileManager.default.contents(atPath: path), var text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError("cannot read secret file \(path)")
        }
        if text.hasSuffix("\r\n") { text.removeLast(2) } else if text.hasSuffix("\n") { text.removeLast() }
        return Secret(text)
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// A configuration value that is missing or malformed.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// How the connection uses TLS.
public enum MySQLTLSMode: Sendable, Equatable {
    /// Plain TCP or a unix socket.
    case disabled
    /// TLS must be negotiated, but the server certificate is not verified.
    case required
    /// TLS with the server certificate verified against this CA bundle (and the host name).
    case verifyCA(caFile: String)
}

/// Where and how to connect to a MySQL or MariaDB server.
///
/// The session always uses `utf8mb4` and time zone UTC, so text from `latin1` columns arrives as
/// correct Swift strings and `TIMESTAMP` values arrive in UTC.
public struct MySQLConfiguration: Sendable, CustomStringConvertible {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case unixSocket(path: String)
    }

    public var endpoint: Endpoint
    public var user: String
    public var password: Secret?
    public var database: String?
    public var tls: MySQLTLSMode
    /// Client-side limits in whole seconds (libmysqlclient's unit). A read or write timeout
    /// leaves the connection unusable, and the pool discards it.
    public var connectTimeout: Int
    public var readTimeout: Int
    public var writeTimeout: Int
    /// Server-side limit per statement (MariaDB `max_statement_time`, MySQL `max_execution_time`);
    /// `nil` leaves the server's default. A statement over it fails with `.statementTimeout` and
    /// the connection stays usable.
    public var statementTimeout: Duration?
    /// The limit for a streamed statement (an export), which runs as long as the client reads:
    /// ``statementTimeout`` would cut a large export short. `nil`: no limit.
    public var streamTimeout: Duration? = .seconds(3600)
    /// Marks the session `TRANSACTION READ ONLY`, for the product schema's reader.
    public var readOnly: Bool

    public init(
        endpoint: Endpoint,
        user: String,
        password: Secret? = nil,
        database: String? = nil,
        tls: MySQLTLSMode = .disabled,
        connectTimeout: Int = 5,
        readTimeout: Int = 30,
        writeTimeout: Int = 30,
        statementTimeout: Duration? = .seconds(10),
        readOnly: Bool = false
    ) {
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.writeTimeout = writeTimeout
        self.statementTimeout = statementTimeout
        self.readOnly = readOnly
    }

    /// Reads `<PREFIX>_SOCKET` or `<PREFIX>_HOST`/`<PREFIX>_PORT`, `<PREFIX>_USER`,
    /// `<PREFIX>_PASSWORD` or `<PREFIX>_PASSWORD_FILE`, `<PREFIX>_DATABASE`, `<PREFIX>_TLS`
    /// (`disabled`, `required`, `verify-ca`) and `<PREFIX>_TLS_CA` from an environment.
    ///
    /// ```swift
    /// let config = try MySQLConfiguration.fromEnvironment(prefix: "PORTICO_DB")
    /// ```
    /// - Throws: ``ConfigurationError`` naming the variable that is missing or malformed.
    public static func fromEnvironment(
        prefix: String,
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> MySQLConfiguration {
        func value(_ name: String) -> String? {
            guard let v = environment["\(prefix)_\(name)"], !v.isEmpty else { return nil }
            return v
        }
        let endpoint: Endpoint
        if let socket = value("SOCKET") {
            endpoint = .unixSocket(path: socket)
        } else {
            let portText = value("PORT") ?? "3306"
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw ConfigurationError("\(prefix)_PORT must be a port number (1-65535), got '\(portText)'")
            }
            endpoint = .tcp(host: value("HOST") ?? "127.0.0.1", port: port)
        }
        guard let user = value("USER") else { throw ConfigurationError("\(prefix)_USER is not set") }
        var password: Secret?
        if let file = value("PASSWORD_FILE") {
            password = try Secret.fromFile(file)
        } else if let text = environment["\(prefix)_PASSWORD"], !text.isEmpty {
            // Empty means none: how a wrapper unsets an inherited password.
            password = Secret(text)
        }
        let tls: MySQLTLSMode
        switch value("TLS") ?? "disabled" {
        case "disabled", "off": tls = .disabled
        case "required": tls = .required
        case "verify-ca":
            guard let ca = value("TLS_CA") else {
                throw ConfigurationError("\(prefix)_TLS=verify-ca needs \(prefix)_TLS_CA (a CA bundle file)")
            }
            tls = .verifyCA(caFile: ca)
        case let other:
            throw ConfigurationError("\(prefix)_TLS must be disabled, required or verify-ca, got '\(other)'")
        }
        return MySQLConfiguration(endpoint: endpoint, user: user, password: password, database: value("DATABASE"), tls: tls)
    }

    public var description: String {
        let place: String
        switch endpoint {
        case .tcp(let host, let port): place = "\(host):\(port)"
        case .unixSocket(let path): place = "unix:\(path)"
        }
        return "mysql://\(user)@\(place)/\(database ?? "")"
    }
}

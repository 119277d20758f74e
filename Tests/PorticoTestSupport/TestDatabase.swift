public import Foundation
public import Logging
public import PorticoMySQL

/// Connection settings for the private MariaDB that `scripts/db` runs. Read from the environment
/// (`eval "$(scripts/db env)"`), with defaults that point at the main instance under `.run/`.
public enum TestDatabase {
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// Root on the main instance: for scratch schemas the tests create and drop.
    public static func admin(database: String? = nil) -> MySQLConfiguration {
        let socket = environment["PORTICO_ADMIN_DB_SOCKET"] ?? "\(repositoryRoot)/.run/db-main/mysqld.sock"
        return MySQLConfiguration(
            endpoint: .unixSocket(path: socket), user: environment["PORTICO_ADMIN_DB_USER"] ?? "root",
            database: database)
    }

    /// The read-only product user on the demo schema, as Portico itself connects.
    public static func product() throws -> MySQLConfiguration {
        var env = environment
        env["PORTICO_PRODUCT_DB_SOCKET"] = env["PORTICO_PRODUCT_DB_SOCKET"] ?? "\(repositoryRoot)/.run/db-main/mysqld.sock"
        env["PORTICO_PRODUCT_DB_USER"] = env["PORTICO_PRODUCT_DB_USER"] ?? "portico_ro"
        env["PORTICO_PRODUCT_DB_PASSWORD_FILE"] =
            env["PORTICO_PRODUCT_DB_PASSWORD_FILE"]
            ?? "\(repositoryRoot)/.run/db-main/secrets/portico_ro.password"
        env["PORTICO_PRODUCT_DB_DATABASE"] = env["PORTICO_PRODUCT_DB_DATABASE"] ?? "tradeflow"
        var config = try MySQLConfiguration.fromEnvironment(prefix: "PORTICO_PRODUCT_DB", env)
        config.readOnly = true
        return config
    }

    /// Portico's own schema, as `portico migrate` and `serve` reach it.
    public static func state() throws -> MySQLConfiguration {
        var env = environment
        env["PORTICO_STATE_DB_SOCKET"] = env["PORTICO_STATE_DB_SOCKET"] ?? "\(repositoryRoot)/.run/db-main/mysqld.sock"
        env["PORTICO_STATE_DB_USER"] = env["PORTICO_STATE_DB_USER"] ?? "portico"
        env["PORTICO_STATE_DB_PASSWORD_FILE"] = env["PORTICO_STATE_DB_PASSWORD_FILE"] ?? "\(repositoryRoot)/.run/db-main/secrets/portico.password"
        env["PORTICO_STATE_DB_DATABASE"] = env["PORTICO_STATE_DB_DATABASE"] ?? "portico"
        return try MySQLConfiguration.fromEnvironment(prefix: "PORTICO_STATE_DB", env)
    }

    public static let logger: Logger = {
        var logger = Logger(label: "portico.tests")
        logger.logLevel = .warning
        return logger
    }()

    /// Creates a scratch schema of its own (a random suffix keeps parallel tests apart) for one test, runs `body`, and drops it.
    public static func withScratchSchema<R: Sendable>(
        _ name: String, _ body: (MySQLConnection) async throws -> R
    ) async throws -> R {
        let schema = "portico_test_\(name)_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try await MySQLConnection.connect(admin())
        try await admin.execute("DROP DATABASE IF EXISTS `\(schema)`")
        try await admin.execute("CREATE DATABASE `\(schema)` CHARACTER SET utf8mb4")
        try await admin.execute("USE `\(schema)`")
        do {
            let result = try await body(admin)
            try await admin.execute("DROP DATABASE IF EXISTS `\(schema)`")
            await admin.close()
            return result
        } catch {
            try? await admin.execute("DROP DATABASE IF EXISTS `\(schema)`")
            await admin.close()
            throw error
        }
    }

    /// Runs `scripts/db` with arguments for another instance, failing the test when it fails.
    public static func script(_ arguments: [String], instance: String, environment extra: [String: String] = [:]) async throws {
        let environment = ["PORTICO_DB_INSTANCE": instance, "PORTICO_DB_PORT": ""].merging(extra) { $1 }
        let (status, output) = await run(["\(repositoryRoot)/scripts/db"] + arguments, environment: environment)
        guard status == 0 else {
            throw ScriptFailure(description: "scripts/db \(arguments.joined(separator: " ")) exited \(status): \(output)")
        }
    }

    /// Runs a command with extra environment variables and returns its exit status and output.
    ///
    /// Spawns with `posix_spawn` and waits with `waitpid` on a thread of its own: Foundation's
    /// `Process.waitUntilExit` was seen to hang here after the child had exited, and a blocking
    /// wait must not hold one of the few cooperative threads.
    public static func run(_ command: [String], environment extra: [String: String] = [:]) async -> (Int32, String) {
        let log = NSTemporaryDirectory() + "portico-run-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let thread = Thread { continuation.resume(returning: spawnAndWait(command, extra: extra, log: log)) }
            thread.start()
        }
        return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    private static func spawnAndWait(_ command: [String], extra: [String: String], log: String) -> Int32 {
        guard let pid = spawn(command, extra: extra, log: log) else { return -1 }
        return waitForExit(pid)
    }

    /// Starts `command` with output to `log`; nil if it could not be spawned.
    static func spawn(_ command: [String], extra: [String: String], log: String) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in extra { env[key] = value }
        var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, command[0], &actions, nil, &argv, &envp) == 0 else { return nil }
        return pid
    }

    static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// The `portico` binary the tests were built with.
    public static var porticoBinary: String {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("portico").path), url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent("portico").path
    }

    public static func socket(instance: String) -> String { "\(repositoryRoot)/.run/db-\(instance)/mysqld.sock" }

    /// The loopback port `scripts/db` chose for an instance (from its pid file's server).
    public static func port(instance: String) async throws -> Int {
        let (status, output) = await run(
            ["\(repositoryRoot)/scripts/db", "status"], environment: ["PORTICO_DB_INSTANCE": instance, "PORTICO_DB_PORT": ""])
        guard status == 0, let port = output.split(separator: " ").last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            throw ScriptFailure(description: "scripts/db status: \(output)")
        }
        return port
    }
}

/// A process running in the background: signal it, wait for it, read its output.
public final class SpawnedProcess: Sendable {
    public let pid: pid_t
    public let log: String

    public init(_ command: [String], environment extra: [String: String] = [:]) throws {
        log = NSTemporaryDirectory() + "portico-spawn-\(UUID().uuidString).log"
        guard let pid = TestDatabase.spawn(command, extra: extra, log: log) else {
            throw ScriptFailure(description: "could not start \(command[0])")
        }
        self.pid = pid
    }

    public func signal(_ signal: Int32) { kill(pid, signal) }

    public var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// Waits for the exit status on a thread of its own.
    public func wait() async -> Int32 {
        let pid = self.pid
        return await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: TestDatabase.waitForExit(pid)) }.start()
        }
    }
}

public struct ScriptFailure: Error, CustomStringConvertible {
    public let description: String
}

/// The process's resident set size in bytes, from /proc.
public func residentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let kb = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return kb * 1024
    }
    return 0
}

import ArgumentParser
import Foundation
import PorticoServer

/// `--config FILE`, shared by the commands that read `portico.yaml`.
struct ConfigOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "The configuration file (default: PORTICO_CONFIG, else none).")
    var path: String?

    var file: String? { path ?? ProcessInfo.processInfo.environment["PORTICO_CONFIG"] }

    /// The effective configuration, or the diagnostics on standard error and exit status 1.
    func load(flags: [String: (String, String)] = [:]) throws -> EffectiveConfig {
        switch ConfigLoader.load(file: file, flags: flags) {
        case .success(let config): return config
        case .failure(let error):
            FileHandle.standardError.write(Data("\(error)\n\(error.diagnostics.count) error(s) in the configuration\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// `portico config check|print`.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check or print the configuration (file, environment, defaults).",
        subcommands: [Check.self, Print.self, Reference.self]
    )

    struct Reference: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every configuration key as a Markdown table (as in deploy/README.md).")
        func run() { print(ConfigSchema.markdownReference) }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate the configuration; exit 1 with path:line:column diagnostics.")
        @OptionGroup var config: ConfigOptions
        func run() throws {
            let effective = try config.load()
            print("ok: \(config.file ?? "no file; environment and defaults") is valid")
            // What `portico fleet` and the heartbeats compare: the same output on every instance, or a partner notices.
            guard let settings = try? PorticoRuntime.fleetSettings(effective) else { return }
            print("the same on every instance of a fleet (running instances compare these at each heartbeat; see portico fleet):")
            for (name, value) in settings.values.sorted(by: { $0.key < $1.key }) {
                print("  \(name): \(FleetSettings.describe(value))")
            }
        }
    }

    struct Print: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the effective configuration, secrets redacted, with where each value came from.")
        @OptionGroup var config: ConfigOptions
        func run() throws {
            print(try config.load().printed)
        }
    }
}

/// `portico reload`: asks a running server (through its admin listener) to reload.
struct ReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload", abstract: "Reload a running server's configuration and mappings (same as SIGHUP).")
    @OptionGroup var config: ConfigOptions
    @Option(help: "The admin listener, host:port (default: admin.host and admin.port).") var admin: String?

    func run() async throws {
        let effective = try config.load()
        let target = admin ?? "\(effective.string("admin.host") ?? "127.0.0.1"):\(effective.int("admin.port") ?? 9090)"
        let (status, body) = try await AdminClient.post("http://\(target)/reload")
        print(body)
        if status != 200 { throw ExitCode(1) }
    }
}

import Foundation
import PorticoCatalog
import PorticoServer
import PorticoTestSupport
import Testing

/// `portico.yaml`: diagnostics at path:line:column, environment overrides, secrets.
@Suite("Configuration")
struct ConfigTests {
    static func file(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "portico-\(UUID().uuidString).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func errors(_ result: Result<EffectiveConfig, ConfigError>) -> [String] {
        if case .failure(let error) = result { return error.diagnostics.map(\.description) }
        return []
    }

    @Test("every mistake in the file is reported at once, at its line and column, with a hint")
    func diagnostics() throws {
        let path = try Self.file(
            """
            listen:
              port: eighty
              hots: 0.0.0.0
            limits:
              rate_limit: 0
            logging:
              format: jsno
            product_db:
              password: hunter2
            unknown_section: 1
            """)
        let errors = Self.errors(ConfigLoader.load(file: path, environment: [:]))
        for expected in [
            "\(path):2:9: error: listen.port must be a whole number, got 'eighty'",
            "\(path):3:3: error: unknown setting 'listen.hots'; did you mean 'host'?",
            "\(path):5:15: error: limits.rate_limit must be in 1...100000000, got 0",
            "\(path):7:11: error: logging.format must be one of json, text, got 'jsno'; did you mean 'json'?",
            "\(path):9:13: error: product_db.password is a secret: set PORTICO_PRODUCT_DB_PASSWORD or product_db.password_file instead",
            "\(path):10:1: error: unknown setting 'unknown_section'",
        ] {
            #expect(errors.contains { $0.hasPrefix(expected) }, "missing \(expected) in \(errors)")
        }
        #expect(errors.count == 6, "\(errors)")
    }

    @Test("broken YAML is reported at its position")
    func brokenYAML() throws {
        let path = try Self.file("listen:\n  port: [8080\n")
        let errors = Self.errors(ConfigLoader.load(file: path, environment: [:]))
        #expect(errors.count == 1 && errors[0].hasPrefix("\(path):") && errors[0].contains("not valid YAML"), "\(errors)")
    }

    @Test("the environment overrides the file, flags override both, and bad values name their variable")
    func precedence() throws {
        let path = try Self.file("listen:\n  port: 8081\nlimits:\n  rate_limit: 10\n  trusted_proxies: [10.0.0.1, 10.0.0.2]\n")
        let config = try ConfigLoader.load(
            file: path, environment: ["PORTICO_LISTEN_PORT": "8082", "PORTICO_LIMITS_RATE_BURST": "7"],
            flags: ["limits.rate_limit": ("--rate-limit", "99")]
        ).get()
        #expect(config.int("listen.port") == 8082 && config.values["listen.port"]?.origin == .environment("PORTICO_LISTEN_PORT"))
        #expect(config.int("limits.rate_limit") == 99 && config.int("limits.rate_burst") == 7)
        #expect(config.list("limits.trusted_proxies") == ["10.0.0.1", "10.0.0.2"])
        #expect(config.int("limits.max_in_flight") == 16 && config.values["limits.max_in_flight"]?.origin == .defaultValue)
        let bad = Self.errors(ConfigLoader.load(file: nil, environment: ["PORTICO_SERVER_IDLE_TIMEOUT": "soon"]))
        #expect(bad == ["PORTICO_SERVER_IDLE_TIMEOUT:0:0: error: server.idle_timeout must be a whole number, got 'soon'"])
    }

    @Test("secrets come from the environment or a file, and are never printed")
    func secrets() throws {
        let config = try ConfigLoader.load(
            file: nil,
            environment: [
                "PORTICO_PRODUCT_DB_PASSWORD": "s3cret-value",
                "PORTICO_CURSOR_SECRET": String(repeating: "k", count: 40),
            ]
        ).get()
        #expect(config.databaseEnvironment("product_db", prefix: "P")["P_PASSWORD"] == "s3cret-value")
        #expect(!config.printed.contains("s3cret-value") && !config.printed.contains("kkkk"))
        #expect(config.printed.contains("product_db.password = <redacted>  # env PORTICO_PRODUCT_DB_PASSWORD"))
        let inline = try Self.file("allow_inline_secrets: true\nproduct_db:\n  password: dev-only\n")
        #expect(try ConfigLoader.load(file: inline, environment: [:]).get().string("product_db.password") == "dev-only")
        let short = Self.errors(ConfigLoader.load(file: nil, environment: ["PORTICO_CURSOR_SECRET": "short"]))
        #expect(short.contains { $0.contains("cursor_secret must be at least 32 bytes") })
    }

    @Test("the example configuration in deploy/ is valid")
    func example() throws {
        let path = "\(TestDatabase.repositoryRoot)/deploy/portico.yaml"
        let result = ConfigLoader.load(file: path, environment: [:])
        #expect(Self.errors(result).isEmpty, "\(Self.errors(result))")
    }
}

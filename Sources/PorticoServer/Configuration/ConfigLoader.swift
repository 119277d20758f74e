public import Foundation
public import PorticoCatalog
import Yams

/// One effective setting and where it came from.
public struct ConfigValue: Sendable, Equatable {
    public enum Origin: Sendable, Equatable, CustomStringConvertible {
        case defaultValue
        case file(Location)
        case environment(String)
        case flag(String)

        public var description: String {
            switch self {
            case .defaultValue: "default"
            case .file(let location): "\(location)"
            case .environment(let name): "env \(name)"
            case .flag(let name): "flag \(name)"
            }
        }
    }

    public let text: String
    public let origin: Origin
}

/// The effective configuration: defaults, then `portico.yaml`, then `PORTICO_*` environment
/// variables, then command-line flags, each overriding the one before.
public struct EffectiveConfig: Sendable {
    public let values: [String: ConfigValue]
    public let file: String?

    public func string(_ path: String) -> String? { values[path]?.text }
    public func int(_ path: String) -> Int? { values[path].flatMap { Int($0.text) } }
    public func bool(_ path: String) -> Bool { values[path]?.text == "true" }

    /// A key the schema gives a default: its effective text, else the schema's default. The
    /// defaults live in ``ConfigSchema`` alone; asking for a key without one is a programming error.
    public func text(_ path: String) -> String {
        if let value = string(path) { return value }
        guard let value = ConfigSchema.byPath[path]?.defaultValue else { preconditionFailure("'\(path)' has no default in ConfigSchema") }
        return value
    }

    /// As ``text(_:)``, for an integer key.
    public func number(_ path: String) -> Int {
        guard let value = Int(text(path)) else { preconditionFailure("'\(path)' is not an integer key") }
        return value
    }
    public func list(_ path: String) -> [String] {
        (values[path]?.text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `PREFIX_*` variables for a database section, as ``MySQLConfiguration/fromEnvironment`` reads them.
    public func databaseEnvironment(_ section: String, prefix: String) -> [String: String] {
        var environment: [String: String] = [:]
        for (key, name) in [
            ("socket", "SOCKET"), ("host", "HOST"), ("port", "PORT"), ("user", "USER"), ("password", "PASSWORD"),
            ("password_file", "PASSWORD_FILE"), ("database", "DATABASE"), ("tls", "TLS"), ("tls_ca", "TLS_CA"),
        ] {
            if let value = string("\(section).\(key)") { environment["\(prefix)_\(name)"] = value }
        }
        return environment
    }

    /// Every key, `path = value  # origin`, secrets redacted: what `portico config print` shows.
    public var printed: String {
        ConfigSchema.keys.map { key -> String in
            guard let value = values[key.path] else { return "# \(key.path) (unset): \(key.help)" }
            let shown = key.kind == .secret ? "<redacted>" : value.text
            return "\(key.path) = \(shown)  # \(value.origin)"
        }.joined(separator: "\n")
    }
}

public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public let diagnostics: [Diagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Reads `portico.yaml` and the environment, and checks every value against ``ConfigSchema``,
/// reporting every problem at once as `path:line:column: error: …`.
public enum ConfigLoader {
    public static func load(
        file: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        flags: [String: (String, String)] = [:]
    ) -> Result<EffectiveConfig, ConfigError> {
        var diagnostics: [Diagnostic] = []
        var values: [String: ConfigValue] = [:]
        for key in ConfigSchema.keys { if let value = key.defaultValue { values[key.path] = ConfigValue(text: value, origin: .defaultValue) } }
        var inlineSecrets: [(ConfigKey, Location)] = []
        if let file {
            let fromFile = readFile(file, diagnostics: &diagnostics)
            for (path, value) in fromFile {
                values[path] = value
                if let key = ConfigSchema.byPath[path], key.kind == .secret, case .file(let location) = value.origin {
                    inlineSecrets.append((key, location))
                }
            }
        }
        for key in ConfigSchema.keys {
            if let text = environment[key.environmentName] { values[key.path] = ConfigValue(text: text, origin: .environment(key.environmentName)) }
        }
        for (path, (flag, text)) in flags { values[path] = ConfigValue(text: text, origin: .flag(flag)) }
        for key in ConfigSchema.keys {
            guard let value = values[key.path], let problem = check(value.text, key) else { continue }
            diagnostics.append(diagnostic(value.origin, file: file, "\(key.path) \(problem)"))
        }
        if values["allow_inline_secrets"]?.text != "true" {
            for (key, location) in inlineSecrets {
                diagnostics.append(
                    Diagnostic(
                        file: location.file, line: location.line, column: location.column, severity: .error,
                        message:
                            "\(key.path) is a secret: set \(key.environmentName) or \(key.path)_file instead of writing it here (or allow_inline_secrets: true, for development)"
                    ))
            }
        }
        diagnostics += crossChecks(values, file: file)
        if !diagnostics.isEmpty { return .failure(ConfigError(diagnostics: diagnostics.sorted())) }
        return .success(EffectiveConfig(values: values, file: file))
    }

    static func diagnostic(_ origin: ConfigValue.Origin, file: String?, _ message: String) -> Diagnostic {
        switch origin {
        case .file(let location):
            Diagnostic(file: location.file, line: location.line, column: location.column, severity: .error, message: message)
        case .environment(let name), .flag(let name):
            Diagnostic(file: name, line: 0, column: 0, severity: .error, message: message)
        case .defaultValue:
            Diagnostic(file: file ?? "defaults", line: 0, column: 0, severity: .error, message: message)
        }
    }

    /// Why `text` is not a valid value of `key`, or nil.
    static func check(_ text: String, _ key: ConfigKey) -> String? {
        switch key.kind {
        case .string, .secret, .list: return nil
        case .integer(let range):
            guard let value = Int(text) else { return "must be a whole number, got '\(text)'" }
            return range.contains(value) ? nil : "must be in \(range.lowerBound)...\(range.upperBound), got \(value)"
        case .boolean:
            return ["true", "false"].contains(text) ? nil : "must be true or false, got '\(text)'"
        case .choice(let options):
            return options.contains(text)
                ? nil : "must be one of \(options.joined(separator: ", ")), got '\(text)'\(Suggestion.hint(for: text, among: options))"
        }
    }

    static func crossChecks(_ values: [String: ConfigValue], file: String?) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        if let tenants = values["tenants_from"], tenants.text != "grants",
            tenants.text.wholeMatch(of: /table:[A-Za-z_][A-Za-z0-9_]{0,63}:[A-Za-z_][A-Za-z0-9_]{0,63}:[A-Za-z_][A-Za-z0-9_]{0,63}/) == nil
        {
            problems.append(diagnostic(tenants.origin, file: file, "tenants_from must be 'grants' or 'table:TABLE:PARTNER_COLUMN:TENANT_COLUMN'"))
        }
        if let issuer = values["oauth.issuer"],
            !(issuer.text.hasPrefix("https://") || issuer.text.hasPrefix("http://"))
                || issuer.text.contains("?") || issuer.text.contains("#")
        {
            problems.append(diagnostic(issuer.origin, file: file, "oauth.issuer must be an http(s) URL without query or fragment"))
        }
        for section in ["product_db", "state_db"] {
            if let tls = values["\(section).tls"], tls.text == "verify-ca", values["\(section).tls_ca"] == nil {
                problems.append(diagnostic(tls.origin, file: file, "\(section).tls: verify-ca needs \(section).tls_ca (a CA bundle file)"))
            }
        }
        if let secret = values["cursor_secret"], secret.text.utf8.count < 32 {
            problems.append(diagnostic(secret.origin, file: file, "cursor_secret must be at least 32 bytes"))
        }
        return problems
    }

    /// The file's settings by dotted path, with their positions; structure errors go to `diagnostics`.
    static func readFile(_ filePath: String, diagnostics: inout [Diagnostic]) -> [String: ConfigValue] {
        func error(_ node: Node?, _ message: String) {
            diagnostics.append(
                Diagnostic(file: filePath, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, severity: .error, message: message))
        }
        guard let text = try? String(contentsOfFile: filePath, encoding: .utf8) else {
            diagnostics.append(Diagnostic(file: filePath, line: 0, column: 0, severity: .error, message: "cannot read the configuration file"))
            return [:]
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch let yaml as YamlError {
            if case .scanner(_, let problem, let mark, _) = yaml {
                diagnostics.append(
                    Diagnostic(file: filePath, line: mark.line, column: mark.column, severity: .error, message: "not valid YAML: \(problem)"))
            } else if case .parser(_, let problem, let mark, _) = yaml {
                diagnostics.append(
                    Diagnostic(file: filePath, line: mark.line, column: mark.column, severity: .error, message: "not valid YAML: \(problem)"))
            } else {
                diagnostics.append(Diagnostic(file: filePath, line: 1, column: 1, severity: .error, message: "not valid YAML: \(yaml)"))
            }
            return [:]
        } catch {
            diagnostics.append(Diagnostic(file: filePath, line: 1, column: 1, severity: .error, message: "not valid YAML: \(error)"))
            return [:]
        }
        guard let root else { return [:] }
        guard let mapping = root.mapping else {
            error(root, "the configuration must be a mapping of settings")
            return [:]
        }
        var values: [String: ConfigValue] = [:]
        func walk(_ mapping: Node.Mapping, prefix: String) {
            for (keyNode, valueNode) in mapping {
                guard let name = keyNode.string else {
                    error(keyNode, "keys must be strings")
                    continue
                }
                let path = prefix.isEmpty ? name : prefix + "." + name
                if ConfigSchema.byPath[path] == nil, !(prefix.isEmpty && ConfigSchema.sections.contains(name)) {
                    let known =
                        prefix.isEmpty
                        ? Array(ConfigSchema.sections) + ConfigSchema.keys.filter { !$0.path.contains(".") }.map(\.path)
                        : ConfigSchema.keys.filter { $0.path.hasPrefix(prefix + ".") }.map { String($0.path.dropFirst(prefix.count + 1)) }
                    error(keyNode, "unknown setting '\(path)'\(Suggestion.hint(for: name, among: known))")
                    continue
                }
                if let nested = valueNode.mapping {
                    guard prefix.isEmpty, ConfigSchema.sections.contains(name) else {
                        error(valueNode, "'\(path)' takes a value, not a mapping")
                        continue
                    }
                    walk(nested, prefix: name)
                } else if let key = ConfigSchema.byPath[path] {
                    let at = Location(file: filePath, line: valueNode.mark?.line ?? 0, column: valueNode.mark?.column ?? 0)
                    if let list = valueNode.sequence {
                        guard key.kind == .list else {
                            error(valueNode, "'\(path)' takes one value, not a list")
                            continue
                        }
                        values[path] = ConfigValue(text: list.compactMap(\.string).joined(separator: ","), origin: .file(at))
                    } else if let scalar = valueNode.scalar {
                        if scalar.string == "~" || scalar.string == "null" || scalar.string.isEmpty {
                            values.removeValue(forKey: path)
                            continue
                        }
                        values[path] = ConfigValue(text: scalar.string, origin: .file(at))
                    }
                } else {
                    error(valueNode, "'\(path)' is a section: give it a mapping of settings")
                }
            }
        }
        walk(mapping, prefix: "")
        return values
    }
}

import Foundation

/// Reads a `kind: proxy` mapping file into a ``ProxyRoute``, reporting every problem with its
/// place in the file.
struct ProxyParser {
    let name: String
    let file: String
    var diagnostics = DiagnosticCollector()

    static let topLevelKeys = [
        "kind", "description", "path", "scope", "parameters", "query", "tenant", "methods", "upstream", "timeouts", "retries", "cost",
        "media_types", "forwarding", "schema", "ranges",
    ]
    static let parameterKeys = ["type", "pattern", "max_length", "description", "required"]
    /// Methods a proxied route may declare; the gateway never forwards a body otherwise.
    static let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]

    init(name: String, file: String) {
        self.name = name
        self.file = file
    }

    /// Whether a parsed file declares `kind: proxy`.
    static func isProxy(_ root: MappingNode) -> Bool {
        guard case .map(let pairs) = root.value else { return false }
        return pairs.contains { $0.key == "kind" && $0.value.scalar == "proxy" }
    }

    mutating func parse(_ root: MappingNode) -> ProxyRoute? {
        let whole = "proxied route '\(name)'"
        guard let top = MappingObject(root, what: whole, allowed: Self.topLevelKeys, into: &diagnostics) else { return nil }
        let scope = top.requireString("scope", in: whole, &diagnostics)
        if let scope, !ASCIIPattern.isScope(scope), let at = top["scope"] {
            diagnostics.error("scope '\(scope)' must be lower-case letters, digits and . _ : -", at: at.location)
        }
        let parameters = parseParameters(top["parameters"], what: "'parameters'", required: true)
        let segments = parsePath(top, parameters: parameters, root: root)
        let query = parseParameters(top["query"], what: "'query'", required: false)
        for clash in query where parameters.contains(where: { $0.name == clash.name }) {
            diagnostics.error("query parameter '\(clash.name)' is also a path parameter", at: clash.location)
        }
        let tenant = parseTenant(top, parameters: parameters, query: query, root: root)
        let methods = parseMethods(top)
        let upstream = parseUpstream(top, parameters: parameters, root: root)
        let timeouts = parseTimeouts(top)
        let retries = parseRetries(top)
        let cost = top.optionalInt("cost", in: whole, range: 1...1000, &diagnostics) ?? 1
        let mediaTypes = parseMediaTypes(top)
        let forwarding = parseForwarding(top)
        let ranges = top.optionalBool("ranges", in: whole, &diagnostics) ?? true
        var schema: ProxyResponseSchema?
        if let node = top["schema"] {
            schema = parseSchema(node, what: "'schema'")
            if !mediaTypes.contains("application/json") {
                diagnostics.error("'schema' describes a JSON answer: list application/json in 'media_types'", at: node.location)
            }
        }
        guard let scope, let segments, let upstream, let tenant else { return nil }
        return ProxyRoute(
            name: name, description: top.optionalString("description", in: whole, &diagnostics), scope: scope, segments: segments,
            parameters: parameters, query: query, tenant: tenant, methods: methods, upstream: upstream, timeouts: timeouts, retries: retries,
            cost: cost, mediaTypes: mediaTypes, forwarding: forwarding, schema: schema, ranges: ranges, location: root.location)
    }

    // MARK: - Path and parameters

    private mutating func parsePath(_ top: MappingObject, parameters: [ProxyRoute.Parameter], root: MappingNode) -> [ProxyRoute.Segment]? {
        guard let text = top.requireString("path", in: "proxied route '\(name)'", &diagnostics), let at = top["path"]?.location else { return nil }
        guard let segments = template(text, at: at, what: "'path'") else { return nil }
        guard case .constant = segments.first else {
            diagnostics.error("'path' must start with a constant segment (such as exports/{account}), under which the route is found", at: at)
            return nil
        }
        guard segments.count <= 3 else {
            diagnostics.error("'path' may have at most 3 segments under the version's base path, not \(segments.count)", at: at)
            return nil
        }
        let named = segments.compactMap { segment -> String? in
            if case .parameter(let name) = segment { return name }
            return nil
        }
        for parameter in named where !parameters.contains(where: { $0.name == parameter }) {
            diagnostics.error(
                "path parameter '{\(parameter)}' is not described under 'parameters'\(Suggestion.hint(for: parameter, among: parameters.map(\.name)))",
                at: at)
        }
        for parameter in parameters where !named.contains(parameter.name) {
            diagnostics.error("parameter '\(parameter.name)' does not appear in 'path' (\(text))", at: parameter.location)
        }
        if Set(named).count != named.count { diagnostics.error("'path' names a parameter twice", at: at) }
        return segments
    }

    /// `a/{b}/c` as segments: constants are RFC 3986 path characters, parameters lower-case names.
    private mutating func template(_ text: String, at location: Location, what: String) -> [ProxyRoute.Segment]? {
        let trimmed = text.hasPrefix("/") ? String(text.dropFirst()) : text
        var segments: [ProxyRoute.Segment] = []
        for part in trimmed.split(separator: "/", omittingEmptySubsequences: false).map(String.init) {
            if part.hasPrefix("{"), part.hasSuffix("}"), part.count > 2 {
                let inner = String(part.dropFirst().dropLast())
                guard ASCIIPattern.isLowerName(inner) else {
                    diagnostics.error("\(what): '{\(inner)}' must name a parameter in lower-case letters, digits and _", at: location)
                    return nil
                }
                segments.append(.parameter(inner))
            } else if ASCIIPattern.isPathSegment(part), !part.contains("{"), !part.contains("}") {
                segments.append(.constant(part))
            } else {
                diagnostics.error(
                    "\(what): segment '\(part)' must be a {parameter} or RFC 3986 path characters (not empty, . or ..)", at: location)
                return nil
            }
        }
        return segments
    }

    private mutating func parseParameters(_ node: MappingNode?, what: String, required: Bool) -> [ProxyRoute.Parameter] {
        guard let node else { return [] }
        guard let object = MappingObject(node, what: what, allowed: [], into: &diagnostics) else { return [] }
        var result: [ProxyRoute.Parameter] = []
        for (name, keyLocation, value) in object.pairs {
            guard ASCIIPattern.isLowerName(name) else {
                diagnostics.error("parameter '\(name)' must be lower-case letters, digits and _", at: keyLocation)
                continue
            }
            let described = "parameter '\(name)'"
            guard let spec = MappingObject(value, what: described, allowed: Self.parameterKeys, into: &diagnostics) else { continue }
            let pattern = spec.optionalString("pattern", in: described, &diagnostics)
            if let pattern, let at = spec["pattern"]?.location {
                do { _ = try Regex(pattern) } catch {
                    diagnostics.error("'pattern' of \(described) is not a regular expression: \(error)", at: at)
                }
            }
            var kind = ProxyRoute.Parameter.Kind.text(pattern: pattern)
            switch spec.optionalString("type", in: described, &diagnostics) {
            case nil, "string": break
            case "integer": kind = .integer
            case "date": kind = .date
            case let other?:
                diagnostics.error(
                    "type '\(other)' of \(described) must be string, integer or date\(Suggestion.hint(for: other, among: ["string", "integer", "date"]))",
                    at: spec["type"]?.location ?? keyLocation)
            }
            if pattern != nil, kind != .text(pattern: pattern), let at = spec["pattern"]?.location {
                diagnostics.error("'pattern' applies to string parameters only; \(described) has its own form", at: at)
            }
            if case .text(nil) = kind, required {
                diagnostics.error(
                    "\(described) needs 'pattern' or a 'type' (integer, date): a path parameter forwarded unchecked could name any file upstream",
                    at: keyLocation)
            }
            result.append(
                ProxyRoute.Parameter(
                    name: name, kind: kind, maxLength: spec.optionalInt("max_length", in: described, range: 1...1024, &diagnostics) ?? 200,
                    description: spec.optionalString("description", in: described, &diagnostics),
                    required: required || (spec.optionalBool("required", in: described, &diagnostics) ?? false), location: keyLocation))
        }
        return result
    }

    private mutating func parseTenant(
        _ top: MappingObject, parameters: [ProxyRoute.Parameter], query: [ProxyRoute.Parameter], root: MappingNode
    ) -> ProxyRoute.TenantPlacement? {
        let what = "'tenant'"
        guard let node = top["tenant"] else {
            diagnostics.error(
                "proxied route '\(name)' needs 'tenant': {parameter: <path parameter>}, {query: <name>}, {inject: <upstream query name>} or none",
                at: root.location)
            return nil
        }
        if node.scalar == "none" { return ProxyRoute.TenantPlacement.none }
        guard let object = MappingObject(node, what: what, allowed: ["parameter", "query", "inject"], into: &diagnostics) else { return nil }
        guard object.pairs.count == 1, let (key, _, value) = object.pairs.first, let text = value.scalar else {
            diagnostics.error("\(what) takes exactly one of parameter, query or inject", at: node.location)
            return nil
        }
        switch key {
        case "parameter":
            guard let parameter = parameters.first(where: { $0.name == text }) else {
                diagnostics.error(
                    "\(what) names '\(text)', which is not a path parameter\(Suggestion.hint(for: text, among: parameters.map(\.name)))",
                    at: value.location)
                return nil
            }
            if parameter.kind != .integer {
                diagnostics.error("the tenant parameter '\(text)' must be 'type: integer' (account ids)", at: parameter.location)
            }
            return .pathParameter(text)
        case "query":
            guard let parameter = query.first(where: { $0.name == text }) else {
                diagnostics.error(
                    "\(what) names '\(text)', which is not under 'query'\(Suggestion.hint(for: text, among: query.map(\.name)))", at: value.location)
                return nil
            }
            if parameter.kind != .integer {
                diagnostics.error("the tenant parameter '\(text)' must be 'type: integer' (account ids)", at: parameter.location)
            }
            return .queryParameter(text)
        default:
            guard ASCIIPattern.isIdentifier(text) else {
                diagnostics.error("\(what): inject names an upstream query parameter: letters, digits and _", at: value.location)
                return nil
            }
            return .injected(text)
        }
    }

    private mutating func parseMethods(_ top: MappingObject) -> [String] {
        guard let listed = top.stringList("methods", in: "'methods'", &diagnostics) else { return ["GET", "HEAD"] }
        var methods: [String] = []
        for (method, location) in listed {
            guard Self.methods.contains(method) else {
                diagnostics.error("method '\(method)' must be one of \(Self.methods.joined(separator: ", "))", at: location)
                continue
            }
            methods.append(method)
        }
        if methods.contains("GET"), !methods.contains("HEAD") { methods.append("HEAD") }
        return methods
    }

    // MARK: - Upstream

    private mutating func parseUpstream(_ top: MappingObject, parameters: [ProxyRoute.Parameter], root: MappingNode) -> ProxyRoute.Upstream? {
        let what = "'upstream'"
        guard let node = top["upstream"] else {
            diagnostics.error("proxied route '\(name)' needs 'upstream' (targets and path)", at: root.location)
            return nil
        }
        guard let object = MappingObject(node, what: what, allowed: ["targets", "path", "credential"], into: &diagnostics) else { return nil }
        var targets: [ProxyRoute.Upstream.Target] = []
        if let list = object["targets"]?.list, !list.isEmpty {
            for item in list {
                if let url = item.scalar {
                    if ProxyRoute.isBaseURL(url) {
                        targets.append(.url(url))
                    } else {
                        diagnostics.error("target '\(url)' must be an http:// or https:// base URL without query or fragment", at: item.location)
                    }
                } else if let env = MappingObject(item, what: "a target", allowed: ["env"], into: &diagnostics), let variable = env["env"]?.scalar {
                    targets.append(.environment(variable))
                }
            }
        } else {
            diagnostics.error("\(what) needs 'targets': a list of base URLs (or {env: NAME})", at: object.keyLocation("targets") ?? node.location)
        }
        var path: [ProxyRoute.Segment] = []
        if let text = object.requireString("path", in: what, &diagnostics), let at = object["path"]?.location,
            let parsed = template(text, at: at, what: "'upstream.path'")
        {
            path = parsed
            for case .parameter(let used) in parsed where !parameters.contains(where: { $0.name == used }) {
                diagnostics.error(
                    "'upstream.path' uses '{\(used)}', which is not a path parameter\(Suggestion.hint(for: used, among: parameters.map(\.name)))",
                    at: at)
            }
        }
        let credential = object["credential"].flatMap { parseCredential($0) }
        guard !targets.isEmpty, !path.isEmpty else { return nil }
        return ProxyRoute.Upstream(targets: targets, path: path, credential: credential, location: node.location)
    }

    private mutating func parseCredential(_ node: MappingNode) -> ProxyRoute.Credential? {
        let what = "'credential'"
        guard let object = MappingObject(node, what: what, allowed: ["basic", "bearer", "header"], into: &diagnostics) else { return nil }
        guard object.pairs.count == 1, let (kind, _, value) = object.pairs.first else {
            diagnostics.error("\(what) takes exactly one of basic, bearer or header", at: node.location)
            return nil
        }
        switch kind {
        case "basic":
            guard let spec = MappingObject(value, what: "'basic'", allowed: ["user", "password_env", "password_file"], into: &diagnostics),
                let user = spec.requireString("user", in: "'basic'", &diagnostics), let password = secret(spec, "password", at: value.location)
            else { return nil }
            return .basic(user: user, password: password)
        case "bearer":
            guard let spec = MappingObject(value, what: "'bearer'", allowed: ["token_env", "token_file"], into: &diagnostics),
                let token = secret(spec, "token", at: value.location)
            else { return nil }
            return .bearer(token)
        default:
            guard let spec = MappingObject(value, what: "'header'", allowed: ["name", "value_env", "value_file"], into: &diagnostics),
                let header = spec.requireString("name", in: "'header'", &diagnostics), let secret = secret(spec, "value", at: value.location)
            else { return nil }
            if !header.utf8.allSatisfy({ ASCIIPattern.isLetter($0) || ASCIIPattern.isDigit($0) || $0 == 0x2D }) {
                diagnostics.error("header name '\(header)' must be letters, digits and -", at: spec["name"]?.location ?? value.location)
            }
            return .header(name: header, value: secret)
        }
    }

    /// `<what>_env` or `<what>_file`, exactly one: secrets are never written in a mapping.
    private mutating func secret(_ spec: MappingObject, _ what: String, at location: Location) -> ProxyRoute.Secret? {
        let env = spec.optionalString("\(what)_env", in: "the credential", &diagnostics)
        let file = spec.optionalString("\(what)_file", in: "the credential", &diagnostics)
        switch (env, file) {
        case (let env?, nil): return .environment(env)
        case (nil, let file?): return .file(file)
        default:
            diagnostics.error(
                "the credential needs exactly one of '\(what)_env' or '\(what)_file' (secrets are never written in mappings)", at: location)
            return nil
        }
    }

    // MARK: - Timeouts, retries, media types

    private mutating func parseTimeouts(_ top: MappingObject) -> ProxyRoute.Timeouts {
        var timeouts = ProxyRoute.Timeouts.standard
        guard let node = top["timeouts"],
            let object = MappingObject(node, what: "'timeouts'", allowed: ["connect", "first_byte", "idle", "total"], into: &diagnostics)
        else { return timeouts }
        for (key, _, value) in object.pairs {
            guard let text = value.scalar, let duration = Self.duration(text), duration > .zero, duration <= .seconds(86_400) else {
                diagnostics.error("timeout '\(key)' must be a duration such as 500ms, 30s, 5m or 2h (at most 24h)", at: value.location)
                continue
            }
            switch key {
            case "connect": timeouts.connect = duration
            case "first_byte": timeouts.firstByte = duration
            case "idle": timeouts.idle = duration
            default: timeouts.total = duration
            }
        }
        return timeouts
    }

    /// `500ms`, `30s`, `5m`, `2h`.
    static func duration(_ text: String) -> Duration? {
        for (suffix, scale) in [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)] where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            guard !number.isEmpty, number.allSatisfy(\.isASCII), let value = Int(number) else { return nil }
            return .milliseconds(value * scale)
        }
        return nil
    }

    private mutating func parseRetries(_ top: MappingObject) -> ProxyRoute.Retries {
        var retries = ProxyRoute.Retries.standard
        guard let node = top["retries"],
            let object = MappingObject(node, what: "'retries'", allowed: ["attempts", "statuses"], into: &diagnostics)
        else { return retries }
        retries.attempts = object.optionalInt("attempts", in: "'retries'", range: 1...5, &diagnostics) ?? retries.attempts
        for (text, location) in object.stringList("statuses", in: "'retries'", &diagnostics) ?? [] {
            guard let status = Int(text), [429, 502, 503, 504].contains(status) else {
                diagnostics.error("retried status '\(text)' must be 429, 502, 503 or 504", at: location)
                continue
            }
            retries.statuses.append(status)
        }
        return retries
    }

    private mutating func parseMediaTypes(_ top: MappingObject) -> [String] {
        guard let listed = top.stringList("media_types", in: "'media_types'", &diagnostics) else { return ["application/octet-stream"] }
        var types: [String] = []
        for (type, location) in listed {
            let parts = type.split(separator: "/")
            guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else {
                diagnostics.error("media type '\(type)' must look like text/csv", at: location)
                continue
            }
            types.append(type)
        }
        return types
    }

    private mutating func parseForwarding(_ top: MappingObject) -> ProxyRoute.Forwarding {
        var forwarding = ProxyRoute.Forwarding.standard
        guard let node = top["forwarding"],
            let object = MappingObject(node, what: "'forwarding'", allowed: ["headers", "via"], into: &diagnostics)
        else { return forwarding }
        if let text = object.optionalString("headers", in: "'forwarding'", &diagnostics), let at = object["headers"]?.location {
            if let style = ProxyRoute.Forwarding.Style(rawValue: text) {
                forwarding.headers = style
            } else {
                let names = ProxyRoute.Forwarding.Style.allCases.map(\.rawValue)
                diagnostics.error(
                    "forwarding headers '\(text)' must be one of \(names.joined(separator: ", "))\(Suggestion.hint(for: text, among: names))", at: at)
            }
        }
        forwarding.via = object.optionalBool("via", in: "'forwarding'", &diagnostics) ?? forwarding.via
        return forwarding
    }
}

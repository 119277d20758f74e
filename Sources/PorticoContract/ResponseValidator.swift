import Foundation

/// Checks a response against the OpenAPI document: the operation exists, the status and the
/// content type are documented, `X-Request-Id` is present, and a JSON body satisfies its
/// schema (types, enums, patterns, formats, required and closed objects, arrays, `anyOf`,
/// `$ref`). Returns what is wrong, one line each; empty when the response conforms.
public struct ResponseValidator: Sendable {
    let document: JSONNode
    /// The document's path templates.
    let templates: [String]
    /// Whether `RateLimit` and `RateLimit-Policy` must be on every response (a server without
    /// limits, as some tests run, does not send them).
    let requireLimitHeaders: Bool

    public init(document: JSONNode, requireLimitHeaders: Bool = true) {
        self.document = document
        self.requireLimitHeaders = requireLimitHeaders
        templates = document["paths"]?.members.keys.sorted() ?? []
    }

    /// Whether the document covers this path at all (other paths, such as `/healthz`, are not its business).
    public func covers(_ path: String) -> Bool { template(for: path) != nil }

    func template(for path: String) -> String? {
        // Constant segments win over parameters, as in the router.
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let matches = templates.filter { template in
            let parts = template.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == segments.count && zip(parts, segments).allSatisfy { $0.hasPrefix("{") ? !$1.isEmpty : $0 == $1 }
        }
        return matches.min { $0.filter { $0 == "{" }.count < $1.filter { $0 == "{" }.count }
    }

    public func validate(method: String, path: String, status: Int, headers: [String: String], body: [UInt8]) -> [String] {
        guard let template = template(for: path) else { return [] }
        let verb = method == "HEAD" ? "get" : method.lowercased()
        guard let operation = document["paths"]?[template]?[verb] else {
            // Writes are refused with 405 on every path; the document lists what exists.
            return status == 405 ? [] : ["\(method) \(template): no such operation in the document"]
        }
        let where_ = "\(method) \(path) → \(status)"
        guard var response = operation["responses"]?[String(status)] else {
            return ["\(where_): status \(status) is not documented"]
        }
        response = resolve(response)
        var problems: [String] = []
        let lowered = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        if lowered["x-request-id"] == nil { problems.append("\(where_): no X-Request-Id header") }
        let always = ["retry-after", "www-authenticate", "deprecation", "sunset"] + (requireLimitHeaders ? ["ratelimit", "ratelimit-policy"] : [])
        for name in response["headers"]?.members.keys.sorted() ?? [] where always.contains(name.lowercased()) {
            // These are documented as always sent with this response.
            if lowered[name.lowercased()] == nil, status != 304 { problems.append("\(where_): documented header \(name) is missing") }
        }
        guard let content = response["content"], method != "HEAD", status != 304, !body.isEmpty else { return problems }
        let contentType = (lowered["content-type"] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard let media = content[contentType] else {
            return problems + [
                "\(where_): content type '\(contentType)' is not documented (\(content.members.keys.sorted().joined(separator: ", ")))"
            ]
        }
        guard contentType.hasSuffix("json"), let schema = media["schema"] else { return problems }
        let value: JSONNode
        do {
            value = try JSONNode.parse(json: Data(body))
        } catch {
            return problems + ["\(where_): the body is not JSON"]
        }
        check(value, against: schema, at: "$", into: &problems, prefix: where_)
        return problems
    }

    func resolve(_ node: JSONNode) -> JSONNode {
        guard let ref = node["$ref"]?.string, ref.hasPrefix("#/") else { return node }
        var current: JSONNode? = document
        for part in ref.dropFirst(2).split(separator: "/") { current = current?[String(part)] }
        return current.map(resolve) ?? node
    }

    func check(_ value: JSONNode, against schemaNode: JSONNode, at path: String, into problems: inout [String], prefix: String) {
        let schema = resolve(schemaNode)
        if let options = schema["oneOf"]?.items {
            let matching = options.filter { option in
                var trial: [String] = []
                check(value, against: option, at: path, into: &trial, prefix: prefix)
                return trial.isEmpty
            }.count
            if matching != 1 { problems.append("\(prefix): \(path) matches \(matching) of oneOf, not exactly one") }
            return
        }
        if let options = schema["anyOf"]?.items {
            let matches = options.contains { option in
                var trial: [String] = []
                check(value, against: option, at: path, into: &trial, prefix: prefix)
                return trial.isEmpty
            }
            if !matches { problems.append("\(prefix): \(path) matches none of anyOf") }
            return
        }
        if let constant = schema["const"], constant != value {
            problems.append(
                "\(prefix): \(path) = \(value.jsonText.trimmingCharacters(in: .newlines)) is not the constant \(constant.jsonText.trimmingCharacters(in: .newlines))"
            )
            return
        }
        if let allowed = schema["enum"]?.items, !allowed.contains(value) {
            problems.append("\(prefix): \(path) = \(value.jsonText.trimmingCharacters(in: .newlines)) is not one of the enum")
            return
        }
        let types: [String]
        switch schema["type"] {
        case .string(let type)?: types = [type]
        case .array(let list)?: types = list.compactMap(\.string)
        default: types = []
        }
        if !types.isEmpty, !types.contains(where: { Self.matches(value, $0) }) {
            problems.append("\(prefix): \(path) should be \(types.joined(separator: " or ")), is \(Self.kind(value))")
            return
        }
        switch value {
        case .string(let text):
            if let pattern = schema["pattern"]?.string, let regex = RegexCache.shared.regex(pattern),
                regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil
            {
                problems.append("\(prefix): \(path) = \"\(text)\" does not match \(pattern)")
            }
            if schema["format"]?.string == "date-time", text.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/) == nil {
                problems.append("\(prefix): \(path) = \"\(text)\" is not an RFC 3339 date-time")
            }
            if schema["format"]?.string == "date", text.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) == nil {
                problems.append("\(prefix): \(path) = \"\(text)\" is not a date")
            }
        case .object(let members):
            let properties = schema["properties"]?.members ?? [:]
            for name in schema["required"]?.items.compactMap(\.string) ?? [] where members[name] == nil {
                problems.append("\(prefix): \(path) lacks required '\(name)'")
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let property = properties[name] {
                    check(member, against: property, at: "\(path).\(name)", into: &problems, prefix: prefix)
                } else if schema["additionalProperties"] == .bool(false) {
                    problems.append("\(prefix): \(path) has undocumented property '\(name)'")
                } else if let additional = schema["additionalProperties"], case .object = additional {
                    check(member, against: additional, at: "\(path).\(name)", into: &problems, prefix: prefix)
                }
            }
        case .array(let items):
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { check(item, against: itemSchema, at: "\(path)[\(index)]", into: &problems, prefix: prefix) }
            }
        default:
            break
        }
    }

    static func matches(_ value: JSONNode, _ type: String) -> Bool {
        switch (value, type) {
        case (.string, "string"), (.bool, "boolean"), (.null, "null"), (.object, "object"), (.array, "array"), (.integer, "integer"),
            (.integer, "number"), (.number, "number"):
            true
        case (.number(let n), "integer"): n == n.rounded()
        default: false
        }
    }

    static func kind(_ value: JSONNode) -> String {
        switch value {
        case .string: "string"
        case .bool: "boolean"
        case .null: "null"
        case .object: "object"
        case .array: "array"
        case .integer: "integer"
        case .number: "number"
        }
    }
}

/// Compiled patterns, shared: compiling one per value would dominate the validator's time.
final class RegexCache: @unchecked Sendable {
    static let shared = RegexCache()
    private let lock = NSLock()
    private var compiled: [String: NSRegularExpression] = [:]

    func regex(_ pattern: String) -> NSRegularExpression? {
        lock.withLock {
            if let cached = compiled[pattern] { return cached }
            let made = try? NSRegularExpression(pattern: pattern)
            compiled[pattern] = made
            return made
        }
    }
}

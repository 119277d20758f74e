/// Compares a published document (the lock) with a new one and classifies every difference
/// that matters to a partner as breaking or compatible, one line each, with its JSON path.
///
/// Breaking: a removed path, operation, parameter or response field; a renamed field; a changed
/// type or format; `null` newly allowed in a response field; a response member no longer
/// `required`; an enum value removed from a parameter or added to a response; a parameter newly
/// required; narrowed bounds (minimum, maximum, lengths, filter operators, accepted values); a
/// removed security scheme; a credential that met one of the lock's security alternatives
/// meeting none of the new ones (an added scope, a removed or narrowed alternative, anonymous
/// access withdrawn). Compatible: new optional fields, endpoints and parameters; widened
/// bounds; description, summary and example changes. `mappings/README.md` ("The contract")
/// has the whole table with the reason for each rule.
public struct ContractDiff: Sendable {
    public struct Change: Sendable, Equatable, CustomStringConvertible {
        public let breaking: Bool
        public let path: String
        public let message: String
        public var description: String { "\(breaking ? "breaking" : "compatible"): \(path): \(message)" }
    }

    public private(set) var changes: [Change] = []
    public var isBreaking: Bool { changes.contains(where: \.breaking) }

    /// Every difference between two OpenAPI documents that matters to a partner.
    ///
    /// - Parameters:
    ///   - old: what partners were promised (the lock, or an agreed contract).
    ///   - new: the document generated from the mappings.
    /// - Returns: the changes, each breaking or compatible, with its JSON path.
    public static func compare(old: JSONNode, new: JSONNode) -> ContractDiff {
        var diff = ContractDiff()
        diff.paths(old["paths"]?.members ?? [:], new["paths"]?.members ?? [:], security: (old["security"], new["security"]))
        let oldSchemas = old["components"]?["schemas"]?.members ?? [:]
        let newSchemas = new["components"]?["schemas"]?.members ?? [:]
        for name in oldSchemas.keys.sorted() {
            let path = "$.components.schemas.\(name)"
            guard let newSchema = newSchemas[name] else {
                if name == "gateway_problem" {
                    diff.add(false, path, "removed schema (only the gateway's errors used it: the version has no proxied route left)")
                    continue
                }
                diff.add(true, path, "removed schema (a resource's documents are gone)")
                continue
            }
            diff.schema(oldSchemas[name]!, newSchema, path, response: true)
        }
        let oldSchemes = old["components"]?["securitySchemes"]?.members ?? [:]
        let newSchemes = new["components"]?["securitySchemes"]?.members ?? [:]
        for name in oldSchemes.keys.sorted() where newSchemes[name] == nil {
            diff.add(true, "$.components.securitySchemes.\(name)", "removed security scheme")
        }
        for name in newSchemes.keys.sorted() where oldSchemes[name] == nil {
            diff.add(false, "$.components.securitySchemes.\(name)", "new security scheme")
        }
        if old["info"]?["description"] != new["info"]?["description"] || old["info"]?["title"] != new["info"]?["title"] {
            diff.add(false, "$.info", "title or description changed")
        }
        return diff
    }

    mutating func add(_ breaking: Bool, _ path: String, _ message: String) {
        changes.append(Change(breaking: breaking, path: path, message: message))
    }

    /// - Parameter security: each document's top-level `security`, which operations without their own inherit.
    mutating func paths(_ old: [String: JSONNode], _ new: [String: JSONNode], security: (old: JSONNode?, new: JSONNode?)) {
        for path in old.keys.sorted() {
            let at = "$.paths['\(path)']"
            guard let newItem = new[path] else {
                add(true, at, "removed path")
                continue
            }
            let oldItem = old[path]!
            for method in oldItem.members.keys.sorted() {
                guard let newOperation = newItem[method] else {
                    add(true, "\(at).\(method)", "removed operation")
                    continue
                }
                operation(oldItem[method]!, newOperation, "\(at).\(method)")
                self.security(
                    Self.requirements(oldItem[method]!, inherited: security.old),
                    Self.requirements(newOperation, inherited: security.new), "\(at).\(method).security")
            }
            for method in newItem.members.keys.sorted() where oldItem[method] == nil { add(false, "\(at).\(method)", "new operation") }
        }
        for path in new.keys.sorted() where old[path] == nil { add(false, "$.paths['\(path)']", "new endpoint") }
    }

    mutating func operation(_ old: JSONNode, _ new: JSONNode, _ at: String) {
        func keyed(_ node: JSONNode) -> [String: JSONNode] {
            Dictionary(
                node["parameters"]?.items.map { ("\($0["in"]?.string ?? "")/\($0["name"]?.string ?? "")", $0) } ?? [], uniquingKeysWith: { a, _ in a }
            )
        }
        let oldParameters = keyed(old)
        let newParameters = keyed(new)
        for key in oldParameters.keys.sorted() {
            let name = String(key.split(separator: "/", maxSplits: 1).last ?? "")
            let path = "\(at).parameters[\(name)]"
            guard let newParameter = newParameters[key] else {
                add(true, path, "removed parameter")
                continue
            }
            let oldParameter = oldParameters[key]!
            if oldParameter["required"] != .bool(true), newParameter["required"] == .bool(true) { add(true, path, "parameter newly required") }
            if let oldSchema = oldParameter["schema"], let newSchema = newParameter["schema"] {
                schema(oldSchema, newSchema, path, response: false)
            }
            if oldParameter["description"] != newParameter["description"] { add(false, path, "description changed") }
        }
        for key in newParameters.keys.sorted() where oldParameters[key] == nil {
            let name = String(key.split(separator: "/", maxSplits: 1).last ?? "")
            add(
                newParameters[key]!["required"] == .bool(true), "\(at).parameters[\(name)]",
                newParameters[key]!["required"] == .bool(true) ? "new required parameter" : "new optional parameter")
        }
        if old["deprecated"] != new["deprecated"], new["deprecated"] == .bool(true) { add(false, at, "deprecated") }
        for key in ["summary", "description"] where old[key] != new[key] { add(false, "\(at).\(key)", "\(key) changed") }
        let oldResponses = old["responses"]?.members ?? [:]
        let newResponses = new["responses"]?.members ?? [:]
        for status in oldResponses.keys.sorted() {
            let path = "\(at).responses['\(status)']"
            guard let newResponse = newResponses[status] else {
                // The gateway's own errors go when a mapped resource replaces a proxied route:
                // the product behind it can no longer fail that way, and no partner relied on it.
                if status == "502" || status == "504" {
                    add(false, path, "removed response (the gateway's error: the route is no longer proxied)")
                    continue
                }
                add(true, path, "removed response")
                continue
            }
            let oldContent = oldResponses[status]!["content"]?.members ?? [:]
            let newContent = newResponse["content"]?.members ?? [:]
            for type in oldContent.keys.sorted() where newContent[type] == nil { add(true, "\(path).content['\(type)']", "removed media type") }
            for type in oldContent.keys.sorted() {
                if let oldSchema = oldContent[type]?["schema"], let newSchema = newContent[type]?["schema"] {
                    schema(oldSchema, newSchema, "\(path).content['\(type)'].schema", response: true)
                }
            }
        }
    }

    /// One way to authenticate (a security requirement object): each scheme it needs, with the
    /// scopes the credential must hold for that scheme. `[:]` is anonymous access.
    typealias Requirement = [String: Set<String>]

    /// An operation's alternatives: its own `security`, else the document's; none declared, or
    /// an empty list, means anonymous access.
    static func requirements(_ operation: JSONNode, inherited: JSONNode?) -> [Requirement] {
        let items = (operation["security"] ?? inherited)?.items ?? []
        if items.isEmpty { return [[:]] }
        return items.map { requirement in requirement.members.mapValues { Set($0.items.compactMap(\.string)) } }
    }

    /// Whether a credential that meets `held` also meets `needed`: every scheme `needed` names is
    /// in `held`, with no scope `held` lacks.
    static func meets(_ held: Requirement, _ needed: Requirement) -> Bool {
        needed.allSatisfy { scheme, scopes in held[scheme].map { scopes.isSubset(of: $0) } ?? false }
    }

    /// Breaking when a partner who could call the operation one way (an old alternative) can
    /// meet none of the new ones with the same credential: a scope added, a scheme removed from
    /// the alternatives, anonymous access withdrawn.
    mutating func security(_ old: [Requirement], _ new: [Requirement], _ at: String) {
        var said: Set<String> = []
        func once(_ breaking: Bool, _ message: String) {
            if said.insert(message).inserted { add(breaking, at, message) }
        }
        for held in old where !new.contains(where: { Self.meets(held, $0) }) {
            if held.isEmpty {
                once(true, "now requires a credential (anonymous callers were accepted)")
            } else if let same = new.first(where: { Set($0.keys) == Set(held.keys) }) {
                for scheme in same.keys.sorted() {
                    for scope in same[scheme]!.subtracting(held[scheme]!).sorted() { once(true, "added scope requirement '\(scope)'") }
                }
            } else if let wider = new.first(where: { Set(held.keys).isSubset(of: $0.keys) }) {
                let extra = Set(wider.keys).subtracting(held.keys).sorted().joined(separator: " + ")
                once(true, "a credential for \(held.keys.sorted().joined(separator: " + ")) now also needs \(extra)")
            } else {
                once(true, "a credential for \(held.keys.sorted().joined(separator: " + ")) is no longer accepted")
            }
        }
        let oldScopes = old.reduce(into: Set<String>()) { $0.formUnion($1.values.joined()) }
        let newScopes = new.reduce(into: Set<String>()) { $0.formUnion($1.values.joined()) }
        for scope in oldScopes.subtracting(newScopes).sorted() { once(false, "scope '\(scope)' no longer required") }
        for scheme in Set(new.flatMap(\.keys)).subtracting(old.flatMap(\.keys)).sorted() { once(false, "new way to authenticate: \(scheme)") }
    }

    /// The non-null types of a schema and whether it allows null.
    static func types(_ schema: JSONNode) -> (Set<String>, Bool) {
        if let anyOf = schema["anyOf"]?.items {
            let nullable = anyOf.contains { $0["type"] == .string("null") }
            let others = anyOf.filter { $0["type"] != .string("null") }
            let inner = others.map { types($0).0 }.reduce(Set<String>()) { $0.union($1) }
            return (inner, nullable)
        }
        if let ref = schema["$ref"]?.string { return (["ref:" + ref], false) }
        switch schema["type"] {
        case .string(let type)?: return (type == "null" ? [] : [type], type == "null")
        case .array(let list)?:
            let names = list.compactMap(\.string)
            return (Set(names.filter { $0 != "null" }), names.contains("null") || (schema["enum"]?.items.contains(.null) ?? false))
        default: return ([], schema["enum"]?.items.contains(.null) ?? false)
        }
    }

    /// The schema that carries the properties (inside `anyOf` when nullable).
    static func body(_ schema: JSONNode) -> JSONNode {
        schema["anyOf"]?.items.first { $0["type"] != .string("null") } ?? schema
    }

    mutating func schema(_ old: JSONNode, _ new: JSONNode, _ at: String, response: Bool) {
        let (oldTypes, oldNull) = Self.types(old)
        let (newTypes, newNull) = Self.types(new)
        if oldTypes != newTypes {
            add(true, at, "changed type from \(oldTypes.sorted().joined(separator: "|")) to \(newTypes.sorted().joined(separator: "|"))")
            return
        }
        if response, !oldNull, newNull { add(true, at, "nullable added to a response field") }
        if response, oldNull, !newNull { add(false, at, "no longer nullable") }
        if response, old["x-portico-include"] != new["x-portico-include"] {
            let optional = new["x-portico-include"] == .string("optional")
            add(optional, at, optional ? "now only sent with include=" : "now sent without include=")
        }
        let old = Self.body(old)
        let new = Self.body(new)
        if response { requiredMembers(old, new, at) }
        if old["format"] != new["format"] {
            add(true, at, "changed format from \(old["format"]?.string ?? "none") to \(new["format"]?.string ?? "none")")
        }
        if response, old["const"] != new["const"] {
            let text = { (node: JSONNode?) in node.map { String($0.jsonText.filter { $0 != "\n" }) } ?? "none" }
            add(true, at, "changed constant from \(text(old["const"])) to \(text(new["const"]))")
        }
        if response, old["pattern"] == nil, let pattern = new["pattern"]?.string {
            // Narrowing what a response may hold: a client that took any text takes these.
            add(false, at, "pattern \(pattern) now stated")
        } else if response, old["pattern"] != new["pattern"] {
            add(true, at, "changed pattern from \(old["pattern"]?.string ?? "none") to \(new["pattern"]?.string ?? "none") (values look different)")
        }
        enumeration(old["enum"], new["enum"], at, response: response, what: "enum value")
        if !response {
            enumeration(old["x-portico-operators"], new["x-portico-operators"], at, response: false, what: "operator")
            enumeration(old["x-portico-values"], new["x-portico-values"], at, response: false, what: "accepted value")
            bounds(old, new, at)
        }
        for key in ["description", "examples"] where old[key] != new[key] { add(false, at, "\(key) changed") }
        if old["deprecated"] != new["deprecated"], new["deprecated"] == .bool(true) { add(false, at, "deprecated") }
        if let oldItems = old["items"], let newItems = new["items"] { schema(oldItems, newItems, "\(at).items", response: response) }
        properties(old["properties"]?.members ?? [:], new["properties"]?.members ?? [:], at, response: response)
    }

    /// A response member the lock lists as `required` may be absent now: partners that rely on
    /// its presence break. (A removed member is reported as removed; newly required is compatible.)
    mutating func requiredMembers(_ old: JSONNode, _ new: JSONNode, _ at: String) {
        let oldRequired = Set(old["required"]?.items.compactMap(\.string) ?? [])
        let newRequired = Set(new["required"]?.items.compactMap(\.string) ?? [])
        let present = new["properties"]?.members ?? [:]
        for name in oldRequired.subtracting(newRequired).sorted() where present[name] != nil {
            add(true, "\(at).properties.\(name)", "no longer required (responses may omit it)")
        }
        for name in newRequired.subtracting(oldRequired).sorted() where old["properties"]?[name] != nil {
            add(false, "\(at).properties.\(name)", "now required (always present)")
        }
    }

    mutating func enumeration(_ old: JSONNode?, _ new: JSONNode?, _ at: String, response: Bool, what: String) {
        guard let old, let new else {
            if old != nil, new == nil, !response { add(false, at, "\(what)s no longer restricted") }
            if old == nil, new != nil { add(true, at, "\(what)s now restricted") }
            return
        }
        let oldValues = Set(old.items.compactMap(\.string))
        let newValues = Set(new.items.compactMap(\.string))
        for value in oldValues.subtracting(newValues).sorted() {
            add(!response, at, response ? "\(what) '\(value)' no longer sent" : "\(what) '\(value)' removed from a parameter")
        }
        for value in newValues.subtracting(oldValues).sorted() {
            add(response, at, response ? "\(what) '\(value)' added to a response" : "\(what) '\(value)' now accepted")
        }
    }

    mutating func bounds(_ old: JSONNode, _ new: JSONNode, _ at: String) {
        func int(_ node: JSONNode, _ key: String) -> Int? { if case .integer(let value)? = node[key] { value } else { nil } }
        for (key, narrower) in [
            ("minimum", { (o: Int, n: Int) in n > o }), ("minLength", { (o: Int, n: Int) in n > o }),
            ("maximum", { (o: Int, n: Int) in n < o }), ("maxLength", { (o: Int, n: Int) in n < o }),
        ] {
            switch (int(old, key), int(new, key)) {
            case let (o?, n?) where o != n: add(narrower(o, n), at, "\(key) \(narrower(o, n) ? "narrowed" : "widened") from \(o) to \(n)")
            case (nil, let n?): add(true, at, "\(key) \(n) added (narrowed bounds)")
            case (let o?, nil): add(false, at, "\(key) \(o) removed (widened bounds)")
            default: break
            }
        }
    }

    mutating func properties(_ old: [String: JSONNode], _ new: [String: JSONNode], _ at: String, response: Bool) {
        let removed = old.keys.filter { new[$0] == nil }.sorted()
        let added = new.keys.filter { old[$0] == nil }.sorted()
        var renamed: Set<String> = []
        for name in removed {
            // One field gone and one like it come: most likely a rename.
            if let match = added.first(where: {
                !renamed.contains($0) && Self.types(new[$0]!) == Self.types(old[name]!)
                    && Self.body(new[$0]!)["format"] == Self.body(old[name]!)["format"]
            }), removed.count == added.count {
                renamed.insert(match)
                add(true, "\(at).properties.\(name)", "renamed field '\(name)' to '\(match)'")
            } else {
                add(true, "\(at).properties.\(name)", "removed response field")
            }
        }
        for name in added where !renamed.contains(name) { add(false, "\(at).properties.\(name)", "new optional field") }
        for name in old.keys.sorted() where new[name] != nil {
            schema(old[name]!, new[name]!, "\(at).properties.\(name)", response: response)
        }
    }
}

import Foundation
public import PorticoCatalog

/// A version's generated document compared with a contract written elsewhere (an agreed
/// OpenAPI 3.0 or 3.1 document, hand-written or from another framework), under the lock
/// check's rule table, both ways: what the contract promises that the mappings do not produce,
/// and what the mappings serve that the contract does not have.
///
/// Both documents are first brought to one form: local `$ref`s inlined (schema names are the
/// writer's choice, not the contract's), `x-` extensions dropped (Portico's annotations), and
/// OpenAPI 3.0's `nullable: true` read as 3.1's `type: [T, "null"]`, and a one-value `enum` as `const`.
///
/// ```swift
/// let differences = ContractAgreement.compare(agreed: contract, generated: ContractDocument.build(v1), catalog: v1)
/// for difference in differences { print(difference) }   // missing: $.paths['/v1/customers'].get.parameters[email]: … (mappings/v1/customers.yaml:12:3)
/// ```
public enum ContractAgreement {
    public struct Difference: Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            /// The contract promises it; the mappings do not produce it (or produce it otherwise).
            case missing
            /// The mappings serve it; the contract does not have it (or narrows it).
            case added
            /// Documentation only: descriptions, titles, examples.
            case wording
        }

        public let kind: Kind
        public let path: String
        public let message: String
        /// The mapping it comes from, where one does.
        public let location: Location?

        public var description: String { "\(kind.rawValue): \(path): \(message)" + (location.map { " (\($0))" } ?? "") }
    }

    /// - Parameters:
    ///   - agreed: the contract, as parsed from YAML or JSON.
    ///   - generated: the version's generated document.
    ///   - catalog: the version, to name the mapping each difference comes from.
    /// - Returns: every difference, missing ones first, each once.
    public static func compare(agreed: JSONNode, generated: JSONNode, catalog: Catalog) -> [Difference] {
        let contract = normalize(agreed)
        let served = normalize(generated)
        let forward = ContractDiff.compare(old: contract, new: served).changes
        let backward = ContractDiff.compare(old: served, new: contract).changes
        let locator = MappingLocator(catalog: catalog)
        var result: [Difference] = []
        // A pattern only the mappings state (a trimmed or lower-cased text, a fixed fraction) narrows
        // what the contract admits in a response: every value served still meets the contract.
        let narrowed = Set(forward.filter { !$0.breaking && $0.message.hasPrefix("pattern ") && $0.message.hasSuffix(" now stated") }.map(\.path))
        var seen: Set<String> = narrowed
        for change in forward where change.breaking {
            seen.insert(change.path)
            let message =
                change.message.hasPrefix("removed ") ? "not served by the mappings: " + change.message.dropFirst("removed ".count) : change.message
            result.append(Difference(kind: .missing, path: change.path, message: String(message), location: locator.location(change.path)))
        }
        for change in backward where change.breaking && !seen.contains(change.path) {
            seen.insert(change.path)
            let message = change.message.hasPrefix("removed ") ? "not in the contract: " + change.message.dropFirst("removed ".count) : change.message
            result.append(Difference(kind: .added, path: change.path, message: String(message), location: locator.location(change.path)))
        }
        for change in forward where !change.breaking && !seen.contains(change.path) {
            // What the backward pass reported as added is the same difference seen from the other side.
            guard !change.message.hasPrefix("new ") else { continue }
            result.append(Difference(kind: .wording, path: change.path, message: change.message, location: locator.location(change.path)))
        }
        return result
    }

    /// One form for both documents: refs inlined, extensions dropped, 3.0 nullability as 3.1's.
    public static func normalize(_ document: JSONNode) -> JSONNode {
        var members = inline(document, root: document, depth: 0).members
        if var components = members["components"]?.members {
            for key in ["schemas", "responses", "headers", "parameters", "examples", "requestBodies"] { components[key] = nil }
            members["components"] = .object(components)
        }
        for key in ["servers", "tags", "externalDocs", "openapi"] { members[key] = nil }
        return .object(members)
    }

    static func inline(_ node: JSONNode, root: JSONNode, depth: Int) -> JSONNode {
        switch node {
        case .object(let members):
            if let ref = members["$ref"]?.string, ref.hasPrefix("#/"), depth < 32 {
                var target: JSONNode? = root
                for part in ref.dropFirst(2).split(separator: "/") {
                    target = target?[String(part).replacingEscapes()]
                }
                if let target { return inline(target, root: root, depth: depth + 1) }
            }
            var result: [String: JSONNode] = [:]
            for (key, value) in members where !key.hasPrefix("x-") { result[key] = inline(value, root: root, depth: depth) }
            // OpenAPI 3.0: `nullable: true` beside a type is 3.1's type list with "null".
            if result["nullable"] == .bool(true), let type = result["type"]?.string {
                result["type"] = .array([.string(type), .string("null")])
            }
            result["nullable"] = nil
            // 3.1's nullable reference, `oneOf: [{$ref: …}, {type: "null"}]`, as the referenced schema with "null" in its type.
            if let options = result["oneOf"]?.items, options.count == 2, let index = options.firstIndex(of: .object(["type": .string("null")])),
                case .object(var other) = options[1 - index], let type = other["type"]?.string, other["oneOf"] == nil
            {
                other["type"] = .array([.string(type), .string("null")])
                result["oneOf"] = nil
                for (key, value) in other where result[key] == nil { result[key] = value }
            }
            // A one-value enum is a constant: Stripe's documents write `"object": {"enum": ["customer"]}`.
            if let values = result["enum"]?.items, values.count == 1, result["const"] == nil {
                result["const"] = values[0]
                result["enum"] = nil
            }
            return .object(result)
        case .array(let items):
            return .array(items.map { inline($0, root: root, depth: depth) })
        default:
            return node
        }
    }
}

extension String {
    /// A JSON Pointer token with `~1` and `~0` undone (RFC 6901).
    fileprivate func replacingEscapes() -> String {
        var result = ""
        var iterator = makeIterator()
        while let character = iterator.next() {
            guard character == "~" else {
                result.append(character)
                continue
            }
            switch iterator.next() {
            case "1": result.append("/")
            case "0": result.append("~")
            case let other?: result.append("~" + String(other))
            case nil: result.append("~")
            }
        }
        return result
    }
}

/// The mapping a difference's JSON path comes from: the resource whose path or schema it is
/// under, and the field (or filter) it names, as precisely as the path allows.
struct MappingLocator {
    let catalog: Catalog

    func location(_ path: String) -> Location? {
        guard let resource = resource(for: path) else { return nil }
        // The last `.properties.<name>` run names a field, below a page's `items` if there is one.
        let afterItems = path.range(of: ".items.", options: .backwards).map { "." + String(path[$0.upperBound...]) } ?? path
        let names = afterItems.components(separatedBy: ".properties.").dropFirst().map { $0.split(separator: ".").first.map(String.init) ?? $0 }
        var candidate = Array(names)
        while !candidate.isEmpty {
            if let field = resource.field(at: candidate.joined(separator: ".")) { return field.location }
            candidate.removeFirst()
        }
        if let start = path.range(of: ".parameters[")?.upperBound, let end = path[start...].firstIndex(of: "]") {
            let name = String(path[start..<end])
            if resource.filterParameters[name] != nil { return resource.location(of: "filters") }
            if name == "sort" { return resource.location(of: "sort") }
            if ["limit", "cursor", "starting_after", "ending_before"].contains(name) { return resource.location(of: "page") }
        }
        return resource.location(of: path.contains(".responses['200']") ? "fields" : "path")
    }

    func resource(for path: String) -> Resource? {
        if path.hasPrefix("$.paths['"), let end = path.range(of: "']") {
            let route = String(path[path.index(path.startIndex, offsetBy: 9)..<end.lowerBound])
            return catalog.endpoints.first { route == catalog.listPath($0) || route == catalog.listPath($0) + "/{id}" }
        }
        return nil
    }
}

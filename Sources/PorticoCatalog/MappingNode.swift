import Yams

/// A YAML node with its place in the file, read without YAML 1.1's implicit typing: every
/// scalar is text until the mapping language says what it must be (so `Y` stays `"Y"`).
struct MappingNode {
    enum Value {
        case scalar(String, isNull: Bool)
        case list([MappingNode])
        case map([(key: String, keyLocation: Location, value: MappingNode)])
    }

    let value: Value
    let location: Location
    /// A plain (unquoted) scalar: where the mapping language gives `true` or `12` a JSON type, a quoted one stays text.
    let isPlain: Bool

    init(_ node: Node, file: String) {
        let mark = node.mark
        location = Location(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0)
        isPlain = node.scalar?.style == .plain
        switch node {
        case .scalar(let scalar):
            let isNull = scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
            value = .scalar(scalar.string, isNull: isNull)
        case .sequence(let sequence):
            value = .list(sequence.map { MappingNode($0, file: file) })
        case .mapping(let mapping):
            value = .map(
                mapping.map { pair in
                    let keyMark = pair.key.mark
                    let keyText = pair.key.scalar?.string ?? "\(pair.key)"
                    return (
                        keyText, Location(file: file, line: keyMark?.line ?? 0, column: keyMark?.column ?? 0), MappingNode(pair.value, file: file)
                    )
                })
        case .alias:
            value = .scalar("", isNull: true)
        }
    }

    var scalar: String? {
        if case .scalar(let text, let isNull) = value, !isNull { return text }
        return nil
    }

    var isNull: Bool {
        if case .scalar(_, true) = value { return true }
        return false
    }

    /// The value of a `{const: value}` mapping, the mapping language's way to write a constant.
    var constant: MappingNode? {
        guard case .map(let pairs) = value, pairs.count == 1, pairs[0].key == "const" else { return nil }
        return pairs[0].value
    }

    var list: [MappingNode]? {
        if case .list(let items) = value { return items }
        return nil
    }

    var kindName: String {
        switch value {
        case .scalar(_, let isNull): isNull ? "null" : "a scalar"
        case .list: "a list"
        case .map: "a mapping"
        }
    }
}

/// Reads one mapping (YAML object) and checks its keys: duplicates and unknown keys are errors,
/// with the closest allowed key suggested.
struct MappingObject {
    let node: MappingNode
    private(set) var entries: [String: (keyLocation: Location, value: MappingNode)] = [:]
    private(set) var order: [String] = []

    /// Reads `node` as a mapping, or reports that it is not one.
    init?(_ node: MappingNode, what: String, allowed: [String], into diagnostics: inout DiagnosticCollector) {
        guard case .map(let pairs) = node.value else {
            diagnostics.error("\(what) must be a mapping, not \(node.kindName)", at: node.location)
            return nil
        }
        self.node = node
        for pair in pairs {
            if entries[pair.key] != nil {
                diagnostics.error("duplicate key '\(pair.key)' in \(what)", at: pair.keyLocation)
                continue
            }
            if !allowed.isEmpty, !allowed.contains(pair.key) {
                diagnostics.error("unknown key '\(pair.key)' in \(what)\(Suggestion.hint(for: pair.key, among: allowed))", at: pair.keyLocation)
                continue
            }
            entries[pair.key] = (pair.keyLocation, pair.value)
            order.append(pair.key)
        }
    }

    subscript(key: String) -> MappingNode? { entries[key]?.value }

    func keyLocation(_ key: String) -> Location? { entries[key]?.keyLocation }

    /// The entries in file order.
    var pairs: [(key: String, keyLocation: Location, value: MappingNode)] {
        order.compactMap { key in entries[key].map { (key, $0.keyLocation, $0.value) } }
    }

    func requireString(_ key: String, in what: String, _ diagnostics: inout DiagnosticCollector) -> String? {
        guard let node = self[key] else {
            diagnostics.error("\(what) needs '\(key)'", at: node.location)
            return nil
        }
        return string(key, in: what, diagnostics: &diagnostics, node: node)
    }

    func optionalString(_ key: String, in what: String, _ diagnostics: inout DiagnosticCollector) -> String? {
        guard let node = self[key] else { return nil }
        return string(key, in: what, diagnostics: &diagnostics, node: node)
    }

    private func string(_ key: String, in what: String, diagnostics: inout DiagnosticCollector, node: MappingNode) -> String? {
        guard let text = node.scalar, !text.isEmpty else {
            diagnostics.error("'\(key)' in \(what) must be a non-empty string, not \(node.kindName)", at: node.location)
            return nil
        }
        return text
    }

    func optionalBool(_ key: String, in what: String, _ diagnostics: inout DiagnosticCollector) -> Bool? {
        guard let node = self[key] else { return nil }
        switch node.scalar {
        case "true": return true
        case "false": return false
        default:
            diagnostics.error("'\(key)' in \(what) must be true or false", at: node.location)
            return nil
        }
    }

    func optionalInt(_ key: String, in what: String, range: ClosedRange<Int>, _ diagnostics: inout DiagnosticCollector) -> Int? {
        guard let node = self[key] else { return nil }
        guard let text = node.scalar, let value = Int(text), range.contains(value) else {
            diagnostics.error("'\(key)' in \(what) must be a whole number from \(range.lowerBound) to \(range.upperBound)", at: node.location)
            return nil
        }
        return value
    }

    /// A list of strings; a single string is accepted as a list of one.
    func stringList(_ key: String, in what: String, _ diagnostics: inout DiagnosticCollector) -> [(String, Location)]? {
        guard let node = self[key] else { return nil }
        if let single = node.scalar { return [(single, node.location)] }
        guard let items = node.list else {
            diagnostics.error("'\(key)' in \(what) must be a list of strings, not \(node.kindName)", at: node.location)
            return nil
        }
        var result: [(String, Location)] = []
        for item in items {
            guard let text = item.scalar, !text.isEmpty else {
                diagnostics.error("'\(key)' in \(what) must list strings, not \(item.kindName)", at: item.location)
                continue
            }
            result.append((text, item.location))
        }
        return result
    }
}

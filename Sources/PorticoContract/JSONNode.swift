public import Foundation
import Yams

/// A JSON (or YAML) document as a tree, written with its keys sorted so the same catalog
/// always gives the same bytes, and a diff of two documents is a diff of meaning.
public indirect enum JSONNode: Sendable, Equatable {
    case object([String: JSONNode])
    case array([JSONNode])
    case string(String)
    case integer(Int)
    case number(Double)
    case bool(Bool)
    case null

    public subscript(key: String) -> JSONNode? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var string: String? { if case .string(let value) = self { value } else { nil } }
    public var members: [String: JSONNode] { if case .object(let members) = self { members } else { [:] } }
    public var items: [JSONNode] { if case .array(let items) = self { items } else { [] } }

    /// From `JSONSerialization` or Yams output.
    public init(any value: Any?) {
        switch value {
        case let dictionary as [String: Any]: self = .object(dictionary.mapValues { JSONNode(any: $0) })
        case let list as [Any]: self = .array(list.map { JSONNode(any: $0) })
        case let text as String: self = .string(text)
        case let flag as Bool where type(of: value!) == Bool.self: self = .bool(flag)
        case let number as NSNumber where String(cString: number.objCType) == "c": self = .bool(number.boolValue)
        case let number as Int: self = .integer(number)
        case let number as NSNumber where number.doubleValue == number.doubleValue.rounded() && abs(number.doubleValue) < 1e15:
            self = .integer(number.intValue)
        case let number as Double: self = .number(number)
        case let number as NSNumber: self = .number(number.doubleValue)
        default: self = .null
        }
    }

    public static func parse(json data: Data) throws -> JSONNode {
        JSONNode(any: try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
    }

    /// A YAML (or JSON, which is YAML) document.
    public static func parse(yaml text: String) throws -> JSONNode {
        JSONNode(any: try Yams.load(yaml: text))
    }

    // MARK: - Writing

    public var jsonText: String {
        var out = ""
        writeJSON(into: &out, indent: 0)
        return out + "\n"
    }

    func writeJSON(into out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        switch self {
        case .object(let members):
            if members.isEmpty {
                out += "{}"
                return
            }
            out += "{\n"
            for (index, key) in members.keys.sorted().enumerated() {
                out += pad + Self.quoted(key) + ": "
                members[key]!.writeJSON(into: &out, indent: indent + 1)
                out += index == members.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: "  ", count: indent) + "}"
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += pad
                item.writeJSON(into: &out, indent: indent + 1)
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: "  ", count: indent) + "]"
        case .string(let text): out += Self.quoted(text)
        case .integer(let value): out += String(value)
        case .number(let value): out += value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20: out += String(format: "\\u%04x", s.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// YAML in block style, every string quoted as JSON (valid YAML 1.2), keys sorted.
    public var yamlText: String {
        var out = ""
        writeYAML(into: &out, indent: 0, inList: false)
        return out.hasSuffix("\n") ? out : out + "\n"
    }

    func writeYAML(into out: inout String, indent: Int, inList: Bool) {
        let pad = String(repeating: "  ", count: indent)
        switch self {
        case .object(let members) where !members.isEmpty:
            for (index, key) in members.keys.sorted().enumerated() {
                let value = members[key]!
                out += (index == 0 && inList ? "" : pad) + Self.yamlKey(key) + ":"
                if value.isBlock {
                    out += "\n"
                    value.writeYAML(into: &out, indent: indent + 1, inList: false)
                } else {
                    out += " "
                    value.writeJSON(into: &out, indent: 0)
                    out += "\n"
                }
            }
        case .array(let items) where !items.isEmpty:
            for item in items {
                out += pad + "- "
                if item.isBlock, case .object = item {
                    item.writeYAML(into: &out, indent: indent + 1, inList: true)
                } else if item.isBlock {
                    out += "\n"
                    item.writeYAML(into: &out, indent: indent + 1, inList: false)
                } else {
                    item.writeJSON(into: &out, indent: 0)
                    out += "\n"
                }
            }
        default:
            out += pad
            writeJSON(into: &out, indent: 0)
            out += "\n"
        }
    }

    var isBlock: Bool {
        switch self {
        case .object(let members): !members.isEmpty
        case .array(let items): !items.isEmpty
        default: false
        }
    }

    static func yamlKey(_ key: String) -> String {
        key.wholeMatch(of: /[A-Za-z_][A-Za-z0-9_.\-]*/) != nil
            && !["true", "false", "null", "yes", "no", "on", "off", "y", "n"].contains(key.lowercased())
            ? key : quoted(key)
    }
}

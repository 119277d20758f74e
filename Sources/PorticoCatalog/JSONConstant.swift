/// A constant JSON value declared in a mapping (`{const: value}`): plain YAML `true`, `false`,
/// `null`, integers and decimals keep their JSON type, anything else (quoted text included) is
/// a string; YAML lists and mappings are JSON arrays and objects, their members in order.
public indirect enum JSONConstant: Sendable, Hashable {
    case string(String)
    case integer(Int64)
    /// A JSON number as written (`1.5`, `-0.25`, `1e3`).
    case number(String)
    case bool(Bool)
    case null
    case array([JSONConstant])
    case object([Member])

    public struct Member: Sendable, Hashable {
        public let name: String
        public let value: JSONConstant
    }

    /// The value of a scalar, list or mapping node.
    static func parse(_ node: MappingNode) -> JSONConstant {
        switch node.value {
        case .list(let items): return .array(items.map(parse))
        case .map(let pairs): return .object(pairs.map { Member(name: $0.key, value: parse($0.value)) })
        case .scalar: break
        }
        guard let text = node.scalar else { return .null }
        guard node.isPlain else { return .string(text) }
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        default:
            if text.utf8.allSatisfy({ ASCIIPattern.isDigit($0) || $0 == 0x2D }), let number = Int64(text), String(number) == text {
                return .integer(number)
            }
            if text.wholeMatch(of: /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/) != nil, Double(text)?.isFinite == true {
                return .number(text)
            }
            return .string(text)
        }
    }

    /// Its JSON Schema type name.
    public var jsonType: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        case .array: "array"
        case .object: "object"
        }
    }

    /// What it is, for messages and the docs page: `"customer"`, `false`, `[1, 2]`.
    public var text: String {
        switch self {
        case .string(let text): "\"\(text)\""
        case .integer(let number): String(number)
        case .number(let text): text
        case .bool(let flag): String(flag)
        case .null: "null"
        case .array(let items): "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .object(let members): "{" + members.map { "\"\($0.name)\": \($0.value.text)" }.joined(separator: ", ") + "}"
        }
    }
}

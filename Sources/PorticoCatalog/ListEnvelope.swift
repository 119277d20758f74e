/// How a list page is wrapped: its members in order, each one of the page's values or a constant.
///
/// ```yaml
/// envelope:                  # in _version.yaml (every list of the version) or a resource file
///   object: {const: list}    # a constant member
///   data: documents          # the page's documents (exactly one member)
///   has_more: has_more       # true when a next page exists
///   url: url                 # the list's path, such as /v1/customers
///   next_cursor: next_cursor # the cursor of the next page, or null on the last
/// ```
///
/// Without one, a page is `{"data": [...], "next_cursor": "..." | null}`.
public struct ListEnvelope: Sendable, Hashable {
    public enum Member: Sendable, Hashable {
        case documents
        case nextCursor
        case hasMore
        case url
        case constant(Constant)
    }

    /// A constant member's value (a scalar: see ``JSONConstant``).
    public typealias Constant = JSONConstant

    public let members: [(name: String, value: Member)]

    public init(members: [(name: String, value: Member)]) {
        self.members = members
    }

    /// `{"data": [...], "next_cursor": ...}`: every list before envelopes could be declared.
    public static let standard = ListEnvelope(members: [("data", .documents), ("next_cursor", .nextCursor)])

    /// The member holding the documents.
    public var documentsMember: String { members.first { $0.value == .documents }?.name ?? "data" }
    /// Whether a member carries the list's path (then the page needs it).
    public var hasURL: Bool { members.contains { $0.value == .url } }
    /// The member holding the next cursor, if the envelope has one.
    public var nextCursorMember: String? { members.first { $0.value == .nextCursor }?.name }

    public static func == (a: ListEnvelope, b: ListEnvelope) -> Bool {
        a.members.map(\.name) == b.members.map(\.name) && a.members.map(\.value) == b.members.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        for member in members {
            hasher.combine(member.name)
            hasher.combine(member.value)
        }
    }

    static let roles: [String: Member] = ["documents": .documents, "next_cursor": .nextCursor, "has_more": .hasMore, "url": .url]

    /// Reads an `envelope` mapping, reporting every problem at its place.
    static func parse(_ node: MappingNode, into diagnostics: inout DiagnosticCollector) -> ListEnvelope? {
        guard let object = MappingObject(node, what: "'envelope'", allowed: [], into: &diagnostics) else { return nil }
        var members: [(name: String, value: Member)] = []
        var failed = false
        for (name, keyLocation, value) in object.pairs {
            guard !name.isEmpty, name.utf8.count <= 64, name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0 != "\"" && $0 != "\\" }) else {
                diagnostics.error(
                    "envelope member name '\(name)' must be 1 to 64 printable characters without quotes or backslashes", at: keyLocation)
                failed = true
                continue
            }
            if let role = value.scalar {
                guard let member = roles[role] else {
                    diagnostics.error(
                        "envelope member '\(name)' has the unknown role '\(role)' (roles: documents, next_cursor, has_more, url; or {const: value})"
                            + Suggestion.hint(for: role, among: roles.keys),
                        at: value.location)
                    failed = true
                    continue
                }
                if members.contains(where: { $0.value == member }) {
                    diagnostics.error("envelope member '\(name)' repeats the role '\(role)': each role appears once", at: value.location)
                    failed = true
                    continue
                }
                members.append((name, member))
            } else if let constant = MappingObject(value, what: "envelope member '\(name)'", allowed: ["const"], into: &diagnostics) {
                guard let node = constant["const"], node.scalar != nil || node.isNull else {
                    diagnostics.error("envelope member '\(name)' needs 'const' with a scalar value", at: value.location)
                    failed = true
                    continue
                }
                members.append((name, .constant(Self.constant(node))))
            } else {
                failed = true
            }
        }
        if !failed, !members.contains(where: { $0.value == .documents }) {
            diagnostics.error("'envelope' needs a member with the role 'documents' (where the page's documents go)", at: node.location)
            failed = true
        }
        return failed ? nil : ListEnvelope(members: members)
    }

    static func constant(_ node: MappingNode) -> Constant { JSONConstant.parse(node) }
}

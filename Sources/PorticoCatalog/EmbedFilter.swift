/// A filter on a field of a to-one embed (`customer.name` on orders): the rows whose embedded
/// row, found by the embed's `on` and under the target's own tenant rule and static
/// conditions, has that value. Planned as a semi-join (`t.cust_id IN (SELECT … FROM customers
/// …)`), so a row whose embedded row is another tenant's or hidden never matches, exactly as
/// it renders `null`.
public struct EmbedFilterPath: Sendable {
    /// The embed field's name in the filtered resource.
    public let name: String
    public let embed: Embed
    public let target: Resource
    /// The value field's path inside the target.
    public let path: String
}

extension Catalog {
    /// The field a filter filters, for what describes it (its type, its codes): the resource's
    /// own at `path` (nested objects included), or a to-one embed target's (`customer.name`).
    public func filteredField(_ resource: Resource, at path: String) -> Field? {
        resource.field(at: path) ?? embedFilterPath(resource, at: path).flatMap { $0.target.field(at: $0.path) }
    }

    /// `<embed>.<field>`: a value field of a to-one embed's target. Which of them a filter may
    /// name is decided once, when the mappings compile (``embedFilterFields(_:resources:)``).
    public func embedFilterPath(_ resource: Resource, at path: String) -> EmbedFilterPath? {
        guard let dot = path.firstIndex(of: ".") else { return nil }
        let name = String(path[..<dot])
        let rest = String(path[path.index(after: dot)...])
        guard let field = resource.fields.first(where: { $0.name == name }), case .embed(let embed) = field.kind, !embed.many,
            let target = resources[embed.target], let inner = target.field(at: rest), case .value = inner.kind
        else { return nil }
        return EmbedFilterPath(name: name, embed: embed, target: target, path: rest)
    }

    /// The fields of to-one embeds a filter of `fields` may name, as `<embed>.<field>`, and why
    /// the others may not: a target reached through a join (its tenant or the field) cannot be
    /// read inside the semi-join.
    static func embedFilterFields(_ fields: [Field], resources: [String: Resource]) -> (values: [String: ValueField], refused: [String: String]) {
        var values: [String: ValueField] = [:]
        var refused: [String: String] = [:]
        for field in fields {
            guard case .embed(let embed) = field.kind, let target = resources[embed.target] else { continue }
            for (path, value) in ResourceParser.valueFields(target.fields) {
                let key = field.name + "." + path
                guard embed.fields.map({ $0.contains(String(path.prefix { $0 != "." })) }) ?? true else {
                    refused[key] = "'\(field.name)' does not show '\(path)' (see its 'fields')"
                    continue
                }
                if embed.many {
                    refused[key] = "'\(field.name)' embeds many rows; a filter reaches only to-one embeds"
                } else if case .joined = target.tenant {
                    refused[key] = "'\(target.name)' finds its tenant through a join, which a filter on '\(field.name)' cannot reach"
                } else if value.join != nil || value.conversion.readsJoin {
                    refused[key] = "'\(target.name)' reads '\(path)' through a join, which a filter on '\(field.name)' cannot reach"
                } else {
                    values[key] = value
                }
            }
        }
        return (values, refused)
    }
}

extension Conversion {
    /// Whether converting needs a column of a joined table (a zone read from a join).
    var readsJoin: Bool {
        if case .zone(.column(let join?, _)) = self { return true }
        return false
    }
}

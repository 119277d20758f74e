/// The JSON a proxied route's upstream answers with, declared in its mapping file (`schema:`) in
/// a small subset of OpenAPI's schema object. The contract names it after the route, as it
/// would name a mapped resource's document, so when a mapped resource later replaces the route
/// at the same URL, `portico contract check` compares the two field by field.
public struct ProxyResponseSchema: Sendable, Equatable {
    public struct Property: Sendable, Equatable {
        public let name: String
        public let schema: ProxyResponseSchema
    }

    /// object, array, string, integer, number or boolean.
    public var type: String
    public var nullable = false
    public var format: String?
    public var pattern: String?
    public var description: String?
    public var enumValues: [String] = []
    public var properties: [Property] = []
    public var required: [String] = []
    /// An array's items (one schema, or none).
    public var items: [ProxyResponseSchema] = []
    /// Whether an object may carry members not listed (default: false, as mapped documents).
    public var additionalProperties = false

    static let types = ["object", "array", "string", "integer", "number", "boolean"]
    static let keys = ["type", "nullable", "format", "pattern", "description", "enum", "properties", "required", "items", "additional_properties"]
}

extension ProxyParser {
    mutating func parseSchema(_ node: MappingNode, what: String) -> ProxyResponseSchema? {
        guard let object = MappingObject(node, what: what, allowed: ProxyResponseSchema.keys, into: &diagnostics) else { return nil }
        guard let type = object.requireString("type", in: what, &diagnostics), let at = object["type"]?.location else { return nil }
        guard ProxyResponseSchema.types.contains(type) else {
            diagnostics.error(
                "type '\(type)' of \(what) must be one of \(ProxyResponseSchema.types.joined(separator: ", "))"
                    + Suggestion.hint(for: type, among: ProxyResponseSchema.types), at: at)
            return nil
        }
        var schema = ProxyResponseSchema(type: type)
        schema.nullable = object.optionalBool("nullable", in: what, &diagnostics) ?? false
        schema.format = object.optionalString("format", in: what, &diagnostics)
        schema.pattern = object.optionalString("pattern", in: what, &diagnostics)
        schema.description = object.optionalString("description", in: what, &diagnostics)
        schema.enumValues = (object.stringList("enum", in: what, &diagnostics) ?? []).map(\.0)
        schema.additionalProperties = object.optionalBool("additional_properties", in: what, &diagnostics) ?? false
        if let properties = object["properties"] {
            if type != "object" { diagnostics.error("'properties' belong to an object, not \(type)", at: properties.location) }
            if let members = MappingObject(properties, what: "'properties' of \(what)", allowed: [], into: &diagnostics) {
                for (name, _, value) in members.pairs {
                    if let member = parseSchema(value, what: "'\(name)'") { schema.properties.append(.init(name: name, schema: member)) }
                }
            }
        }
        for (name, location) in object.stringList("required", in: what, &diagnostics) ?? [] {
            guard schema.properties.contains(where: { $0.name == name }) else {
                diagnostics.error(
                    "required '\(name)' is not among the properties" + Suggestion.hint(for: name, among: schema.properties.map(\.name)), at: location)
                continue
            }
            schema.required.append(name)
        }
        if let items = object["items"] {
            if type != "array" { diagnostics.error("'items' belong to an array, not \(type)", at: items.location) }
            if let item = parseSchema(items, what: "'items' of \(what)") { schema.items = [item] }
        } else if type == "array" {
            diagnostics.error("an array needs 'items'", at: node.location)
        }
        return schema
    }
}

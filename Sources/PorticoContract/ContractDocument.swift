public import PorticoCatalog

/// Builds the OpenAPI 3.1 document of one API version from its catalog alone.
///
/// Every resource gets a list and an item operation, with its filters (and their operators),
/// sort values, sparse fields, optional embeds, page bounds, cursor and formats; a response
/// schema per resource with types, formats, enums, nullability, nested objects, arrays,
/// descriptions and examples, closed with `additionalProperties: false`; the problem responses
/// with their `type` values; the rate-limit headers; the security schemes and the scope each
/// operation needs; deprecations.
///
/// Documents list `id` as the only required property: a partner asking for `fields=` gets the
/// others only when asked for, so their presence cannot be promised.
public enum ContractDocument {
    public static let openAPIVersion = "3.1.0"
    /// The `type` values a version's errors carry, each once, in ``ErrorKind`` order.
    /// The gateway's kinds (502, 504) only where the version has proxied routes.
    static func problemTypes(_ vocabulary: ErrorVocabulary, gateway: Bool) -> [String] {
        var seen: Set<String> = []
        return ErrorKind.allCases.filter { gateway || !$0.isGatewayOnly }.map(vocabulary.type).filter { seen.insert($0).inserted }
    }

    public static func build(_ catalog: Catalog) -> JSONNode {
        var paths: [String: JSONNode] = [:]
        var schemas: [String: JSONNode] = ["problem": problemSchema(catalog.settings.errors, gateway: false), "usage": usageSchema]
        // Only proxied routes answer 502 and 504: their errors have a schema of their own, so the
        // problem schema every other operation shares does not change when a route is proxied.
        if !catalog.proxies.isEmpty { schemas["gateway_problem"] = problemSchema(catalog.settings.errors, gateway: true) }
        for (name, route) in catalog.proxies { if let schema = route.schema { schemas[name] = proxyResponseSchema(schema) } }
        for name in catalog.resourceNames {
            let resource = catalog.resources[name]!
            schemas[name] = itemSchema(resource, resource.fields.filter { $0.only != .list }, catalog)
            guard resource.isEndpoint else { continue }
            // Pages get their own document schema when fields are shown in one kind of read only.
            var listed = ref(name)
            if resource.fields.contains(where: { $0.only != nil }) {
                schemas[name + "_list_item"] = itemSchema(resource, resource.fields.filter { $0.only != .item }, catalog)
                listed = ref(name + "_list_item")
            }
            schemas[name + "_page"] = pageSchema(catalog.envelope(resource), items: listed)
            paths[catalog.listPath(resource)] = .object(["get": listOperation(resource, catalog)])
            // A sub-collection is a list only; its documents' own paths are their resource's.
            if resource.parent == nil { paths[catalog.listPath(resource) + "/{id}"] = .object(["get": itemOperation(resource, catalog)]) }
        }
        if catalog.settings.extras.usage { paths["/api/\(catalog.version)/usage"] = .object(["get": usageOperation(catalog)]) }
        paths.merge(proxyPaths(catalog)) { a, _ in a }
        let scopes = Set(catalog.resources.values.map(\.scope) + catalog.proxies.values.map(\.scope)).sorted()
        var info: [String: JSONNode] = ["title": .string(catalog.settings.title), "version": .string(catalog.version)]
        if let description = catalog.settings.description { info["description"] = .string(description) }
        return .object([
            "openapi": .string(openAPIVersion),
            "info": .object(info),
            "paths": .object(paths),
            "components": .object([
                "schemas": .object(schemas),
                "securitySchemes": securitySchemes(catalog.settings.security, scopes: scopes),
                "headers": headers,
                "responses": problemResponses(catalog.settings.errors, gateway: !catalog.proxies.isEmpty),
            ]),
        ])
    }

    /// The declared schemes under their declared names.
    static func securitySchemes(_ names: SecuritySchemeNames, scopes: [String]) -> JSONNode {
        .object(
            Dictionary(
                uniqueKeysWithValues: names.schemes.map { name, scheme -> (String, JSONNode) in
                    switch scheme {
                    case .apiKey:
                        (
                            name,
                            .object([
                                "type": .string("apiKey"), "in": .string("header"), "name": .string("X-API-Key"),
                                "description": .string("An API key; also accepted as `Authorization: Bearer <key>`."),
                            ])
                        )
                    case .bearer:
                        (
                            name,
                            .object([
                                "type": .string("http"), "scheme": .string("bearer"),
                                "description": .string("An API key or an OAuth 2 access token (JWT)."),
                            ])
                        )
                    case .oauth2:
                        (
                            name,
                            .object([
                                "type": .string("oauth2"),
                                "flows": .object([
                                    "clientCredentials": .object([
                                        "tokenUrl": .string("/oauth/token"),
                                        "scopes": .object(
                                            Dictionary(uniqueKeysWithValues: scopes.map { ($0, .string("Read \($0.split(separator: ":")[0]).")) })),
                                    ])
                                ]),
                            ])
                        )
                    }
                }))
    }

    /// A page's schema: the envelope's members, all required, and nothing else.
    static func pageSchema(_ envelope: ListEnvelope, items: JSONNode) -> JSONNode {
        var properties: [String: JSONNode] = [:]
        for (name, member) in envelope.members {
            properties[name] =
                switch member {
                case .documents: .object(["type": .string("array"), "items": items])
                case .nextCursor:
                    .object([
                        "type": .array([.string("string"), .string("null")]),
                        "description": .string("Pass it as `cursor` to get the next page; null on the last page."),
                    ])
                case .hasMore: .object(["type": .string("boolean"), "description": .string("Whether a next page exists.")])
                case .url: .object(["type": .string("string"), "description": .string("The list's path.")])
                case .constant(let constant): .object(["const": json(constant)])
                }
        }
        return .object([
            "type": .string("object"), "additionalProperties": .bool(false), "required": .array(envelope.members.map { .string($0.name) }),
            "properties": .object(properties),
        ])
    }

    static func json(_ constant: JSONConstant) -> JSONNode {
        switch constant {
        case .string(let text): .string(text)
        case .integer(let number): .integer(Int(number))
        case .number(let text): .number(Double(text) ?? 0)
        case .bool(let flag): .bool(flag)
        case .null: .null
        case .array(let items): .array(items.map(json))
        case .object(let members): .object(Dictionary(members.map { ($0.name, json($0.value)) }, uniquingKeysWith: { _, last in last }))
        }
    }

    static func ref(_ name: String) -> JSONNode { .object(["$ref": .string("#/components/schemas/\(name)")]) }

    // MARK: - Schemas

    static func itemSchema(_ resource: Resource, _ fields: [Field], _ catalog: Catalog) -> JSONNode {
        var schema = objectSchema(fields, catalog, required: [resource.id?.member ?? "id"] + alwaysPresent(fields, catalog), id: resource.id)
        if let description = resource.description { schema["description"] = .string(description) }
        if resource.deprecation != nil { schema["deprecated"] = .bool(true) }
        return .object(schema)
    }

    /// The members every document has: none but `id` while a partner can narrow them with
    /// `fields=`; all but the optional embeds in a version without sparse field sets.
    static func alwaysPresent(_ fields: [Field], _ catalog: Catalog) -> [String] {
        guard !catalog.settings.extras.sparseFields else { return [] }
        return fields.compactMap { field in
            if case .embed(let embed) = field.kind, embed.optional, !embed.expandable { return nil }
            return field.name
        }
    }

    /// An object of `fields`; with `id`, a document with its public id first.
    static func objectSchema(_ fields: [Field], _ catalog: Catalog, required: [String], id: PublicID? = nil) -> [String: JSONNode] {
        var properties: [String: JSONNode] = [:]
        if let id {
            var schema = idSchema(id)
            schema["description"] = .string("The public id.")
            properties[id.member] = .object(schema)
        }
        for field in fields { properties[field.name] = fieldSchema(field, catalog) }
        var schema: [String: JSONNode] = ["type": .string("object"), "additionalProperties": .bool(false), "properties": .object(properties)]
        let present = required.filter { properties[$0] != nil }
        if !present.isEmpty { schema["required"] = .array(present.map { .string($0) }) }
        return schema
    }

    static func fieldSchema(_ field: Field, _ catalog: Catalog) -> JSONNode {
        var schema: [String: JSONNode]
        switch field.kind {
        case .value(let value):
            schema = valueSchema(value, catalog)
        case .object(let children):
            schema = objectSchema(children, catalog, required: alwaysPresent(children, catalog))
            if field.nullWhen != nil { schema["type"] = .array([.string("object"), .string("null")]) }
        case .embed(let embed):
            let target: JSONNode
            if let subset = embed.fields, let resource = catalog.resources[embed.target] {
                let fields = resource.fields.filter { subset.contains($0.name) && $0.only != .list }
                let required = [resource.id?.member ?? "id"] + alwaysPresent(fields, catalog)
                let shown = resource.id.flatMap { subset.contains($0.member) ? $0 : nil }
                target = .object(objectSchema(fields, catalog, required: required, id: shown))
            } else {
                target = ref(embed.target)
            }
            if embed.many, let envelope = embed.envelope {
                schema = pageSchema(envelope, items: target).members
            } else if embed.many {
                schema = ["type": .string("array"), "items": target]
            } else if embed.expandable, let id = catalog.resources[embed.target]?.id {
                // The id, or (expanded) the object, or null when the expanded row is missing or hidden.
                schema = ["oneOf": .array([.object(idSchema(id)), target, .object(["type": .string("null")])])]
                schema["x-portico-expand"] = .string("with \(catalog.settings.parameters.include)=\(field.name)")
            } else {
                // A to-one embed is null when the related row is missing or hidden.
                schema = ["anyOf": .array([target, .object(["type": .string("null")])])]
            }
            if embed.expandable {
                schema["description"] = .string("The id; the object with \(catalog.settings.parameters.include)=\(field.name).")
            } else if embed.optional {
                schema["description"] = .string("Only with include=\(field.name).")
                schema["x-portico-include"] = .string("optional")
            }
        case .constant(let constant):
            schema = ["type": .string(constant.jsonType), "const": json(constant)]
        }
        if let description = field.description { schema["description"] = .string(description) }
        if let example = field.example, case .value(let value) = field.kind { schema["examples"] = .array([exampleValue(example, value.type)]) }
        if field.deprecation != nil { schema["deprecated"] = .bool(true) }
        return .object(schema)
    }

    static func exampleValue(_ text: String, _ type: FieldType) -> JSONNode {
        switch type {
        case .integer: Int(text).map { .integer($0) } ?? .string(text)
        case .number: Double(text).map { .number($0) } ?? .string(text)
        case .boolean: .bool(text == "true")
        default: .string(text)
        }
    }

    static func valueSchema(_ value: ValueField, _ catalog: Catalog) -> [String: JSONNode] {
        var type: String
        var schema: [String: JSONNode] = [:]
        switch value.type {
        case .string: type = "string"
        case .integer:
            type = "integer"
            schema["format"] = .string("int64")
        case .decimal:
            type = "string"
            schema["format"] = .string("decimal")
            schema["pattern"] = .string("^-?[0-9]+(\\.[0-9]+)?$")
        case .number: type = "number"
        case .boolean: type = "boolean"
        case .date:
            type = "string"
            schema["format"] = .string("date")
        case .datetime:
            (type, schema) = timeSchema(value.time)
        case .enum: type = "string"
        case .object: type = "object"
        case .array: type = "array"
        }
        switch value.conversion {
        case .codes(let codes, let unknown):
            var names = Set(codes.values)
            if let unknown { names.insert(unknown) }
            var values = names.sorted().map { JSONNode.string($0) }
            if value.nullable || unknown == nil { values.append(.null) }
            schema["enum"] = .array(values)
        case .publicID(let target):
            if let id = catalog.resources[target]?.id { schema.merge(idSchema(id).filter { $0.key != "type" }) { _, new in new } }
        case .json:
            // Parsed JSON kept in text: any JSON value of the declared type.
            break
        case .text(let transforms):
            schema["pattern"] = .string(textPattern(transforms))
        case .pairs:
            schema["additionalProperties"] = .object(["type": .string("string")])
        case .decimalForm(let fraction, let trailingZeros) where value.type == .decimal:
            let digits =
                switch (fraction, trailingZeros) {
                case (0?, _): ""
                case (let f?, true): "\\.[0-9]{\(f)}"
                case (let f?, false): "(\\.[0-9]{0,\(f - 1)}[1-9])?"
                case (nil, true): "(\\.[0-9]+)?"
                case (nil, false): "(\\.[0-9]*[1-9])?"
                }
            schema["pattern"] = .string("^-?[0-9]+\(digits)$")
        default:
            break
        }
        schema["type"] =
            value.nullable || (schema["enum"]?.items.contains(.null) ?? false) ? .array([.string(type), .string("null")]) : .string(type)
        return schema
    }

    /// The type, format and (for a fixed form) pattern of a datetime field: epochs are
    /// integers (`format: unix-time`, as Stripe's document writes them), RFC 3339 strings
    /// `date-time` with a pattern when the fraction digits or the offset are fixed.
    static func timeSchema(_ time: TimeFormat) -> (String, [String: JSONNode]) {
        switch time {
        case .epochSeconds, .epochMilliseconds:
            return ("integer", ["format": .string("unix-time")])
        case .rfc3339(let fraction, let zulu):
            var schema: [String: JSONNode] = ["format": .string("date-time")]
            if fraction != nil || !zulu {
                let digits = fraction.map { $0 == 0 ? "" : "\\.[0-9]{\($0)}" } ?? "(\\.[0-9]{1,6})?"
                schema["pattern"] = .string("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\(digits)\(zulu ? "Z" : "\\+00:00")$")
            }
            return ("string", schema)
        }
    }

    /// What a field's transforms leave: no spaces, tabs or line breaks at the ends after `trim`, no upper-case
    /// ASCII letters after `lower` (no lower-case after `upper`), never empty after `blank_to_null`.
    static func textPattern(_ transforms: [TextTransform]) -> String {
        let excluded = transforms.contains(.lower) ? "A-Z" : transforms.contains(.upper) ? "a-z" : ""
        let any = excluded.isEmpty ? "[\\s\\S]" : "[^\(excluded)]"
        // The blanks `trim` removes: spaces, tabs and line breaks (not every Unicode space).
        let edge = "[^ \\t\\n\\r\(excluded)]"
        let trimmed = transforms.contains(.trim)
        let blankToNull = transforms.contains(.blankToNull)
        switch (trimmed, blankToNull) {
        case (true, false): return "^(\(edge)(\(any)*\(edge))?)?$"
        case (true, true): return "^\(edge)(\(any)*\(edge))?$"
        case (false, true): return "^\(any)*\(edge)\(any)*$"
        case (false, false): return "^\(any)*$"
        }
    }

    /// A public id's schema: an integer id is a non-negative `int64`, a string id has ``idPattern(_:)``.
    static func idSchema(_ id: PublicID) -> [String: JSONNode] {
        if id.isInteger { return ["type": .string("integer"), "format": .string("int64"), "minimum": .integer(0)] }
        // A natural key without a prefix is any text that is not empty.
        if id.encoding == .text, id.prefix.isEmpty { return ["type": .string("string"), "minLength": .integer(1)] }
        return ["type": .string("string"), "pattern": .string(idPattern(id))]
    }

    /// Exactly the ids the resource renders: the padded digits, or more digits without a
    /// leading zero, within 64 bits (so a pattern-valid id is never malformed, only missing).
    /// A natural key (`encoding: text`) is the prefix and any text; a composite key's parts are
    /// each such digits, between the separator.
    static func idPattern(_ id: PublicID) -> String {
        let prefix = escaped(id.prefix)
        if id.encoding == .text { return "^\(prefix)[\\s\\S]+$" }
        let (digit, first, longest) = id.encoding == .base36 ? ("[0-9a-z]", "[1-9a-z]", 11) : ("[0-9]", "[1-9]", 18)
        if id.isComposite {
            let part = "(0|\(first)\(digit){0,\(longest)})"
            return "^\(prefix)" + Array(repeating: part, count: id.columns.count).joined(separator: escaped(id.separator)) + "$"
        }
        let digits =
            id.padding == 0
            ? "(0|\(first)\(digit){0,\(longest)})" : "(\(digit){\(id.padding)}|\(first)\(digit){\(id.padding),\(longest)})"
        return "^\(prefix)\(digits)$"
    }

    /// Text as a regular expression that matches it literally.
    static func escaped(_ text: String) -> String {
        text.map { "\\^$.|?*+()[]{}".contains($0) ? "\\\($0)" : String($0) }.joined()
    }

    static func problemSchema(_ vocabulary: ErrorVocabulary, gateway: Bool) -> JSONNode {
        let codes = Set(vocabulary.kinds.values.compactMap(\.code)).sorted()
        guard vocabulary.format == .problem else {
            var schema = errorBodySchema(vocabulary.body, vocabulary, codes: codes, gateway: gateway).members
            schema["description"] = .string("An error, in this API's own envelope.")
            return .object(schema)
        }
        var properties: [String: JSONNode] = [
            "type": .object([
                "type": .string("string"), "format": .string("uri"), "enum": .array(problemTypes(vocabulary, gateway: gateway).map { .string($0) }),
            ]),
            "title": .object(["type": .string("string")]),
            "status": .object(["type": .string("integer")]),
            "detail": .object(["type": .string("string")]),
            "violated-policies": .object([
                "type": .string("array"), "items": .object(["type": .string("string")]),
                "description": .string("The limits a 429 broke."),
            ]),
        ]
        if vocabulary.requestIDInBody {
            properties["request_id"] = .object(["type": .string("string"), "description": .string("Quote it when you contact support.")])
        }
        if !codes.isEmpty { properties["code"] = .object(["type": .string("string"), "enum": .array(codes.map { .string($0) })]) }
        return .object([
            "type": .string("object"),
            "description": .string("An error (RFC 9457 problem details)."),
            "required": .array(["type", "title", "status", "detail"].map { .string($0) }),
            "additionalProperties": .bool(false),
            "properties": .object(properties),
        ])
    }

    /// A `json` vocabulary's body: every member required but the roles that may have nothing to
    /// say (code, parameter, request id, violated policies), which are then left out.
    static func errorBodySchema(_ members: [ErrorVocabulary.Named], _ vocabulary: ErrorVocabulary, codes: [String], gateway: Bool) -> JSONNode {
        var properties: [String: JSONNode] = [:]
        var required: [JSONNode] = []
        for named in members {
            let schema: JSONNode
            var optional = false
            switch named.member {
            case .object(let inner): schema = errorBodySchema(inner, vocabulary, codes: codes, gateway: gateway)
            case .constant(let constant): schema = .object(["const": json(constant)])
            case .role(let role):
                switch role {
                case .type:
                    schema = .object(["type": .string("string"), "enum": .array(problemTypes(vocabulary, gateway: gateway).map { .string($0) })])
                case .title, .detail: schema = .object(["type": .string("string")])
                case .status: schema = .object(["type": .string("integer")])
                case .code:
                    optional = true
                    schema = .object(["type": .string("string"), "enum": .array(codes.map { .string($0) })])
                case .parameter:
                    optional = true
                    schema = .object(["type": .string("string"), "description": .string("The query parameter at fault, as you wrote it.")])
                case .requestID:
                    optional = true
                    schema = .object(["type": .string("string"), "description": .string("Quote it when you contact support.")])
                case .violatedPolicies:
                    optional = true
                    schema = .object(["type": .string("array"), "items": .object(["type": .string("string")])])
                }
            }
            properties[named.name] = schema
            if !optional { required.append(.string(named.name)) }
        }
        return .object([
            "type": .string("object"), "additionalProperties": .bool(false), "required": .array(required), "properties": .object(properties),
        ])
    }

    static var usageSchema: JSONNode {
        .object([
            "type": .string("object"), "description": .string("Your plan, rate state and quota use."),
            "required": .array([.string("partner"), .string("plan"), .string("rate"), .string("quotas")]),
            "properties": .object([
                "partner": .object(["type": .string("string")]),
                "plan": .object(["type": .string("object")]),
                "rate": .object(["type": .string("object")]),
                "in_flight": .object(["type": .string("integer")]),
                "quotas": .object(["type": .string("array"), "items": .object(["type": .string("object")])]),
                "transfer": .object([
                    "type": .string("object"),
                    "description": .string("Response bytes this instance sent you today (UTC), exports and proxied files included."),
                    "properties": .object([
                        "bytes_today": .object(["type": .string("integer")]), "reset_seconds": .object(["type": .string("integer")]),
                    ]),
                ]),
            ]),
        ])
    }
}

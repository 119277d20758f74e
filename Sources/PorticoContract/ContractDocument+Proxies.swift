import PorticoCatalog

extension ContractDocument {
    /// A proxied route's operation: its parameters, the media types the product answers with,
    /// ranges and revalidation, and the gateway's own errors.
    static func proxyOperation(_ route: ProxyRoute, _ catalog: Catalog, method: String) -> JSONNode {
        var parameters: [JSONNode] = route.parameters.map { parameter in
            .object([
                "name": .string(parameter.name), "in": .string("path"), "required": .bool(true),
                "description": .string(parameter.description ?? "A path parameter."), "schema": proxySchema(parameter),
            ])
        }
        parameters += route.query.map { parameter in
            .object([
                "name": .string(parameter.name), "in": .string("query"), "required": .bool(parameter.required),
                "description": .string(parameter.description ?? "Passed to the product as it is."), "schema": proxySchema(parameter),
            ])
        }
        let binary: JSONNode = .object(["schema": .object(["type": .string("string"), "format": .string("binary")])])
        // A declared JSON answer is a component named after the route, as a mapped resource's
        // document is: a resource that later replaces the route is compared with it field by field.
        let json: JSONNode = .object(["schema": .object(["$ref": .string("#/components/schemas/\(route.name)")])])
        let content = JSONNode.object(
            Dictionary(
                uniqueKeysWithValues: route.mediaTypes.map { ($0, $0 == "application/json" && route.schema != nil ? json : binary) }))
        var responses = standardResponses
        responses["406"] = nil
        responses["200"] = .object([
            "description": .string("The file, streamed as the product serves it (its Content-Encoding, ETag and Last-Modified included)."),
            "headers": successHeaders(catalog, etag: false), "content": content,
        ])
        if route.ranges {
            responses["206"] = .object([
                "description": .string("The part a `Range` asked for."), "headers": successHeaders(catalog, etag: false), "content": content,
            ])
        }
        responses["304"] = .object([
            "description": .string("Not modified (If-None-Match or If-Modified-Since)."), "headers": successHeaders(catalog, etag: false),
        ])
        responses["502"] = problemRef("bad_gateway")
        responses["504"] = problemRef("gateway_timeout")
        var description = route.description ?? ""
        if !description.isEmpty { description += "\n\n" }
        description +=
            "Needs the scope `\(route.scope)`. Served by the product through Portico: "
            + (route.ranges ? "`Range`, " : "") + "`If-None-Match`, `If-Modified-Since` and `Accept-Encoding` are passed on."
        return .object([
            "operationId": .string("\(method)_\(route.name)"), "summary": .string(route.description ?? route.name),
            "tags": .array([.string(route.name)]),
            "description": .string(description), "parameters": .array(parameters), "responses": .object(responses),
            "security": security(route.scope, catalog),
        ])
    }

    static func proxySchema(_ parameter: ProxyRoute.Parameter) -> JSONNode {
        switch parameter.kind {
        case .integer: .object(["type": .string("integer"), "minimum": .integer(0)])
        case .date: .object(["type": .string("string"), "format": .string("date")])
        case .text(let pattern):
            .object(
                ["type": .string("string"), "maxLength": .integer(parameter.maxLength)].merging(
                    pattern.map { ["pattern": .string("^(?:\($0))$")] } ?? [:], uniquingKeysWith: { a, _ in a }))
        }
    }

    /// A declared answer (``ProxyResponseSchema``) in the contract's JSON Schema, nullable as a type list like mapped fields.
    static func proxyResponseSchema(_ schema: ProxyResponseSchema) -> JSONNode {
        var node: [String: JSONNode] = [
            "type": schema.nullable ? .array([.string(schema.type), .string("null")]) : .string(schema.type)
        ]
        if let format = schema.format { node["format"] = .string(format) }
        if let pattern = schema.pattern { node["pattern"] = .string(pattern) }
        if let description = schema.description { node["description"] = .string(description) }
        if !schema.enumValues.isEmpty { node["enum"] = .array(schema.enumValues.map { .string($0) }) }
        if schema.type == "object" {
            node["additionalProperties"] = .bool(schema.additionalProperties)
            node["properties"] = .object(Dictionary(uniqueKeysWithValues: schema.properties.map { ($0.name, proxyResponseSchema($0.schema)) }))
            if !schema.required.isEmpty { node["required"] = .array(schema.required.map { .string($0) }) }
        }
        if let item = schema.items.first { node["items"] = proxyResponseSchema(item) }
        return .object(node)
    }

    /// Every proxied route's path, as the contract names it.
    static func proxyPaths(_ catalog: Catalog) -> [String: JSONNode] {
        Dictionary(
            uniqueKeysWithValues: catalog.proxies.values.map { route in
                var operations: [String: JSONNode] = [:]
                for method in route.methods where method != "HEAD" {
                    operations[method.lowercased()] = proxyOperation(route, catalog, method: method.lowercased())
                }
                return ("\(catalog.basePath)/\(route.template)", JSONNode.object(operations))
            })
    }
}

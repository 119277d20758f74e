import Foundation
import PorticoCatalog

extension ContractDocument {
    /// Any one of the version's schemes, each with the scope (none for the usage endpoint).
    static func security(_ scope: String?, _ catalog: Catalog) -> JSONNode {
        .array(catalog.settings.security.schemes.map { .object([$0.name: .array(scope.map { [.string($0)] } ?? [])]) })
    }

    static func listOperation(_ resource: Resource, _ catalog: Catalog) -> JSONNode {
        let names = catalog.settings.parameters
        var parameters: [JSONNode] = []
        if let link = resource.parent, let parent = catalog.resources[link.resource] {
            let idSchema = parent.id.map { self.idSchema($0) } ?? ["type": .string("string")]
            parameters.append(
                .object([
                    "name": .string("id"), "in": .string("path"), "required": .bool(true),
                    "description": .string("The public id of the \(parent.name) item whose \(resource.path) these are."), "schema": .object(idSchema),
                ]))
        }
        parameters += resource.filters.keys.sorted().flatMap { key in
            let filter = resource.filters[key]!
            return filter.syntax == .portico
                ? [filterParameter(filter, resource, catalog)]
                : filter.parameterNames.map { fixedFilterParameter($0.name, $0.op!, filter, resource, catalog) }
        }
        if !resource.sortKeys.isEmpty {
            parameters.append(
                query(
                    names.sort, "Sort order: a sort key, `-` for descending. Ties break on the keyset.",
                    .object(["type": .string("string"), "enum": .array(resource.sortKeys.flatMap { [.string($0), .string("-" + $0)] })])))
        }
        parameters += commonParameters(resource, catalog.settings)
        parameters.append(
            query(
                names.limit, "Page size (default \(resource.page.defaultLimit)).",
                .object(["type": .string("integer"), "minimum": .integer(1), "maximum": .integer(resource.page.maxLimit)])))
        if resource.page.cursor == .objectID, let id = resource.id {
            let idSchema: JSONNode = .object(self.idSchema(id))
            parameters.append(
                query(names.startingAfter, "The id of an object of this list: the page starts after it (the list's next page).", idSchema))
            parameters.append(query(names.endingBefore, "The id of an object of this list: the page ends before it (the previous page).", idSchema))
        } else {
            parameters.append(
                query(
                    names.cursor,
                    "The `\(catalog.envelope(resource).nextCursorMember ?? "next_cursor")` of the previous page, unchanged, with the same other parameters (empty: the first page). "
                        + "Cursors are signed: one that was not issued for this request is a 400.",
                    .object(["type": .string("string"), "pattern": .string("^([A-Za-z0-9_-]{4,2000}\\.[A-Za-z0-9_-]{22})?$")])))
        }
        if resource.syncColumn != nil {
            parameters.append(
                query(
                    names.updatedSince, "Rows changed at or after this time (incremental sync); without `sort`, in update order.",
                    .object(["type": .string("string"), "format": .string("date-time")])))
        }
        let extras = catalog.settings.extras
        if extras.formatParameter {
            let formats = ["json"] + (extras.csv ? ["csv"] : []) + (extras.ndjson ? ["ndjson"] : [])
            parameters.append(
                query(
                    "format", "json (default), " + (formats.count == 3 ? "csv, or ndjson" : "or " + formats[1]) + " (every matching row, streamed).",
                    .object(["type": .string("string"), "enum": .array(formats.map { .string($0) })])))
        }
        if extras.csv, let profile = profileParameter(resource) { parameters.append(profile) }
        var content: [String: JSONNode] = ["application/json": .object(["schema": ref(resource.name + "_page")])]
        if extras.csv { content["text/csv"] = csvContent(resource) }
        if extras.ndjson {
            content["application/x-ndjson"] = .object([
                "schema": .object(["type": .string("string"), "description": .string("One \(resource.name) document per line.")])
            ])
        }
        var responses = standardResponses
        responses["200"] = .object([
            "description": .string(
                extras.formatParameter ? "A page of \(resource.name), or every matching row for an export." : "A page of \(resource.name)."),
            "headers": successHeaders(catalog, etag: extras.conditional, export: extras.formatParameter),
            "content": .object(content),
        ])
        if extras.conditional {
            responses["304"] = .object([
                "description": .string("Not modified: the ETag given in If-None-Match still matches."),
                "headers": successHeaders(catalog, etag: true),
            ])
        }
        return operation("list_\(resource.name)", "List \(resource.name)", resource, catalog, parameters: parameters, responses: responses)
    }

    static func itemOperation(_ resource: Resource, _ catalog: Catalog) -> JSONNode {
        let idSchema = resource.id.map { self.idSchema($0) } ?? ["type": .string("string")]
        var parameters: [JSONNode] = [
            .object([
                "name": .string("id"), "in": .string("path"), "required": .bool(true),
                "description": .string("The document's public id."), "schema": .object(idSchema),
            ])
        ]
        parameters += commonParameters(resource, catalog.settings)
        let extras = catalog.settings.extras
        if extras.csv {
            parameters.append(
                query("format", "json (default) or csv.", .object(["type": .string("string"), "enum": .array([.string("json"), .string("csv")])])))
            if let profile = profileParameter(resource) { parameters.append(profile) }
        }
        var content: [String: JSONNode] = ["application/json": .object(["schema": ref(resource.name)])]
        if extras.csv { content["text/csv"] = csvContent(resource) }
        var responses = standardResponses
        responses["200"] = .object([
            "description": .string("One \(resource.name) document."),
            "headers": successHeaders(catalog, etag: extras.conditional),
            "content": .object(content),
        ])
        if extras.conditional {
            responses["304"] = .object(["description": .string("Not modified."), "headers": successHeaders(catalog, etag: true)])
        }
        responses["404"] = problemRef("not_found")
        return operation("get_\(resource.name)", "Get one of \(resource.name)", resource, catalog, parameters: parameters, responses: responses)
    }

    static func usageOperation(_ catalog: Catalog) -> JSONNode {
        var responses = standardResponses
        responses["200"] = .object([
            "description": .string("Your plan, rate state and quota use; asking costs nothing."),
            "headers": successHeaders(catalog, etag: false),
            "content": .object(["application/json": .object(["schema": ref("usage")])]),
        ])
        return .object([
            "operationId": .string("get_usage"), "summary": .string("Your limits and their use"), "tags": .array([.string("usage")]),
            "security": security(nil, catalog),
            "responses": .object(responses),
        ])
    }

    static func operation(
        _ id: String, _ summary: String, _ resource: Resource, _ catalog: Catalog, parameters: [JSONNode],
        responses: [String: JSONNode]
    ) -> JSONNode {
        var operation: [String: JSONNode] = [
            "operationId": .string(id), "summary": .string(summary), "tags": .array([.string(resource.name)]),
            "parameters": .array(parameters), "responses": .object(responses), "security": security(resource.scope, catalog),
        ]
        var description = resource.description ?? ""
        if !description.isEmpty { description += "\n\n" }
        description += "Needs the scope `\(resource.scope)`."
        if let deprecation = resource.deprecation {
            operation["deprecated"] = .bool(true)
            description += deprecation.sunset.map { " Deprecated; it will be removed after \($0)." } ?? " Deprecated."
        }
        operation["description"] = .string(description)
        return .object(operation)
    }

    static func query(_ name: String, _ description: String, _ schema: JSONNode) -> JSONNode {
        .object(["name": .string(name), "in": .string("query"), "required": .bool(false), "description": .string(description), "schema": schema])
    }

    static func commonParameters(_ resource: Resource, _ settings: VersionSettings) -> [JSONNode] {
        let names = settings.parameters
        let fields = ["id"] + resource.fields.map(\.name)
        let optional = resource.fields.compactMap { field -> String? in
            if case .embed(let embed) = field.kind, embed.optional { return field.name }
            return nil
        }
        var parameters: [JSONNode] = []
        if settings.extras.sparseFields {
            parameters.append(
                listParameter(
                    names.fields, values: fields,
                    names.repeats(names.fields)
                        ? "A sparse field set, one field per parameter (`id` is always included); nested fields as `total.amount`."
                        : "A sparse field set, comma-separated (`id` is always included); nested fields as `total.amount`.",
                    escaping: true))
        }
        if !optional.isEmpty {
            let description = names.repeats(names.include) ? "Optional embeds, one per parameter." : "Optional embeds, comma-separated."
            parameters.append(listParameter(names.include, values: optional, description))
        }
        return parameters
    }

    /// A list parameter: comma-separated once, or, with a name ending in `[]`, repeated once per value.
    static func listParameter(_ name: String, values: [String], _ description: String, escaping: Bool = false) -> JSONNode {
        if name.hasSuffix("[]") {
            return .object([
                "name": .string(name), "in": .string("query"), "required": .bool(false), "style": .string("form"), "explode": .bool(true),
                "description": .string(description),
                "schema": .object([
                    "type": .string("array"), "items": .object(["type": .string("string"), "enum": .array(values.map { .string($0) })]),
                ]),
            ])
        }
        let alternatives = values.map { escaping ? $0.replacingOccurrences(of: ".", with: "\\.") : $0 }.joined(separator: "|")
        return query(
            name, description,
            .object([
                "type": .string("string"), "pattern": .string("^(\(alternatives))(,(\(alternatives)))*$"),
                "x-portico-values": .array(values.map { .string($0) }),
            ]))
    }

    /// One filter: `field=value` (equals) or `field=op:value`; the pattern spells out the
    /// operators and the values the field's type allows.
    static func filterParameter(_ filter: Filter, _ resource: Resource, _ catalog: Catalog) -> JSONNode {
        let path = filter.field
        let name = filter.parameter
        let valuePattern = filterValuePattern(catalog.filteredField(resource, at: path), catalog)
        // Free text takes exactly what the parser takes: any text after `op:`, and bare text whose
        // part before its first colon is not an operator's name; 1 to 256 characters in all.
        // An `in` list bounds each item instead, which one maxLength cannot say, so free text
        // with `in` keeps the narrower typed pattern.
        let freeText = isFreeText(catalog.filteredField(resource, at: path)) && !filter.operators.contains(.in)
        var alternatives: [String] = []
        for op in filter.operators {
            switch (op, freeText) {
            case (.eq, true):
                let notOperator = "([^:]*[^a-z:][^:]*|" + wordsOtherThan(Filter.Operator.allCases.map(\.rawValue)) + ")"
                alternatives += [#"eq:[\s\S]+"#, "[^:]+", notOperator + #":[\s\S]*"#]
            case (_, true): alternatives += ["\(op.rawValue):" + #"[\s\S]+"#]
            case (.eq, false): alternatives += ["(eq:)?\(valuePattern)"]
            case (.in, false): alternatives += ["in:\(valuePattern)(,\(valuePattern)){0,9}"]
            case (.prefix, false): alternatives += ["prefix:[A-Za-z0-9_-]{1,32}"]
            case (_, false): alternatives += ["\(op.rawValue):\(valuePattern)"]
            }
        }
        let operators = filter.operators.map { "`\($0.rawValue)`" }.joined(separator: ", ")
        var schema: [String: JSONNode] = [
            "type": .string("string"), "pattern": .string("^(\(alternatives.joined(separator: "|")))$"),
            "x-portico-operators": .array(filter.operators.map { .string($0.rawValue) }),
        ]
        if freeText { schema["maxLength"] = .integer(filter.maxLength ?? 256) }
        if case .value(let value)? = catalog.filteredField(resource, at: path)?.kind, case .codes(let codes, _) = value.conversion {
            schema["x-portico-values"] = .array(Set(codes.values).sorted().map { .string($0) })
        }
        return .object([
            "name": .string(name), "in": .string("query"), "required": .bool(false),
            "description": .string(
                "Filter on \(path). Operators: \(operators); `\(name)=value` means `eq`. Repeat the parameter to combine operators."
                    + (filter.caseSensitive ? " Equality is case-sensitive." : "")),
            "schema": .object(schema),
        ])
    }

    /// A parameter whose name fixes the operator (`placed_after`, `created[gte]`): its value is
    /// the value alone, typed as the field is.
    static func fixedFilterParameter(_ name: String, _ op: Filter.Operator, _ filter: Filter, _ resource: Resource, _ catalog: Catalog) -> JSONNode {
        let field = catalog.filteredField(resource, at: filter.field)
        let valuePattern = filterValuePattern(field, catalog)
        let maxLength = filter.maxLength ?? 256
        var schema: [String: JSONNode] = ["type": .string("string")]
        if filter.repeats {
            let item: JSONNode =
                isFreeText(field)
                ? .object(["type": .string("string"), "minLength": .integer(1), "maxLength": .integer(maxLength)])
                : .object(["type": .string("string"), "pattern": .string("^\(valuePattern)$")])
            return .object([
                "name": .string(name), "in": .string("query"), "required": .bool(false), "style": .string("form"), "explode": .bool(true),
                "description": .string(
                    "Filter: \(filter.field) one of the values, one per parameter" + (filter.caseSensitive ? ", case-sensitive." : ".")),
                "schema": .object(["type": .string("array"), "maxItems": .integer(100), "items": item]),
            ])
        }
        switch (op, isFreeText(field)) {
        case (.in, _): schema["pattern"] = .string("^\(valuePattern)(,\(valuePattern)){0,9}$")
        case (.prefix, _): schema["pattern"] = .string("^[A-Za-z0-9_-]{1,32}$")
        case (_, true):
            schema["minLength"] = .integer(1)
            schema["maxLength"] = .integer(maxLength)
        case (_, false): schema["pattern"] = .string("^\(valuePattern)$")
        }
        if case .value(let value)? = field?.kind {
            if case .codes(let codes, _) = value.conversion {
                let names = Set(codes.values).sorted().map { JSONNode.string($0) }
                // One value is one of the names; a list spells them in its pattern.
                if op == .in { schema["x-portico-values"] = .array(names) } else { schema["enum"] = .array(names) }
            }
            // One instant or day, in the form the field renders: an epoch is an integer, as Stripe writes `created[gte]`.
            if op != .in, op != .prefix, value.type == .date || (value.type == .datetime && !value.time.isEpoch) {
                schema["format"] = .string(value.type == .datetime ? "date-time" : "date")
            } else if op != .in, op != .prefix, value.type == .datetime {
                schema = ["type": .string("integer"), "format": .string("unix-time")]
            }
        }
        let meaning = [
            "eq": "equal to", "in": "one of (comma-separated)", "gt": "after / greater than", "gte": "at or after / at least",
            "lt": "before / less than", "lte": "at or before / at most", "prefix": "starting with",
        ][op.rawValue]!
        return .object([
            "name": .string(name), "in": .string("query"), "required": .bool(false),
            "description": .string("Filter: \(filter.field) \(meaning) the value" + (filter.caseSensitive ? ", case-sensitive." : ".")),
            "schema": .object(schema),
        ])
    }

    /// A regular expression for the lower-case words (the empty one included) that are not in
    /// `words`, without look-ahead: walk the words' trie, and at each node leave it by a letter
    /// no word continues with, or stop where no word ends.
    static func wordsOtherThan(_ words: [String]) -> String {
        func alternatives(_ group: [[UInt8]]) -> String {
            var options: [String] = []
            if !group.contains(where: \.isEmpty) { options.append("") }
            let next = Set(group.compactMap(\.first))
            let others = (UInt8(ascii: "a")...UInt8(ascii: "z")).filter { !next.contains($0) }
            if !others.isEmpty { options.append("[" + String(decoding: others, as: UTF8.self) + "][a-z]*") }
            for letter in next.sorted() {
                let rest = group.filter { $0.first == letter }.map { Array($0.dropFirst()) }
                options.append(String(UnicodeScalar(letter)) + alternatives(rest))
            }
            return "(" + options.joined(separator: "|") + ")"
        }
        return alternatives(words.map { Array($0.utf8) })
    }

    /// A string field with no code table and no id format: its filter values are free text.
    static func isFreeText(_ field: Field?) -> Bool {
        guard case .value(let value)? = field?.kind, value.type == .string else { return false }
        if case .codes = value.conversion { return false }
        if case .publicID = value.conversion { return false }
        return true
    }

    static func filterValuePattern(_ field: Field?, _ catalog: Catalog) -> String {
        guard case .value(let value)? = field?.kind else { return "[A-Za-z0-9_-]{1,32}" }
        if case .codes(let codes, _) = value.conversion {
            return "(" + Set(codes.values).sorted().joined(separator: "|") + ")"
        }
        if case .publicID(let target) = value.conversion, let id = catalog.resources[target]?.id {
            return String(idPattern(id).dropFirst().dropLast())
        }
        if value.type == .datetime, value.time.isEpoch {
            return value.time == .epochSeconds ? "1[0-9]{9}" : "1[0-9]{12}"
        }
        switch value.type {
        case .integer: return "-?[1-9][0-9]{0,8}"
        case .decimal: return "-?[1-9][0-9]{0,6}(\\.[0-9]{1,2})?"
        case .number: return "-?[1-9][0-9]{0,6}"
        case .boolean: return "(true|false)"
        case .date: return "20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
        case .datetime: return "20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z"
        default: return "[A-Za-z0-9_-]{1,32}"
        }
    }

    // MARK: - Responses and headers

    static func problemRef(_ name: String) -> JSONNode { .object(["$ref": .string("#/components/responses/\(name)")]) }

    static var standardResponses: [String: JSONNode] {
        [
            "400": problemRef("bad_request"), "401": problemRef("unauthorized"), "403": problemRef("forbidden"), "404": problemRef("not_found"),
            "406": problemRef("not_acceptable"), "413": problemRef("too_large"), "414": problemRef("uri_too_long"),
            "429": problemRef("too_many_requests"),
            "500": problemRef("internal"), "503": problemRef("unavailable"),
        ]
    }

    static func problemResponses(_ vocabulary: ErrorVocabulary, gateway: Bool) -> JSONNode {
        func problem(_ description: String, headers: [String] = [], schema: String = "problem") -> JSONNode {
            var response: [String: JSONNode] = [
                "description": .string(description),
                "content": .object([vocabulary.mediaType: .object(["schema": ref(schema)])]),
            ]
            let all = ["X-Request-Id"] + headers
            response["headers"] = .object(
                Dictionary(uniqueKeysWithValues: all.map { ($0, JSONNode.object(["$ref": .string("#/components/headers/\($0)")])) }))
            return .object(response)
        }
        var responses: [String: JSONNode] = [
            "bad_request": problem("A parameter is unknown or invalid, or the cursor does not fit the request."),
            "unauthorized": problem("No credential, or one that is not valid (`WWW-Authenticate` says which).", headers: ["WWW-Authenticate"]),
            "forbidden": problem(
                "The credential lacks the scope (`WWW-Authenticate` names it).", headers: ["WWW-Authenticate", "RateLimit", "RateLimit-Policy"]),
            "not_found": problem("No such path, or no such document for you (another partner's is the same 404)."),
            "not_acceptable": problem("`Accept` admits none of the media types this operation answers with."),
            "too_large": problem("The request body is too large."),
            "uri_too_long": problem("The query string is too long."),
            "too_many_requests": problem(
                "A rate limit, quota or in-flight cap was reached (`violated-policies` names it).",
                headers: ["RateLimit", "RateLimit-Policy", "Retry-After"]),
            "internal": problem("Something went wrong on our side; quote the request id."),
            "unavailable": problem("The data cannot be reached right now, or the instance is shutting down.", headers: ["Retry-After"]),
        ]
        if gateway {
            responses["bad_gateway"] = problem("The product behind a proxied route failed or answered with an error.", schema: "gateway_problem")
            responses["gateway_timeout"] = problem("The product behind a proxied route did not answer in time.", schema: "gateway_problem")
        }
        return .object(responses)
    }

    static func successHeaders(_ catalog: Catalog, etag: Bool, export: Bool = false) -> JSONNode {
        var names = ["X-Request-Id", "RateLimit", "RateLimit-Policy"]
        if etag { names.append("ETag") }
        if export { names.append("Content-Disposition") }
        if catalog.settings.deprecatedOn != nil { names.append("Deprecation") }
        if catalog.settings.sunset != nil { names.append("Sunset") }
        return .object(Dictionary(uniqueKeysWithValues: names.map { ($0, JSONNode.object(["$ref": .string("#/components/headers/\($0)")])) }))
    }

    static var headers: JSONNode {
        func header(_ description: String) -> JSONNode {
            .object(["description": .string(description), "schema": .object(["type": .string("string")])])
        }
        return .object([
            "X-Request-Id": header("The request's id: yours when well-formed, else one made for you."),
            "RateLimit": header("The limits' current state (draft-ietf-httpapi-ratelimit-headers), such as `\"default\";r=98;t=1`."),
            "RateLimit-Policy": header("The limits that apply, such as `\"default\";q=600;w=60`."),
            "Retry-After": header("Seconds to wait before retrying."),
            "ETag": header("A validator for If-None-Match: strong; made weak (W/) when the body is gzip-compressed. If-None-Match compares weakly."),
            "Content-Disposition": header(
                "Exports only: `attachment` with the file name the mapping's template gives, such as `orders-2026-12-03.csv`."),
            "WWW-Authenticate": header("The authentication challenge (RFC 6750)."),
            "Deprecation": header("When this version was deprecated (RFC 9745), as `@<unix seconds>`."),
            "Sunset": header("When this version goes away (RFC 8594), as an HTTP date."),
        ])
    }
}

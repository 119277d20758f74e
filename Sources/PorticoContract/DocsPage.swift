public import PorticoCatalog

/// The contract as a readable page, served by Portico itself: one self-contained HTML file
/// (inline style, no script, nothing fetched from elsewhere).
public enum DocsPage {
    public static func index(_ catalogs: [Catalog]) -> String {
        var body = "<h1>API documentation</h1><ul>"
        for catalog in catalogs {
            let note = catalog.settings.deprecatedOn.map { " — deprecated since \(escape($0))" } ?? ""
            body += "<li><a href=\"/docs/\(escape(catalog.version))\">\(escape(catalog.version))</a>: \(escape(catalog.settings.title))\(note)</li>"
        }
        return page("API documentation", body + "</ul>")
    }

    public static func render(_ catalog: Catalog) -> String {
        let v = escape(catalog.version)
        var body = "<h1>\(escape(catalog.settings.title)) <small>\(v)</small></h1>"
        if let description = catalog.settings.description { body += "<p>\(escape(description))</p>" }
        if let since = catalog.settings.deprecatedOn {
            body += "<p class=\"warn\">This version is deprecated since \(escape(since))"
            body += catalog.settings.sunset.map { " and will be withdrawn after \(escape($0))" } ?? ""
            body += ". Responses carry <code>Deprecation</code> and <code>Sunset</code> headers.</p>"
        }
        body += "<p>Machine-readable: <a href=\"/api/\(v)/openapi.json\">openapi.json</a>, <a href=\"/api/\(v)/openapi.yaml\">openapi.yaml</a>.</p>"
        let names = catalog.endpoints.map(\.name) + catalog.proxies.keys.sorted()
        body += "<nav><ul>" + names.map { "<li><a href=\"#\(escape($0))\">\(escape($0))</a></li>" }.joined() + "</ul></nav>"
        body += """
            <h2 id="authentication">Authentication</h2>
            <ul><li>An API key: <code>Authorization: Bearer ptc_…</code> or <code>X-API-Key: ptc_…</code> (never in the query string).</li>
            <li>Or an OAuth 2 access token: <code>POST /oauth/token</code> with <code>grant_type=client_credentials</code> and your client id
            and secret (HTTP Basic), then <code>Authorization: Bearer &lt;token&gt;</code>.</li>
            <li>Each resource needs a scope, listed with it. No credential: <code>401</code>; a missing scope: <code>403</code>.</li></ul>
            <h2 id="limits">Limits</h2>
            <p>Every response carries <code>RateLimit-Policy</code> and <code>RateLimit</code> headers. Over a limit you get
            <code>429</code> with <code>Retry-After</code> and the violated policy\(limitsTail(catalog.settings.extras, v))</p>
            <h2 id="errors">Errors</h2>
            """
        body += errors(catalog.settings.errors, gateway: !catalog.proxies.isEmpty)
        for resource in catalog.endpoints { body += section(resource, catalog) }
        for route in catalog.proxies.values.sorted(by: { $0.name < $1.name }) { body += proxySection(route, catalog) }
        return page("\(catalog.settings.title) \(catalog.version)", body)
    }

    /// The usage endpoint and the cost of exports, where the version has them.
    static func limitsTail(_ extras: SurfaceExtras, _ version: String) -> String {
        var text = extras.usage ? "; <code>GET /api/\(version)/usage</code> shows your plan and use." : "."
        let formats =
            (extras.ndjson ? ["<code>format=ndjson</code>"] : [])
            + (extras.csv ? [extras.ndjson ? "<code>csv</code>" : "<code>format=csv</code>"] : [])
        if !formats.isEmpty { text += " Exports (\(formats.joined(separator: " or ")) without <code>limit</code>) cost more than one request." }
        return text
    }

    /// What an error looks like in this version, and the type (and code) of each kind.
    static func errors(_ vocabulary: ErrorVocabulary, gateway: Bool) -> String {
        var html =
            vocabulary.format == .problem
            ? "<p>Errors are <code>\(escape(vocabulary.mediaType))</code> (RFC 9457) with <code>type</code>, <code>title</code>, "
                + "<code>status</code>, <code>detail</code>" + (vocabulary.requestIDInBody ? " and <code>request_id</code>" : "")
                + ". The <code>X-Request-Id</code> header always carries the request id.</p>"
            : "<p>Errors are <code>\(escape(vocabulary.mediaType))</code>, shaped <code>\(escape(bodyText(vocabulary.body)))</code>. "
                + "The <code>X-Request-Id</code> header always carries the request id.</p>"
        html += "<table><tr><th>status</th><th>kind</th><th>type</th><th>code</th></tr>"
        for kind in ErrorKind.allCases where !kind.isGatewayOnly || gateway {
            html += "<tr><td>\(kind.status)</td><td>\(escape(kind.rawValue))</td><td><code>\(escape(vocabulary.type(of: kind)))</code></td>"
            html += "<td>" + (vocabulary.code(of: kind).map { "<code>\(escape($0))</code>" } ?? "") + "</td></tr>"
        }
        return html + "</table>"
    }

    static func bodyText(_ members: [ErrorVocabulary.Named]) -> String {
        "{"
            + members.map { named in
                let value: String
                switch named.member {
                case .object(let inner): value = bodyText(inner)
                case .role(let role): value = "<\(role.rawValue)>"
                case .constant(let constant): value = constant.text
                }
                return "\"\(named.name)\": \(value)"
            }.joined(separator: ", ") + "}"
    }

    /// One filter as a partner writes it: `status (eq, in)`, or `placed_after` (placed_at gt).
    static func filterText(_ filter: Filter) -> String {
        let exact = filter.caseSensitive ? ", case-sensitive" : ""
        switch filter.syntax {
        case .portico:
            return "<code>\(escape(filter.parameter))</code> (" + filter.operators.map { escape($0.rawValue) }.joined(separator: ", ") + exact + ")"
        case .fixed, .bracket:
            return filter.parameterNames.map { "<code>\(escape($0.name))</code> (\(escape(filter.field)) \($0.op!.rawValue)\(exact))" }
                .joined(separator: ", ")
        }
    }

    /// A page's envelope as a partner sees it: `{"data": [...], "next_cursor": "…"}`.
    static func envelopeText(_ envelope: ListEnvelope) -> String {
        let members = envelope.members.map { name, member in
            let value =
                switch member {
                case .documents: "[…]"
                case .nextCursor: "\"…\" | null"
                case .hasMore: "true | false"
                case .url: "\"/…\""
                case .constant(let constant): constant.text
                }
            return "\"\(name)\": \(value)"
        }
        return "{" + members.joined(separator: ", ") + "}"
    }

    static func section(_ resource: Resource, _ catalog: Catalog) -> String {
        let name = escape(resource.name)
        let base = escape(catalog.listPath(resource))
        var html = "<h2 id=\"\(name)\">\(name)</h2>"
        if resource.deprecation != nil {
            html += "<p class=\"warn\">Deprecated" + (resource.deprecation?.sunset.map { "; removed after \(escape($0))" } ?? "") + ".</p>"
        }
        if let description = resource.description { html += "<p>\(escape(description))</p>" }
        let item = resource.parent == nil ? " · <code>GET \(base)/{id}</code>" : ""
        html += "<p><code>GET \(base)</code>\(item) · scope <code>\(escape(resource.scope))</code> · "
        let paging =
            resource.page.cursor == .objectID ? "<code>starting_after</code> / <code>ending_before</code> (object ids)" : "<code>cursor</code>"
        html += resource.page.descending ? "newest first, " : ""
        html += "pages of \(resource.page.defaultLimit) (at most \(resource.page.maxLimit)) with \(paging), as "
        html += "<code>" + escape(envelopeText(catalog.envelope(resource))) + "</code></p>"
        html += "<table><tr><th>field</th><th>type</th><th>description</th><th>example</th></tr>"
        if let id = resource.id {
            html +=
                "<tr><td><code>\(escape(id.member))</code></td><td>\(id.isInteger ? "integer" : "string")</td><td>The public id, such as <code>\(escape(id.format(42)))</code>.</td><td></td></tr>"
        }
        html += rows(resource.fields, prefix: "", catalog)
        html += "</table>"
        if !resource.filters.isEmpty {
            html +=
                "<p>Filters: "
                + resource.filters.keys.sorted().map { key in filterText(resource.filters[key]!) }.joined(separator: ", ")
                + ". Where operators are listed, write <code>name=value</code> (eq) or <code>name=op:value</code>.</p>"
        }
        if !resource.sortKeys.isEmpty {
            html +=
                "<p>Sort: " + resource.sortKeys.map { "<code>\(escape($0))</code>" }.joined(separator: ", ")
                + " (prefix <code>-</code> for descending).</p>"
        }
        if !resource.csv.profiles.isEmpty {
            html +=
                "<p>CSV profiles (<code>format=csv&amp;profile=…</code>): "
                + resource.csv.profiles.map { profile in
                    "<code>\(escape(profile.name))</code>" + (profile.description.map { " — " + escape($0) } ?? "")
                }.joined(separator: "; ") + ".</p>"
        }
        let example = resource.filters.keys.sorted().first.map { "&\(escape($0))=…" } ?? ""
        html += "<pre>curl -H 'Authorization: Bearer $KEY' 'https://…\(base)?limit=10\(example)'</pre>"
        return html
    }

    static func rows(_ fields: [Field], prefix: String, _ catalog: Catalog) -> String {
        fields.map { field -> String in
            let path = escape(prefix + field.name)
            let description = escape(field.description ?? "") + (field.deprecation != nil ? " <em>Deprecated.</em>" : "")
            switch field.kind {
            case .value(let value):
                var type = value.type.rawValue
                if case .codes(let codes, let unknown) = value.conversion {
                    type = "enum: " + (Set(codes.values).union(unknown.map { [$0] } ?? [])).sorted().joined(separator: ", ")
                }
                if value.type == .datetime, value.time.isEpoch {
                    type = value.time == .epochSeconds ? "integer (Unix seconds)" : "integer (Unix milliseconds)"
                }
                if value.nullable { type += ", nullable" }
                return "<tr><td><code>\(path)</code></td><td>\(escape(type))</td><td>\(description)</td><td>\(escape(field.example ?? ""))</td></tr>"
            case .object(let children):
                return
                    "<tr><td><code>\(path)</code></td><td>object\(field.nullWhen == nil ? "" : ", nullable")</td><td>\(description)</td><td></td></tr>"
                    + rows(children, prefix: prefix + field.name + ".", catalog)
            case .embed(let embed):
                let type = embed.many ? "list of \(embed.target)" : "\(embed.target) or null"
                let parameter = escape(catalog.settings.parameters.include)
                let include =
                    embed.expandable
                    ? " The id; the object with <code>\(parameter)=\(path)</code>."
                    : embed.optional ? " Only with <code>\(parameter)=\(path)</code>." : ""
                return "<tr><td><code>\(path)</code></td><td>\(escape(type))</td><td>\(description)\(include)</td><td></td></tr>"
            case .constant(let constant):
                return "<tr><td><code>\(path)</code></td><td>always \(escape(constant.text))</td><td>\(description)</td><td></td></tr>"
            }
        }.joined()
    }

    static func page(_ title: String, _ body: String) -> String {
        """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title><style>
        body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
        code,pre{font-family:ui-monospace,monospace;background:#f4f4f4;padding:0 .2em}pre{padding:.5em;overflow:auto}
        table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3em;text-align:left;vertical-align:top}
        .warn{background:#fff4d6;padding:.5em}small{color:#777}nav ul{columns:3}
        </style></head><body>\(body)</body></html>
        """
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

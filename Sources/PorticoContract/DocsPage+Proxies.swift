import PorticoCatalog

extension DocsPage {
    /// A proxied route's section: its path, scope, parameters, what it answers with, and what
    /// passes to the product behind it.
    static func proxySection(_ route: ProxyRoute, _ catalog: Catalog) -> String {
        let name = escape(route.name)
        let path = escape("\(catalog.basePath)/\(route.template)")
        var html = "<h2 id=\"\(name)\">\(name)</h2>"
        if let description = route.description { html += "<p>\(escape(description))</p>" }
        let methods = route.methods.filter { $0 != "HEAD" }.map { "<code>\(escape($0)) \(path)</code>" }.joined(separator: " · ")
        html += "<p>\(methods) · scope <code>\(escape(route.scope))</code> · answers "
        html += route.mediaTypes.map { "<code>\(escape($0))</code>" }.joined(separator: ", ") + "</p>"
        let parameters = route.parameters.map { ($0, "path") } + route.query.map { ($0, $0.required ? "query, required" : "query") }
        if !parameters.isEmpty {
            html += "<table><tr><th>parameter</th><th>in</th><th>value</th><th>description</th></tr>"
            for (parameter, place) in parameters {
                let value: String
                switch parameter.kind {
                case .integer: value = "digits"
                case .date: value = "a date, <code>YYYY-MM-DD</code>"
                case .text(let pattern): value = pattern.map { "matching <code>\(escape($0))</code>" } ?? "text"
                }
                html += "<tr><td><code>\(escape(parameter.name))</code></td><td>\(place)</td><td>\(value)</td>"
                html += "<td>\(escape(parameter.description ?? ""))</td></tr>"
            }
            html += "</table>"
        }
        html += "<p>Served by the product itself, through Portico: "
        html += route.ranges ? "<code>Range</code> (a <code>206</code> answer), " : ""
        html += "<code>If-None-Match</code> and <code>If-Modified-Since</code> (a <code>304</code>) and "
        html += "<code>Accept-Encoding</code> are passed on; other query parameters are refused with a <code>400</code>. "
        html += "A file that does not exist, or one of an account you are not granted, is a <code>404</code>; the product failing "
        html += "or not answering in time is a <code>502</code> or <code>504</code>. A download that breaks midway ends with the "
        html += "connection closed before its <code>Content-Length</code>, never as if it were complete.</p>"
        return html
    }
}

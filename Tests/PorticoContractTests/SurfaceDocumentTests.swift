import Foundation
import PorticoCatalog
import PorticoContract
import Testing

/// The document of a version written to a contract's surface: its base path, segments, a
/// sub-collection with the parent's id in its path, and parameters named as the contract names them.
@Suite("Documents of a contract's own surface")
struct SurfaceDocumentTests {
    static let catalog: Catalog = {
        let result = CatalogCompiler.compile(
            version: "v1",
            sources: [
                .init(path: "v1/_version.yaml", text: "base_path: /v1\n"),
                .init(
                    path: "v1/customers.yaml",
                    text: """
                        scope: c:read
                        table: customers
                        key: cust_id
                        tenant: {column: acct_id}
                        id: {column: cust_id, prefix: cus_}
                        fields:
                          name: {column: name, type: string}
                        """),
                .init(
                    path: "v1/customer_invoices.yaml",
                    text: """
                        scope: c:read
                        table: invoices
                        key: inv_id
                        tenant: {column: acct_id}
                        id: {column: inv_id, prefix: in_}
                        parent: {resource: customers, on: {cust_id: cust_id}}
                        path: invoices
                        fields:
                          total: {column: total, type: integer}
                          created: {column: created_at, type: datetime}
                        filters:
                          created: {field: created, operators: [gte, lt], syntax: bracket}
                          total_above: {field: total, op: gt}
                        """),
            ])
        precondition(result.diagnostics.isEmpty, "\(result.diagnostics)")
        return result.catalogs["v1"]!
    }()

    @Test("a sub-collection is a list under its parent's item, with the parent's id as a path parameter; no item path of its own")
    func subCollectionPaths() throws {
        let document = ContractDocument.build(Self.catalog)
        let paths = try #require(document["paths"]).members
        #expect(Set(paths.keys) == ["/v1/customers", "/v1/customers/{id}", "/v1/customers/{id}/invoices", "/api/v1/usage"])
        let parameters = try #require(paths["/v1/customers/{id}/invoices"]?["get"]?["parameters"]?.items)
        let id = try #require(parameters.first { $0["name"] == .string("id") })
        #expect(id["in"] == .string("path") && id["schema"]?["pattern"] == .string("^cus_(0|[1-9][0-9]{0,18})$"))
        let names = parameters.compactMap { $0["name"]?.string }
        #expect(names.contains("created[gte]") && names.contains("created[lt]") && names.contains("total_above") && !names.contains("created"))
        let above = try #require(parameters.first { $0["name"] == .string("total_above") })
        #expect(above["schema"]?["pattern"] == .string("^-?[1-9][0-9]{0,8}$"))
        #expect(
            Self.catalog.resourcesBySegment["invoices"] == nil && Self.catalog.subResourcesBySegment["customers"]?["invoices"] == "customer_invoices")
        // The document is valid OpenAPI (OpenAPIKit's check) with these parameters and paths.
        _ = try Contract.document(Self.catalog)
    }

    /// The same version with every extra off and its own scheme name.
    static let bare: Catalog = {
        let sources: [CatalogCompiler.Source] = [
            .init(
                path: "v1/_version.yaml",
                text: "base_path: /v1\nextras: {formats: [json], conditional: false, usage: false, fields: false}\nsecurity: {BearerAuth: bearer}\n"),
            .init(
                path: "v1/customers.yaml",
                text: """
                    scope: c:read
                    table: customers
                    key: cust_id
                    tenant: {column: acct_id}
                    id: {column: cust_id, prefix: cus_}
                    fields:
                      name: {column: name, type: string}
                      note: {column: note, type: string, nullable: true}
                      since: {column: since, type: datetime}
                      status: {column: st, type: enum, codes: {A: active, C: closed}, unknown: active}
                    filters:
                      status: {field: status, op: eq}
                      since_after: {field: since, op: gt}
                    """),
        ]
        let result = CatalogCompiler.compile(version: "v1", sources: sources)
        precondition(result.diagnostics.isEmpty, "\(result.diagnostics)")
        return result.catalogs["v1"]!
    }()

    @Test("without Portico's extras the document has no format, fields, CSV, NDJSON, ETag, 304 or usage; every member is required")
    func extrasOff() throws {
        let document = ContractDocument.build(Self.bare)
        let paths = try #require(document["paths"]).members
        #expect(Set(paths.keys) == ["/v1/customers", "/v1/customers/{id}"], "no usage endpoint")
        for path in ["/v1/customers", "/v1/customers/{id}"] {
            let operation = try #require(paths[path]?["get"])
            let names = operation["parameters"]?.items.compactMap { $0["name"]?.string } ?? []
            #expect(!names.contains("format") && !names.contains("fields"), "\(path): \(names)")
            let responses = try #require(operation["responses"]).members
            #expect(responses["304"] == nil && responses["406"] != nil)
            #expect(responses["200"]?["content"]?.members.keys.sorted() == ["application/json"])
            #expect(responses["200"]?["headers"]?["ETag"] == nil)
            #expect(operation["security"] == .array([.object(["BearerAuth": .array([.string("c:read")])])]))
        }
        #expect(document["components"]?["securitySchemes"]?.members.keys.sorted() == ["BearerAuth"])
        let schema = try #require(document["components"]?["schemas"]?["customers"])
        #expect(schema["required"] == .array(["id", "name", "note", "since", "status"].map { .string($0) }))
        let parameters = try #require(paths["/v1/customers"]?["get"]?["parameters"]?.items)
        let status = try #require(parameters.first { $0["name"] == .string("status") })
        #expect(status["schema"]?["enum"] == .array([.string("active"), .string("closed")]), "one code name per parameter: an enum")
        let after = try #require(parameters.first { $0["name"] == .string("since_after") })
        #expect(after["schema"]?["format"] == .string("date-time"))
        _ = try Contract.document(Self.bare)
        // The docs page says only what the version serves.
        let page = DocsPage.render(Self.bare)
        #expect(!page.contains("/usage") && !page.contains("format=") && page.contains("the violated policy."))
        let fullPage = DocsPage.render(Self.catalog)
        #expect(fullPage.contains("<code>GET /api/v1/usage</code>") && fullPage.contains("<code>format=ndjson</code> or <code>csv</code> without"))
        // With the extras on (the other version), documents promise only their id.
        let full = ContractDocument.build(Self.catalog)
        #expect(full["components"]?["schemas"]?["customers"]?["required"] == .array([.string("id")]))
        #expect(full["paths"]?["/v1/customers"]?["get"]?["responses"]?["304"] != nil)
    }
}

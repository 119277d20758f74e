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
}

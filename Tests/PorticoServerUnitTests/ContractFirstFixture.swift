import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PorticoCatalog
import PorticoContract
import PorticoServer
import Testing

/// Tradeflow's v1 and v2 beside two versions written to contracts of other styles, on
/// Tradeflow's products table (which the in-memory executor holds):
/// - v3, Stripe-like: `/partner/2024-01/catalogue-items`, a list object
///   (`object`, `data`, `has_more`, `url`, `next_cursor`), and `{"error": {type, code, param, message}}`
///   errors as `application/json`, with a `WWW-Authenticate` realm;
/// - v4: RFC 9457 with the contract's own type URIs, titles and codes, and no request id in
///   the body (so two 404s are byte-identical); `page_size` for `limit`, `expand[]` for `include`.
enum ContractFirstFixture {
    static let products = try! String(contentsOfFile: "\(UnitApp.repositoryRoot)/mappings/v1/products.yaml", encoding: .utf8)

    static let v3Settings = """
        base_path: /partner/2024-01
        envelope:
          object: {const: list}
          data: documents
          has_more: has_more
          url: url
          next_cursor: next_cursor
        errors:
          format: json
          realm: example
          body:
            error:
              type: type
              code: code
              param: parameter
              message: detail
          kinds:
            unknown-parameter: {type: invalid_request_error, code: parameter_unknown}
            invalid-parameter: {type: invalid_request_error, code: parameter_invalid}
            invalid-cursor: {type: invalid_request_error, code: cursor_invalid}
            not-found: {type: invalid_request_error, code: resource_missing}
            method-not-allowed: {type: invalid_request_error, code: method_not_allowed}
            unauthorized: {type: authentication_error}
            invalid-token: {type: authentication_error, code: api_key_invalid}
            insufficient-scope: {type: permission_error}
            quota-exceeded: {type: rate_limit_error, code: rate_limit}
            unavailable: {type: api_error}
            internal: {type: api_error}
        """

    static let v4Settings = """
        parameters: {limit: page_size, include: "expand[]"}
        errors:
          type_base: https://errors.example.com/
          request_id: false
          kinds:
            not-found: {type: resource-missing, title: Resource missing, code: E404}
            unauthorized: {type: https://auth.example.com/auth-required, title: Authentication required}
        """

    static func compile(_ version: String, settings: String, products: String) -> [String: Catalog] {
        let result = CatalogCompiler.compile(
            version: version,
            sources: [.init(path: "\(version)/_version.yaml", text: settings), .init(path: "\(version)/products.yaml", text: products)])
        precondition(result.diagnostics.isEmpty, "\(result.diagnostics)")
        return result.catalogs
    }

    static let catalogs: CatalogSet = {
        var all = UnitApp.catalogs.catalogs
        all.merge(compile("v3", settings: v3Settings, products: products + "path: catalogue-items\n")) { a, _ in a }
        all.merge(compile("v4", settings: v4Settings, products: products)) { a, _ in a }
        return CatalogSet(all)
    }()

    /// A response checked against its version's generated contract, as the integration suite does.
    static func validate(_ response: TestResponse, _ path: String, version: String) throws {
        let validator = ResponseValidator(document: ContractDocument.build(try #require(catalogs.catalogs[version])), requireLimitHeaders: false)
        #expect(validator.covers(path), "the contract has no path for \(path)")
        let headers = Dictionary(response.headers.map { ($0.name.canonicalName.lowercased(), $0.value) }) { a, _ in a }
        let problems = validator.validate(
            method: "GET", path: path, status: Int(response.status.code), headers: headers, body: Array(response.body.readableBytesView))
        #expect(problems.isEmpty, "\(problems)")
    }
}

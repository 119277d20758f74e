import Foundation
import OpenAPIKit
public import PorticoCatalog

/// The contract of a version: the generated OpenAPI document, checked by OpenAPIKit.
public enum Contract {
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// The document for `catalog`, after OpenAPIKit has decoded it into its model and validated it.
    ///
    /// What is served is the generated tree itself, not OpenAPIKit's re-encoding: OpenAPIKit 6
    /// turns `anyOf: [{…object…}, {type: null}]` into a schema that also says `type: null`,
    /// which would make every non-null embed invalid.
    public static func document(_ catalog: Catalog) throws -> JSONNode {
        let built = ContractDocument.build(catalog)
        let decoded: OpenAPI.Document
        do {
            decoded = try JSONDecoder().decode(OpenAPI.Document.self, from: Data(built.jsonText.utf8))
        } catch {
            throw Invalid(description: "OpenAPIKit cannot read the generated document: \(error)")
        }
        do {
            try decoded.validate()
        } catch {
            throw Invalid(description: "the generated document does not validate: \(error)")
        }
        return built
    }
}

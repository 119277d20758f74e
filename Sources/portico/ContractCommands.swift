import ArgumentParser
import Foundation
import PorticoCatalog
import PorticoContract
import PorticoServer

/// The catalogs of a mappings directory, or the diagnostics and exit status 1.
func compiledCatalogs(_ directory: String) throws -> [String: Catalog] {
    switch CatalogSet.load(directory: directory) {
    case .success(let set): return set.catalogs
    case .failure(let error):
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        throw ExitCode(1)
    }
}

/// `portico openapi`: prints a version's generated OpenAPI document.
struct OpenAPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "openapi", abstract: "Print the OpenAPI 3.1 document of a version.")
    @Option(help: "The mappings directory.") var mappings: String = "mappings"
    @Option(name: .customLong("version"), help: "The API version (default: the newest).") var apiVersion: String?
    @Option(help: "yaml or json.") var format: String = "yaml"

    func validate() throws {
        guard ["yaml", "json"].contains(format) else { throw ValidationError("--format must be yaml or json") }
    }

    func run() throws {
        let catalogs = try compiledCatalogs(mappings)
        let version = apiVersion ?? catalogs.keys.sorted { $0.count == $1.count ? $0 < $1 : $0.count < $1.count }.last ?? ""
        guard let catalog = catalogs[version] else {
            throw ValidationError("no version '\(version)'; versions: \(catalogs.keys.sorted().joined(separator: ", "))")
        }
        let document = try Contract.document(catalog)
        print(format == "json" ? document.jsonText : document.yamlText, terminator: "")
    }
}

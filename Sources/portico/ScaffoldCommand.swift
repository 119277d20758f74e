import ArgumentParser
import Foundation
import PorticoCatalog
import PorticoServer

/// `portico scaffold --table NAME`: writes a starting mapping from a live product table.
struct ScaffoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaffold",
        abstract: "Write a starting mapping file for a product table, read from information_schema.",
        discussion: """
            Every column becomes a typed field with a partner-friendly name; the key and a likely tenant
            column are guessed; lines marked 'decide:' need a human. Writes
            <mappings>/<version>/<resource>.yaml and refuses to overwrite it without --force.
            """
    )

    @Option(help: "The product table to start from.")
    var table: String

    @Option(help: "The API version directory to write into.")
    var version: String = "v1"

    @Option(help: "The mappings directory.")
    var mappings: String = "mappings"

    @Flag(help: "Overwrite an existing mapping file.")
    var force = false

    @Flag(help: "Print the mapping instead of writing it.")
    var stdout = false

    func validate() throws {
        guard version.wholeMatch(of: /v[1-9][0-9]*/) != nil else { throw ValidationError("--version must look like v1, v2, …") }
    }

    func run() async throws {
        let schema = try await CommandDatabase.product.withPool { try await ProductSchemaLoader.load(from: $0) }
        guard let source = schema.table(table) else {
            let near = schema.tables.keys.sorted().joined(separator: ", ")
            throw ValidationError("table '\(table)' does not exist in schema '\(schema.name)' (tables: \(near))")
        }
        let text = MappingScaffold.render(table: source, schema: schema.name, version: version)
        if stdout {
            print(text, terminator: "")
            return
        }
        let directory = "\(mappings)/\(version)"
        let path = "\(directory)/\(MappingScaffold.resourceName(source.name)).yaml"
        if FileManager.default.fileExists(atPath: path), !force {
            throw ValidationError("\(path) exists; pass --force to overwrite it")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        print("wrote \(path); review the lines marked 'decide:', then run portico check --database")
    }
}

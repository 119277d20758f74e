import ArgumentParser
import PorticoCatalog

/// `portico check`: validates every mapping file and reports every problem at once.
///
/// Exit status: 0 when clean (warnings allowed), 1 when any error was found, 2 when the check
/// could not run (no mappings directory).
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the mapping files (all versions) and print diagnostics as path:line:column.",
        discussion: "Exit status: 0 clean, 1 errors found, 2 could not run."
    )

    @Option(help: "The mappings directory, holding v1/, v2/, …")
    var mappings: String = "mappings"

    func run() throws {
        let result = CatalogCompiler.compile(directory: mappings)
        for diagnostic in result.diagnostics { print(diagnostic) }
        if result.catalogs.isEmpty && result.diagnostics.contains(where: { $0.line == 0 && $0.file == mappings }) {
            throw ExitCode(2)
        }
        let errors = result.diagnostics.filter { $0.severity == .error }.count
        let warnings = result.diagnostics.count - errors
        let versions = result.catalogs.keys.sorted()
        let resources = result.catalogs.values.reduce(0) { $0 + $1.resources.count }
        if errors > 0 {
            print("\(errors) error(s), \(warnings) warning(s)")
            throw ExitCode(1)
        }
        print("ok: \(resources) resources in \(versions.joined(separator: ", ")); \(warnings) warning(s)")
    }
}

import ArgumentParser
import PorticoCatalog
import PorticoServer

/// `portico check [--database] [--upstream]`: validates every mapping file and reports every
/// problem at once; with `--database`, also compares the mappings with the live product schema;
/// with `--upstream`, also asks the proxied routes' upstreams (``UpstreamProbe``).
///
/// Exit status: 0 when clean (warnings allowed), 1 when any error was found, 2 when the check
/// could not run (no mappings directory, database unreachable).
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the mapping files (all versions) and print diagnostics as path:line:column.",
        discussion: """
            With --database, the product schema is read from information_schema through
            PORTICO_PRODUCT_DB_* and each mapping is checked against it: missing tables and columns,
            types a conversion cannot read, nullable columns behind non-null fields, keysets without
            a supporting index. With --upstream, each proxied route's targets are asked (HEAD of the
            upstream path's constant part, with the route's credential): what answers, in how long,
            and whether the credential is taken. Exit status: 0 clean, 1 errors found, 2 could not run.
            """
    )

    @Option(help: "The mappings directory, holding v1/, v2/, …")
    var mappings: String = "mappings"

    @Flag(help: "Also check the mappings against the live product schema.")
    var database = false

    @Flag(help: "Also ask each proxied route's upstream targets whether they answer, with the route's credential.")
    var upstream = false

    func run() async throws {
        let result = CatalogCompiler.compile(directory: mappings)
        var diagnostics = result.diagnostics
        if result.catalogs.isEmpty, diagnostics.contains(where: { $0.line == 0 && $0.file == mappings }) {
            diagnostics.forEach { print($0) }
            throw ExitCode(2)
        }
        if database {
            let schema: ProductSchema
            do {
                schema = try await CommandDatabase.product.withPool { try await ProductSchemaLoader.load(from: $0) }
            } catch {
                diagnostics.forEach { print($0) }
                print("error: could not read the product schema: \(error)")
                throw ExitCode(2)
            }
            // Also the clean files of a version that has errors elsewhere: every problem in one run.
            for version in result.checkable.keys.sorted() {
                diagnostics += SchemaCheck.check(result.checkable[version]!, against: schema)
            }
        }
        diagnostics.sort()
        diagnostics.forEach { print($0) }
        var unreachable = 0
        if upstream {
            let probes = await UpstreamProbe.run(result.catalogs)
            probes.forEach { print($0) }
            unreachable = probes.filter(\.isFailure).count
            if probes.isEmpty { print("no proxied routes: no upstream to ask") }
        }
        let mappingErrors = diagnostics.filter { $0.severity == .error }.count
        let errors = mappingErrors + unreachable
        let warnings = diagnostics.count - mappingErrors
        if errors > 0 {
            print("\(errors) error(s), \(warnings) warning(s)")
            throw ExitCode(1)
        }
        let resources = result.catalogs.values.reduce(0) { $0 + $1.resources.count }
        let checked = (database ? ", checked against the database" : "") + (upstream ? ", upstreams answer" : "")
        print("ok: \(resources) resources in \(result.catalogs.keys.sorted().joined(separator: ", "))\(checked); \(warnings) warning(s)")
    }
}

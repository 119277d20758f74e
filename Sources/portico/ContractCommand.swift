import ArgumentParser
import Foundation
import PorticoCatalog
import PorticoContract
import Yams

/// `portico contract check|lock`: the generated contract against the committed lock
/// (`openapi/<version>.yaml`).
struct ContractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contract", abstract: "Compare the generated contract with the committed lock, or rewrite the lock.",
        subcommands: [Check.self, Lock.self]
    )

    struct Options: ParsableArguments {
        @Option(help: "The mappings directory.") var mappings: String = "mappings"
        @Option(help: "The lock directory (openapi/<version>.yaml).") var lock: String = "openapi"
        @Option(name: .customLong("version"), help: "Only this version (default: every version).") var apiVersion: String?
        @Flag(help: "With --against or --from: also list the differences in wording only (descriptions, summaries), which are counted otherwise.")
        var wording = false

        func versions() throws -> [(Catalog, JSONNode, JSONNode?)] {
            let catalogs = try compiledCatalogs(mappings)
            let names = apiVersion.map { [$0] } ?? catalogs.keys.sorted()
            return try names.map { name in
                guard let catalog = catalogs[name] else { throw ValidationError("no version '\(name)' in \(mappings)") }
                return (catalog, try Contract.document(catalog), try locked(name))
            }
        }

        func path(_ version: String) -> String { "\(lock)/\(version).yaml" }

        /// The one version `--against` and `--from` compare: `--version`, or the only one there is.
        func single() throws -> (Catalog, JSONNode) {
            let all = try versions()
            guard all.count == 1 else {
                throw ValidationError("the mappings have \(all.count) versions; pass --version to say which one the contract is for")
            }
            return (all[0].0, all[0].1)
        }

        /// An agreed contract, YAML or JSON.
        static func agreed(_ file: String) throws -> JSONNode {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                FileHandle.standardError.write(Data("error: cannot read \(file)\n".utf8))
                throw ExitCode(2)
            }
            do {
                let node = JSONNode(any: try Yams.load(yaml: text))
                guard let version = node["openapi"]?.string, version.hasPrefix("3.0") || version.hasPrefix("3.1") else {
                    FileHandle.standardError.write(Data("error: \(file) is not an OpenAPI 3.0 or 3.1 document (no 'openapi: 3.x' member)\n".utf8))
                    throw ExitCode(2)
                }
                return node
            } catch let exit as ExitCode {
                throw exit
            } catch {
                FileHandle.standardError.write(Data("error: \(file) is neither YAML nor JSON: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }

        /// Prints every difference from an agreed contract; returns whether there is any that matters.
        func report(_ catalog: Catalog, _ generated: JSONNode, against file: String) throws -> Bool {
            let differences = ContractAgreement.compare(agreed: try Self.agreed(file), generated: generated, catalog: catalog)
            for difference in differences where wording || difference.kind != .wording { print("\(catalog.version): \(difference)") }
            let count = { (kind: ContractAgreement.Difference.Kind) in differences.filter { $0.kind == kind }.count }
            print(
                "\(catalog.version) against \(file): \(count(.missing)) missing from the mappings, \(count(.added)) not in the contract, "
                    + "\(count(.wording)) in wording only" + (differences.isEmpty ? " (no difference)" : "")
                    + (!wording && count(.wording) > 0 ? " (--wording lists them)" : ""))
            return count(.missing) + count(.added) > 0
        }

        func locked(_ version: String) throws -> JSONNode? {
            guard let text = try? String(contentsOfFile: path(version), encoding: .utf8) else { return nil }
            do {
                return JSONNode(any: try Yams.load(yaml: text))
            } catch {
                FileHandle.standardError.write(Data("error: \(path(version)) is not valid YAML: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Classify every difference from the lock as breaking or compatible; exit 1 on any breaking change.",
            discussion:
                "Exit status: 0 when nothing breaks (compatible changes are listed), 1 when something breaks or a version has no lock, 2 when it cannot run."
        )
        @OptionGroup var options: Options
        @Option(
            help: ArgumentHelp(
                "Compare with this OpenAPI 3.0 or 3.1 document (YAML or JSON) instead of the lock: every difference both ways.",
                valueName: "file")) var against: String?

        func run() throws {
            if let against {
                let (catalog, generated) = try options.single()
                if try options.report(catalog, generated, against: against) { throw ExitCode(1) }
                return
            }
            var failed = false
            for (catalog, generated, locked) in try options.versions() {
                guard let locked else {
                    print("\(catalog.version): no lock at \(options.path(catalog.version)); review the document and run portico contract lock")
                    failed = true
                    continue
                }
                let diff = ContractDiff.compare(old: locked, new: generated)
                for change in diff.changes { print("\(catalog.version): \(change)") }
                let breaking = diff.changes.filter(\.breaking).count
                print(
                    "\(catalog.version): \(breaking) breaking, \(diff.changes.count - breaking) compatible"
                        + (diff.changes.isEmpty ? " (matches the lock)" : breaking == 0 ? " (run portico contract lock to record them)" : ""))
                failed = failed || diff.isBreaking
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct Lock: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rewrite the lock from the mappings; refuses a breaking change to a published version without --allow-breaking.")
        @OptionGroup var options: Options
        @Flag(help: "Lock a breaking change to a published version anyway (partners will break).") var allowBreaking = false
        @Option(
            help: ArgumentHelp(
                "Adopt this agreed contract: lock the version only when the mappings serve it with no difference (contract check --against).",
                valueName: "file")) var from: String?

        func run() throws {
            try FileManager.default.createDirectory(atPath: options.lock, withIntermediateDirectories: true)
            if let from {
                let (catalog, generated) = try options.single()
                guard try !options.report(catalog, generated, against: from) else {
                    print("\(catalog.version): refused: the mappings do not serve \(from) yet; fix the differences above, then lock")
                    throw ExitCode(1)
                }
                try generated.yamlText.write(toFile: options.path(catalog.version), atomically: true, encoding: .utf8)
                print("\(catalog.version): locked \(options.path(catalog.version)), which serves \(from) exactly")
                return
            }
            var refused = false
            for (catalog, generated, locked) in try options.versions() {
                if let locked, catalog.settings.published, !allowBreaking {
                    let breaking = ContractDiff.compare(old: locked, new: generated).changes.filter(\.breaking)
                    if !breaking.isEmpty {
                        for change in breaking { print("\(catalog.version): \(change)") }
                        print(
                            "\(catalog.version): refused: the version is published and this breaks partners; publish a new version, or pass --allow-breaking"
                        )
                        refused = true
                        continue
                    }
                }
                try generated.yamlText.write(toFile: options.path(catalog.version), atomically: true, encoding: .utf8)
                print("\(catalog.version): locked \(options.path(catalog.version))")
            }
            if refused { throw ExitCode(1) }
        }
    }
}

import ArgumentParser
import Foundation

/// `tradeflow-data --size tiny --out DIR`: writes the demo product's rows as files for
/// `LOAD DATA LOCAL INFILE` (see `demo/tradeflow/load.sql.in` and `scripts/db`).
@main
struct TradeflowDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tradeflow-data",
        abstract: "Write the Tradeflow demo product's data as tab-separated files, deterministically."
    )

    @Option(help: "tiny (tests, loads in seconds) or bench (1,000,000 orders, for benchmarks).")
    var size: String = "tiny"

    @Option(help: "Directory to write <table>.tsv files and manifest.tsv into (created if missing).")
    var out: String

    @Option(help: "Seed; the same seed and size always give the same bytes.")
    var seed: UInt64 = 20_160_101

    @Option(help: "Also write the product's legacy nightly CSV exports here, from the rows in --out (generated first when missing).")
    var legacyExports: String?

    @Option(help: "How many nights of exports to write per account.")
    var nights: Int = 3

    func run() throws {
        guard let dataset = DatasetSize.named(size) else {
            throw ValidationError("--size must be tiny or bench, got '\(size)'")
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        if legacyExports == nil || !FileManager.default.fileExists(atPath: "\(out)/manifest.tsv") {
            let counts = try TradeflowGenerator(size: dataset, seed: seed, directory: out).run()
            try (counts.description + "\n").write(toFile: "\(out)/manifest.tsv", atomically: true, encoding: .utf8)
            print(counts.description)
        }
        if let legacyExports {
            guard (1...30).contains(nights) else { throw ValidationError("--nights must be 1 to 30") }
            let files = try LegacyExports(data: out, out: legacyExports, nights: nights).run()
            print("legacy exports\t\(files) files")
        }
    }
}

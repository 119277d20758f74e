import ArgumentParser
import Foundation
import Logging
import PorticoCatalog
import PorticoMySQL
import PorticoQuery
import PorticoServer
import PorticoShape
import PorticoValues
import Synchronization

/// `portico-bench`: the ceiling for scenarios P1–P3 and P6. It plans and runs exactly the statements
/// Portico runs for each request (main query and embeds, through the same planner, driver and
/// pool), in a tight loop with no HTTP, so HTTP figures can be stated as a fraction of what the
/// database itself delivers on this machine.
@main
struct PorticoBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "portico-bench", abstract: "Run P1–P3's and P6's statements without HTTP.")

    @Argument(
        help:
            "p1 (an order with lines and customer by id), p2 (first page of 50 orders by status), p3 (deeper pages by cursor), p6 (the export's statements, once), floor (serve the bare HTTP stack until stopped), proxy-floor (serve a bare proxy to --upstream until stopped)."
    )
    var scenario: String
    @Option(help: "Concurrent callers.") var concurrency: Int = 64
    @Option(help: "Pool connections (Portico's default: 2 per core, at least 4).") var connections: Int?
    @Option(help: "Seconds to run.") var duration: Int = 15
    @Option(help: "Tenant ids, comma-separated (the benchmark partner's); required by p1–p6.") var tenants: String?
    @Option(help: "The port `floor` and `proxy-floor` listen on (127.0.0.1).") var port: Int = 18181
    @Option(
        help:
            "proxy-floor: the upstream's base URL; /floor/<path> is passed on as <base>/<path>, with PORTICO_BENCH_UPSTREAM_AUTHORIZATION as its Authorization."
    )
    var upstream: String?
    @Option(help: "A file of order ids (ORD-…) to read, one per line (p1).") var ids: String?
    @Option(help: "The mappings directory.") var mappings: String = "mappings"
    @Option(help: "The API version.") var apiVersion: String = "v2"
    @Flag(name: .customLong("print-sql"), help: "Print the P2 statement with its values inlined (for EXPLAIN), and exit.") var printSQL = false

    static let scenarios = ["p1", "p2", "p3", "p6", "floor", "proxy-floor"]

    func validate() throws {
        guard Self.scenarios.contains(scenario) else {
            throw ValidationError("Unknown scenario '\(scenario)'; use one of \(Self.scenarios.joined(separator: ", ")).")
        }
        if scenario == "proxy-floor", upstream == nil { throw ValidationError("proxy-floor needs --upstream.") }
        if !scenario.hasSuffix("floor"), tenants == nil { throw ValidationError("\(scenario) needs --tenants.") }
    }

    func run() async throws {
        var logger = Logger(label: "portico-bench")
        logger.logLevel = .error
        if scenario == "floor" {
            try await HTTPFloor.serve(port: port, logger: logger)
            return
        }
        if scenario == "proxy-floor", let upstream {
            let authorization = ProcessInfo.processInfo.environment["PORTICO_BENCH_UPSTREAM_AUTHORIZATION"] ?? ""
            try await ProxyFloor.serve(port: port, upstream: upstream, authorization: authorization, logger: logger)
            return
        }
        let tenants = tenants ?? ""
        let catalog = try require(CatalogCompiler.compile(directory: mappings).catalogs[apiVersion], "the mappings do not compile")
        let orders = try require(catalog.resources["orders"], "no orders resource")
        let planner = ReadPlanner(catalog: catalog)
        let tenantValues: [MySQLValue] = tenants.split(separator: ",").compactMap { UInt64($0) }.map { .uint($0) }
        if printSQL {
            var request = ApiRequest(limit: 50)
            request.filters = try QueryParser(resource: orders).parseList([("status", "shipped")]).0.filters
            print(Self.inline(SQLRenderer.render(try planner.planList(orders, request, tenants: tenantValues).plan)))
            return
        }
        var config = try MySQLConfiguration.fromEnvironment(prefix: "PORTICO_PRODUCT_DB")
        config.readOnly = true
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let pool = MySQLConnectionPool(configuration: config, options: .init(maxConnections: connections ?? max(4, 2 * cores)), logger: logger)
        let keys: [UInt64] =
            try ids.map { path in
                try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap { orders.id?.parse($0) }
            } ?? []
        if scenario == "p6" {
            try await exportCeiling(planner: planner, orders: orders, tenants: tenantValues, pool: pool)
            await pool.close()
            return
        }
        let work = Work(scenario: scenario, planner: planner, orders: orders, tenants: tenantValues, keys: keys, pool: pool)
        let deadline = ContinuousClock.now + .seconds(duration)
        let tally = Tally()
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var local: [Int64] = []
                    var state = WorkerState(random: worker)
                    while ContinuousClock.now < deadline {
                        let begin = ContinuousClock.now
                        do { try await work.once(&state) } catch { tally.errors.add(1, ordering: .relaxed) }
                        let elapsed = ContinuousClock.now - begin
                        local.append(elapsed.nanoseconds)
                    }
                    tally.latencies.withLock { $0 += local }
                }
            }
            try await group.waitForAll()
        }
        let seconds = (ContinuousClock.now - started).inSeconds
        let sorted = tally.latencies.withLock { $0 }.sorted()
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1e6 }
        print(
            String(
                format: "%@ requests/s %.0f p50_ms %.2f p99_ms %.2f errors %d statements %d",
                scenario, Double(sorted.count) / seconds, percentile(0.5), percentile(0.99), tally.errors.load(ordering: .relaxed),
                pool.statistics.statements))
        await pool.close()
    }
}

/// What one caller carries from one request to the next.
struct WorkerState {
    var random: Int
    /// P3: the cursor's position and how many pages deep the walk is.
    var after: [MySQLValue]?
    var depth = 0
}

/// One request's worth of statements.
struct Work: Sendable {
    let scenario: String
    let planner: ReadPlanner
    let orders: Resource
    let tenants: [MySQLValue]
    let keys: [UInt64]
    let pool: MySQLConnectionPool

    func once(_ state: inout WorkerState) async throws {
        switch scenario {
        case "p1":
            state.random = (state.random &* 1_103_515_245 &+ 12_345) & 0x7FFF_FFFF
            let key = keys[state.random % keys.count]
            guard let planned = planner.planItem(orders, key: [.uint(key)], ApiRequest(limit: 1), tenants: tenants) else { return }
            _ = try await run(planned)
        case "p2":
            var request = ApiRequest(limit: 50)
            request.filters = try QueryParser(resource: orders).parseList([("status", "shipped")]).0.filters
            _ = try await run(try planner.planList(orders, request, tenants: tenants))
        default:
            // p3: one page per call, as bench/p3.lua asks for them: each caller walks 20 pages deep
            // by cursor, then starts again.
            var request = ApiRequest(limit: 50)
            request.after = state.after
            let planned = try planner.planList(orders, request, tenants: tenants)
            let rows = try await run(planned)
            state.depth += 1
            if rows.count > 50, state.depth < 20, let last = rows.prefix(50).last {
                state.after = planned.cursorColumns.map { last[$0] }
            } else {
                state.after = nil
                state.depth = 0
            }
        }
    }

    func run(_ planned: PlannedRead) async throws -> [MySQLRow] {
        try await ReadExecution.run(planned, on: pool).0
    }
}

extension PorticoBench {
    /// P6 without HTTP or shaping: the export's row stream read in batches of 500 (Portico's
    /// default) through the same `ExportReadAhead` as `ExportWriter` (each batch's embed
    /// statements run while the next batch's rows are fetched). Rows are counted, not encoded.
    func exportCeiling(planner: ReadPlanner, orders: Resource, tenants: [MySQLValue], pool: MySQLConnectionPool) async throws {
        var request = ApiRequest(limit: 50)
        request.isExport = true
        request.format = .ndjson
        let planned = try planner.planList(orders, request, tenants: tenants)
        let main = SQLRenderer.render(planned)
        let batchSize = 500
        let started = ContinuousClock.now
        var total = 0
        try await pool.withRowStream(main.text, main.binds, batchSize: batchSize) { stream in
            try await ExportReadAhead.reading(stream, planned: planned, pool: pool, batchSize: batchSize) { batches in
                while case let count = try await batches.next().rows.count, count > 0 { total += count }
            }
        }
        let elapsed = ContinuousClock.now - started
        let seconds = elapsed.inSeconds
        print(
            String(format: "p6 rows %d seconds %.2f rows/s %.0f statements %d", total, seconds, Double(total) / seconds, pool.statistics.statements))
    }

    /// The statement with `?` replaced by literals (integers and plain strings only: for EXPLAIN).
    static func inline(_ query: SQLQuery) -> String {
        var values = query.binds.makeIterator()
        return query.text.split(separator: "?", omittingEmptySubsequences: false).enumerated().map { index, part in
            guard index > 0, let value = values.next() else { return String(part) }
            let literal: String
            switch value {
            case .int(let v): literal = String(v)
            case .uint(let v): literal = String(v)
            case .string(let v): literal = "'" + v.replacingOccurrences(of: "'", with: "''") + "'"
            default: literal = "NULL"
            }
            return literal + part
        }.joined()
    }
}

func require<T>(_ value: T?, _ message: String) throws -> T {
    guard let value else { throw ValidationError(message) }
    return value
}

/// What the workers measured.
final class Tally: Sendable {
    let latencies = Mutex<[Int64]>([])
    let errors = Atomic<Int>(0)
}

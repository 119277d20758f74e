import Foundation
import PorticoCatalog
import PorticoMySQL
import PorticoQuery
import PorticoServer
import PorticoShape
import PorticoValues
import Synchronization

/// Tables held in memory, read the way a ``ReadPlan`` says: joins, conditions, order, limit
/// and select list evaluated over Swift values.
///
/// It is not a database and stands in for none: no SQL is rendered, there are no collations
/// (text compares byte by byte), `CONVERT_TZ` reads the local value as it is, and nothing about
/// MariaDB is learned through it. It lets the handler, limit, error and route tests run the
/// whole pipeline in process with rows the test chose; every test about the real database is
/// in `PorticoServerTests` against MariaDB.
final class InMemoryExecutor: ReadExecutor {
    typealias Table = [[String: MySQLValue]]
    let tables: [String: Table]
    private let reachable = Atomic<Bool>(true)
    private let runs = Atomic<Int>(0)

    init(_ tables: [String: Table]) { self.tables = tables }

    /// Reads the executor ran (pages, items and exports), to check that refusals ran none.
    var reads: Int { runs.load(ordering: .relaxed) }

    /// Makes every read fail as the pool does while the database is down.
    func goDown() { reachable.store(false, ordering: .relaxed) }

    func run(_ planned: PlannedRead) async throws -> ([MySQLRow], [EmbedRows]) {
        runs.add(1, ordering: .relaxed)
        guard reachable.load(ordering: .relaxed) else { throw MySQLError.unreachable }
        let rows = evaluate(planned.plan)
        return (rows, embeds(planned, rows))
    }

    func stream<R: Sendable>(_ planned: PlannedRead, batchSize: Int, _ body: (any ExportBatches) async throws -> R) async throws -> R {
        runs.add(1, ordering: .relaxed)
        guard reachable.load(ordering: .relaxed) else { throw MySQLError.unreachable }
        let rows = evaluate(planned.plan)
        var batches = stride(from: 0, to: rows.count, by: max(1, batchSize)).map { start in
            let slice = Array(rows[start..<min(rows.count, start + batchSize)])
            return ExportBatch(rows: slice, embeds: embeds(planned, slice), databaseTime: .zero)
        }
        batches.append(ExportBatch(rows: [], embeds: [], databaseTime: .zero))
        return try await body(Batches(batches))
    }

    func isHealthy() async -> Bool { reachable.load(ordering: .relaxed) }

    final class Batches: ExportBatches {
        private var remaining: [ExportBatch]
        init(_ batches: [ExportBatch]) { remaining = batches }
        func next() async throws -> ExportBatch {
            remaining.isEmpty ? ExportBatch(rows: [], embeds: [], databaseTime: .zero) : remaining.removeFirst()
        }
    }

    // MARK: - Evaluation

    /// A candidate row: each alias (`t`, the joins) to its table's row, absent for a LEFT join that found none.
    typealias Joined = [String: [String: MySQLValue]]

    func embeds(_ planned: PlannedRead, _ rows: [MySQLRow]) -> [EmbedRows] {
        planned.embeds.map { embed in
            let keys = embed.parentKeys(rows)
            return EmbedRows(embed: embed, rows: keys.isEmpty ? [] : evaluate(embed.plan(forParents: keys)))
        }
    }

    func evaluate(_ plan: ReadPlan) -> [MySQLRow] {
        var candidates: [Joined] = (tables[plan.table] ?? []).map { ["t": $0] }
        for join in plan.joins {
            candidates = candidates.compactMap { row in
                let match = (tables[join.table] ?? []).first { other in
                    join.on.allSatisfy { Self.equal(row["t"]?[$0.local] ?? .null, other[$0.remote] ?? .null) }
                        && join.conditions.allSatisfy { Self.holds($0, [join.alias: other].merging(row) { a, _ in a }, tables) }
                }
                if let match { return row.merging([join.alias: match]) { a, _ in a } }
                return join.required ? nil : row
            }
        }
        var rows = candidates.filter { row in plan.conditions.allSatisfy { Self.holds($0, row, tables) } }
        rows.sort { Self.before($0, $1, plan.order) }
        if let limit = plan.limit { rows = Array(rows.prefix(limit)) }
        return rows.map { row in MySQLRow(plan.columns.map { Self.value($0, row) }) }
    }

    static func value(_ expression: ColumnExpression, _ row: Joined) -> MySQLValue {
        switch expression {
        case .column(let ref), .utc(let ref, _): return row[ref.alias]?[ref.column] ?? .null
        case .derived(let a, let operation, let b):
            guard let x = (row[a.alias]?[a.column] ?? .null).int64, let y = (row[b.alias]?[b.column] ?? .null).int64 else { return .null }
            return .int(operation == .sum ? x + y : x - y)
        case .transformed(let ref, let transforms):
            guard case .string(var text) = row[ref.alias]?[ref.column] ?? .null else { return row[ref.alias]?[ref.column] ?? .null }
            for transform in transforms {
                switch transform {
                case .trim: text = text.trimmingCharacters(in: .whitespaces)
                case .lower: text = text.lowercased()
                case .upper: text = text.uppercased()
                case .blankToNull: break
                }
            }
            return .string(text)
        }
    }

    static func holds(_ condition: Condition, _ row: Joined, _ tables: [String: Table]) -> Bool {
        switch condition {
        case .compare(let lhs, let op, let rhs):
            guard let order = compare(value(lhs, row), rhs) else { return false }
            switch op {
            case .eq: return order == 0
            case .ne: return order != 0
            case .lt: return order < 0
            case .lte: return order <= 0
            case .gt: return order > 0
            case .gte: return order >= 0
            }
        case .inList(let lhs, let values, let negated):
            let value = value(lhs, row)
            if value.isNull { return false }
            return values.contains { equal(value, $0) } != negated
        case .isNull(let lhs, let isNull):
            return value(lhs, row).isNull == isNull
        case .prefix(let lhs, let text):
            return value(lhs, row).text?.hasPrefix(text) ?? false
        case .after(let terms, let values):
            for (term, bound) in zip(terms, values) {
                guard let order = compare(value(term.expression, row), bound) else { return false }
                if order != 0 { return term.descending ? order < 0 : order > 0 }
            }
            return false
        case .tuplesIn(let lhs, let tuples):
            let values = lhs.map { value($0, row) }
            return tuples.contains { tuple in zip(values, tuple).allSatisfy { equal($0, $1) } }
        case .integerSet(let lhs, let set):
            guard let number = integer(value(lhs, row)) else { return false }
            return set.text.split(separator: ",").contains { Int64($0) == number }
        case .exactly(let lhs, let values):
            let value = value(lhs, row)
            return values.contains { $0 == value }
        case .any(let conditions):
            return conditions.contains { Self.holds($0, row, tables) }
        case .inSubquery(let lhs, let subquery):
            let values = lhs.map { Self.value($0, row) }
            if values.contains(where: \.isNull) { return false }
            return (tables[subquery.table] ?? []).contains { other in
                let inner: Joined = [subquery.alias: other]
                return subquery.conditions.allSatisfy { Self.holds($0, inner, tables) }
                    && zip(values, subquery.columns).allSatisfy { Self.equal($0, Self.value($1, inner)) }
            }
        case .never:
            return false
        }
    }

    static func before(_ a: Joined, _ b: Joined, _ order: [OrderTerm]) -> Bool {
        for term in order {
            let order = compare(value(term.expression, a), value(term.expression, b)) ?? 0
            if order != 0 { return term.descending ? order > 0 : order < 0 }
        }
        return false
    }

    static func equal(_ a: MySQLValue, _ b: MySQLValue) -> Bool { compare(a, b) == 0 }

    static func integer(_ value: MySQLValue) -> Int64? {
        switch value {
        case .string(let text), .decimal(let text): Int64(text)
        default: value.int64
        }
    }

    /// SQL's comparison: nil when either side is NULL; numbers by value, text by bytes.
    static func compare(_ a: MySQLValue, _ b: MySQLValue) -> Int? {
        if a.isNull || b.isNull { return nil }
        if let x = a.int64, let y = b.int64 { return x < y ? -1 : (x == y ? 0 : 1) }
        switch (a, b) {
        case (.datetime(let x), .datetime(let y)):
            let (l, r) = (x.epochSeconds * 1_000_000 + Int(x.microsecond), y.epochSeconds * 1_000_000 + Int(y.microsecond))
            return l < r ? -1 : (l == r ? 0 : 1)
        default:
            let (x, y) = (a.text ?? "\(a)", b.text ?? "\(b)")
            if let l = Double(x), let r = Double(y) { return l < r ? -1 : (l == r ? 0 : 1) }
            return x < y ? -1 : (x == y ? 0 : 1)
        }
    }
}

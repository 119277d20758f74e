import PorticoCatalog
import PorticoValues

/// Renders a ``ReadPlan`` as MySQL SQL text with `?` placeholders and the values to bind.
public enum SQLRenderer {
    /// Quotes an identifier. Identifiers reach here only from a validated catalog (letters,
    /// digits and `_`), and backticks are doubled anyway, so no input can end the quoting.
    public static func quote(_ identifier: String) -> String {
        identifier.utf8.contains(UInt8(ascii: "`")) ? "`" + identifier.replacing("`", with: "``") + "`" : "`" + identifier + "`"
    }

    /// A planned read's main statement: with the text the planner already knows (an item's),
    /// only the values are collected.
    public static func render(_ planned: PlannedRead) -> SQLQuery {
        guard let known = planned.rendered else { return render(planned.plan) }
        var sql = SQLBuilder(writesText: false, bindCapacity: known.bindCount)
        write(planned.plan, into: &sql)
        return SQLQuery(text: known.text, binds: sql.binds)
    }

    /// The statement for a plan. Its text depends only on the plan's shape (tables, columns,
    /// conditions and how many values each holds), so the text is rendered once per shape and
    /// kept (``sqlTexts``); later plans of that shape only collect their values, in the same
    /// walk with the text switched off, so text and binds cannot disagree.
    public static func render(_ plan: ReadPlan) -> SQLQuery {
        if let shape = sqlTexts[PlanShape(plan)] {
            var sql = SQLBuilder(writesText: false, bindCapacity: shape.bindCount)
            write(plan, into: &sql)
            return SQLQuery(text: shape.text, binds: sql.binds)
        }
        let query = renderUncached(plan)
        sqlTexts.store(RenderedShape(text: query.text, bindCount: query.binds.count), for: PlanShape(plan.withoutValues))
        return query
    }

    /// Renders text and binds without the cache.
    static func renderUncached(_ plan: ReadPlan) -> SQLQuery {
        var sql = SQLBuilder(writesText: true)
        write(plan, into: &sql)
        return SQLQuery(text: sql.text, binds: sql.binds)
    }

    static func write(_ plan: ReadPlan, into sql: inout SQLBuilder) {
        if let index = plan.tenantCondition, plan.limit != nil, !plan.order.isEmpty,
            case .inList(let column, let tenants, false) = plan.conditions[index], tenants.count > 1
        {
            writePerTenant(plan, index, column, tenants, into: &sql)
        } else {
            writeSingle(plan, into: &sql)
        }
    }

    /// A page across several tenants, in two steps within one statement:
    ///
    /// 1. per tenant, an ordered, limited subquery of the order values alone (for the usual
    ///    keyset, all in the `(tenant, …keyset)` index: no row is read), merged and cut to the page;
    /// 2. the page's rows fetched by key and joined as usual.
    ///
    ///     SELECT t.… FROM (SELECT * FROM ((SELECT t.updated AS c0, t.order_no AS c1 … WHERE acct_id = ?
    ///       … ORDER BY … LIMIT n) UNION ALL (…)) AS u ORDER BY c0, c1 LIMIT n) AS top
    ///     JOIN orders AS t ON t.order_no = top.c1 … ORDER BY top.c0, top.c1
    ///
    /// Where `acct_id IN (…) ORDER BY k LIMIT n` makes the server sort every matching row of
    /// every tenant, this reads at most n index entries per tenant and n rows.
    static func writePerTenant(_ plan: ReadPlan, _ index: Int, _ column: ColumnExpression, _ tenants: [MySQLValue], into sql: inout SQLBuilder) {
        let keyPositions = plan.keyColumns.map { key in plan.order.firstIndex { $0.expression == .column(ColumnRef("t", key)) } }
        // Measured (bench/results): with a cursor position, the key-only form was slower through
        // the driver than whole rows per tenant, so later pages read whole rows.
        let hasCursor = plan.conditions.contains { if case .after = $0 { true } else { false } }
        guard !keyPositions.isEmpty, keyPositions.allSatisfy({ $0 != nil }), !hasCursor else {
            return writePerTenantRows(plan, index, column, tenants, into: &sql)
        }
        var inner = plan
        inner.tenantCondition = nil
        inner.columns = plan.order.map(\.expression)
        let referenced = Set(plan.conditions.flatMap(aliases) + plan.order.flatMap { aliases($0.expression) })
        inner.joins = plan.joins.filter { $0.required || referenced.contains($0.alias) }
        sql.append("SELECT " + plan.columns.map { expression($0) }.joined(separator: ", "))
        sql.append(" FROM (SELECT * FROM (")
        writeBranches(&inner, index, column, tenants, into: &sql)
        sql.append(
            ") AS `u` ORDER BY " + plan.order.enumerated().map { "`c\($0.offset)` \($0.element.descending ? "DESC" : "ASC")" }.joined(separator: ", ")
        )
        sql.append(" LIMIT ?) AS `top`")
        sql.bind(.int(Int64(plan.limit ?? 0)))
        sql.append(
            " JOIN \(quote(plan.table)) AS `t` ON "
                + zip(plan.keyColumns, keyPositions).map { "`t`.\(quote($0)) = `top`.`c\($1!)`" }.joined(separator: " AND "))
        writeJoins(plan.joins, into: &sql)
        sql.append(
            " ORDER BY " + plan.order.enumerated().map { "`top`.`c\($0.offset)` \($0.element.descending ? "DESC" : "ASC")" }.joined(separator: ", "))
    }

    /// Whole rows per tenant, each subquery ordered and limited, merged and cut to the page.
    ///
    /// Joined embeds are joined to the page's rows only, after the cut: inside the subqueries
    /// they would be joined to a page's worth of rows per tenant (60 × 51 customer lookups for
    /// 50 orders; P3 lost a third of its throughput to that).
    static func writePerTenantRows(_ plan: ReadPlan, _ index: Int, _ column: ColumnExpression, _ tenants: [MySQLValue], into sql: inout SQLBuilder) {
        var single = plan
        single.tenantCondition = nil
        let embedded = plan.joins.filter(\.embedded)
        let later = Set(embedded.map(\.alias))
        if !embedded.isEmpty {
            single.joins = plan.joins.filter { !$0.embedded }
            single.columns = plan.columns.filter { !aliases($0).contains(where: later.contains) }
            for pair in embedded.flatMap(\.on) where !single.columns.contains(.column(ColumnRef("t", pair.local))) {
                single.columns.append(.column(ColumnRef("t", pair.local)))
            }
        }
        let branch = single.columns
        func name(_ expression: ColumnExpression) -> String { "`c\(branch.firstIndex(of: expression) ?? 0)`" }
        func top(_ expression: ColumnExpression) -> String { "`top`." + name(expression) }
        sql.append(
            embedded.isEmpty
                ? "SELECT " + branch.indices.map { "`c\($0)`" }.joined(separator: ", ") + " FROM ("
                : "SELECT " + plan.columns.map { aliases($0).contains(where: later.contains) ? expression($0) : top($0) }.joined(separator: ", ")
                    + " FROM (SELECT * FROM (")
        writeBranches(&single, index, column, tenants, into: &sql)
        sql.append(
            ") AS `u` ORDER BY " + plan.order.map { "\(name($0.expression)) \($0.descending ? "DESC" : "ASC")" }.joined(separator: ", ") + " LIMIT ?")
        sql.bind(.int(Int64(plan.limit ?? 0)))
        guard !embedded.isEmpty else { return }
        sql.append(") AS `top`")
        writeJoins(embedded, parent: { top(.column(ColumnRef("t", $0))) }, into: &sql)
        sql.append(" ORDER BY " + plan.order.map { "\(top($0.expression)) \($0.descending ? "DESC" : "ASC")" }.joined(separator: ", "))
    }

    /// One parenthesised, aliased subquery per tenant, joined by `UNION ALL`.
    static func writeBranches(_ branch: inout ReadPlan, _ index: Int, _ column: ColumnExpression, _ tenants: [MySQLValue], into sql: inout SQLBuilder)
    {
        for (position, tenant) in tenants.enumerated() {
            branch.conditions[index] = .compare(column, .eq, tenant)
            sql.append(position == 0 ? "(" : " UNION ALL (")
            writeSingle(branch, aliased: true, into: &sql)
            sql.append(")")
        }
    }

    /// The table aliases an expression or condition reads.
    static func aliases(_ expression: ColumnExpression) -> [String] {
        switch expression {
        case .column(let ref): [ref.alias]
        case .utc(let ref, let zone): [ref.alias, zone.alias]
        case .transformed(let ref, _): [ref.alias]
        case .derived(let a, _, let b): [a.alias, b.alias]
        }
    }

    static func aliases(_ condition: Condition) -> [String] {
        switch condition {
        case .compare(let lhs, _, _), .inList(let lhs, _, _), .isNull(let lhs, _), .prefix(let lhs, _), .exactly(let lhs, _): aliases(lhs)
        case .after(let terms, _): terms.flatMap { aliases($0.expression) }
        case .tuplesIn(let lhs, _): lhs.flatMap(aliases)
        case .integerSet(let lhs, _): aliases(lhs)
        case .any(let conditions): conditions.flatMap(aliases)
        // Only the outer columns: the inner ones are the subquery's own.
        case .inSubquery(let lhs, _): lhs.flatMap(aliases)
        case .never: []
        }
    }

    /// Joins in order, with their `ON` conditions' values (they precede `WHERE`).
    /// `parent` names a column of the resource's own row (`t`, or a merged page's `top`).
    static func writeJoins(_ joins: [PlannedJoin], parent: (String) -> String = { "`t`." + quote($0) }, into sql: inout SQLBuilder) {
        for join in joins {
            sql.append(
                (join.required ? " JOIN " : " LEFT JOIN ") + "\(quote(join.table)) AS \(quote(join.alias)) ON "
                    // Mapping joins and joined embeds are to-one joins from the resource's own table.
                    + join.on.map { "\(quote(join.alias)).\(quote($0.remote)) = \(parent($0.local))" }.joined(separator: " AND "))
            for condition in join.conditions {
                sql.append(" AND ")
                write(condition, into: &sql)
            }
        }
    }

    static func writeSingle(_ plan: ReadPlan, aliased: Bool = false, into sql: inout SQLBuilder) {
        sql.append(
            "SELECT "
                + plan.columns.enumerated().map { aliased ? "\(expression($0.element)) AS `c\($0.offset)`" : expression($0.element) }.joined(
                    separator: ", ")
                + " FROM \(quote(plan.table)) AS `t`")
        writeJoins(plan.joins, into: &sql)
        for (position, condition) in plan.conditions.enumerated() {
            sql.append(position == 0 ? " WHERE " : " AND ")
            write(condition, into: &sql)
        }
        if !plan.order.isEmpty {
            sql.append(" ORDER BY " + plan.order.map { "\(expression($0.expression)) \($0.descending ? "DESC" : "ASC")" }.joined(separator: ", "))
        }
        if let limit = plan.limit {
            sql.append(" LIMIT ?")
            sql.bind(.int(Int64(limit)))
        }
    }

    static func column(_ ref: ColumnRef) -> String { quote(ref.alias) + "." + quote(ref.column) }

    static func expression(_ expression: ColumnExpression) -> String {
        switch expression {
        case .column(let ref): column(ref)
        case .utc(let ref, let zone): "CONVERT_TZ(\(column(ref)), \(column(zone)), '+00:00')"
        case .derived(let a, let operation, let b): "(\(column(a)) \(operation == .sum ? "+" : "-") \(column(b)))"
        case .transformed(let ref, let transforms):
            transforms.reduce(column(ref)) { inner, transform in
                switch transform {
                case .trim: "TRIM(\(inner))"
                case .lower: "LOWER(\(inner))"
                case .upper: "UPPER(\(inner))"
                case .blankToNull: inner
                }
            }
        }
    }

    static func placeholders(_ count: Int) -> String {
        guard count > 0 else { return "" }
        var text = "?"
        text.reserveCapacity(3 * count)
        for _ in 1..<count { text += ", ?" }
        return text
    }

    static func write(_ condition: Condition, into sql: inout SQLBuilder) {
        switch condition {
        case .compare(let lhs, let op, let value):
            sql.append("\(expression(lhs)) \(op.rawValue) ?")
            sql.bind(value)
        case .inList(let lhs, let values, let negated):
            if values.isEmpty { return sql.append(negated ? "1 = 1" : "1 = 0") }
            sql.append("\(expression(lhs)) \(negated ? "NOT IN" : "IN") (\(placeholders(values.count)))")
            sql.bind(contentsOf: values)
        case .isNull(let lhs, let isNull):
            sql.append("\(expression(lhs)) IS \(isNull ? "" : "NOT ")NULL")
        case .prefix(let lhs, let text):
            var escaped = ""
            for ch in text {
                if ch == "\\" || ch == "%" || ch == "_" { escaped.append("\\") }
                escaped.append(ch)
            }
            sql.append("\(expression(lhs)) LIKE ?")
            sql.bind(.string(escaped + "%"))
        case .tuplesIn(let lhs, let tuples):
            if tuples.isEmpty { return sql.append("1 = 0") }
            if lhs.count == 1 {
                sql.append("\(expression(lhs[0])) IN (\(placeholders(tuples.count)))")
                for tuple in tuples { sql.bind(tuple[0]) }
                return
            }
            let one = "(" + placeholders(lhs.count) + ")"
            sql.append("(\(lhs.map(expression).joined(separator: ", "))) IN (\(Array(repeating: one, count: tuples.count).joined(separator: ", ")))")
            for tuple in tuples { sql.bind(contentsOf: tuple) }
        case .exactly(let lhs, let values):
            if values.isEmpty { return sql.append("1 = 0") }
            sql.append("BINARY \(expression(lhs)) IN (\(placeholders(values.count)))")
            sql.bind(contentsOf: values)
        case .integerSet(let lhs, let set):
            sql.append("FIND_IN_SET(\(expression(lhs)) + 0, ?)")
            sql.bind(.string(set.text))
        case .after(let terms, let values):
            writeAfter(terms, values, into: &sql)
        case .any(let conditions):
            if conditions.isEmpty { return sql.append("1 = 0") }
            for (position, condition) in conditions.enumerated() {
                sql.append(position == 0 ? "(" : " OR ")
                write(condition, into: &sql)
            }
            sql.append(")")
        case .inSubquery(let lhs, let subquery):
            let outer = lhs.map(expression).joined(separator: ", ")
            sql.append(lhs.count == 1 ? outer : "(" + outer + ")")
            sql.append(" IN (SELECT " + subquery.columns.map(expression).joined(separator: ", "))
            sql.append(" FROM \(quote(subquery.table)) AS \(quote(subquery.alias)) WHERE ")
            if subquery.conditions.isEmpty { sql.append("1 = 1") }
            for (position, condition) in subquery.conditions.enumerated() {
                if position > 0 { sql.append(" AND ") }
                write(condition, into: &sql)
            }
            sql.append(")")
        case .never:
            sql.append("1 = 0")
        }
    }

    /// `a > ? OR (a = ? AND b > ?)`, led by `a >= ?` so the range optimiser can seek on `a`.
    static func writeAfter(_ terms: [OrderTerm], _ values: [MySQLValue], into sql: inout SQLBuilder) {
        guard let first = terms.first, values.count == terms.count else { return sql.append("1 = 0") }
        sql.append("(\(expression(first.expression)) \(first.descending ? "<=" : ">=") ? AND (")
        sql.bind(values[0])
        for i in 0..<terms.count {
            if i > 0 { sql.append(" OR ") }
            if i > 0 { sql.append("(") }
            for j in 0..<i {
                sql.append("\(expression(terms[j].expression)) = ? AND ")
                sql.bind(values[j])
            }
            sql.append("\(expression(terms[i].expression)) \(terms[i].descending ? "<" : ">") ?")
            sql.bind(values[i])
            if i > 0 { sql.append(")") }
        }
        sql.append("))")
    }
}

/// Text and binds in the order the text names them; with `writesText` false, only the binds
/// (the text's pieces are not even built: they are autoclosures).
struct SQLBuilder {
    let writesText: Bool
    private(set) var text = ""
    private(set) var binds: [MySQLValue] = []

    init(writesText: Bool, bindCapacity: Int = 0) {
        self.writesText = writesText
        if writesText { text.reserveCapacity(1024) }
        binds.reserveCapacity(bindCapacity)
    }

    mutating func append(_ piece: @autoclosure () -> String) {
        if writesText { text += piece() }
    }

    mutating func bind(_ value: MySQLValue) { binds.append(value) }

    mutating func bind(contentsOf values: [MySQLValue]) { binds.append(contentsOf: values) }
}

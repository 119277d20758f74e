import PorticoCatalog
import PorticoValues

/// Renders a ``ReadPlan`` as MySQL SQL text with `?` placeholders and the values to bind.
public enum SQLRenderer {
    /// Quotes an identifier. Identifiers reach here only from a validated catalog (letters,
    /// digits and `_`), and backticks are doubled anyway, so no input can end the quoting.
    public static func quote(_ identifier: String) -> String {
        identifier.utf8.contains(UInt8(ascii: "`")) ? "`" + identifier.replacing("`", with: "``") + "`" : "`" + identifier + "`"
    }

    public static func render(_ plan: ReadPlan) -> SQLQuery {
        if let index = plan.tenantCondition, plan.limit != nil, !plan.order.isEmpty,
           case .inList(let column, let tenants, false) = plan.conditions[index], tenants.count > 1 {
            return renderPerTenant(plan, index, column, tenants)
        }
        return renderSingle(plan)
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
    static func renderPerTenant(_ plan: ReadPlan, _ index: Int, _ column: ColumnExpression, _ tenants: [MySQLValue]) -> SQLQuery {
        let keyPositions = plan.keyColumns.map { key in plan.order.firstIndex { $0.expression == .column(ColumnRef("t", key)) } }
        // Measured (bench/results): with a cursor position, the key-only form was slower through
        // the driver than whole rows per tenant, so later pages read whole rows.
        let hasCursor = plan.conditions.contains { if case .after = $0 { true } else { false } }
        guard !keyPositions.isEmpty, keyPositions.allSatisfy({ $0 != nil }), !hasCursor else {
            return renderPerTenantRows(plan, index, column, tenants)
        }
        var inner = plan
        inner.tenantCondition = nil
        inner.columns = plan.order.map(\.expression)
        let referenced = Set(plan.conditions.flatMap(aliases) + plan.order.flatMap { aliases($0.expression) })
        inner.joins = plan.joins.filter { $0.required || referenced.contains($0.alias) }
        var binds: [MySQLValue] = []
        var parts: [String] = []
        for tenant in tenants {
            inner.conditions[index] = .compare(column, .eq, tenant)
            let query = renderSingle(inner, aliased: true)
            parts.append("(" + query.text + ")")
            binds += query.binds
        }
        let orderNames = plan.order.enumerated().map { "`c\($0.offset)` \($0.element.descending ? "DESC" : "ASC")" }
        binds.append(.int(Int64(plan.limit ?? 0)))
        var sql = "SELECT " + plan.columns.map { expression($0) }.joined(separator: ", ")
        sql += " FROM (SELECT * FROM (\(parts.joined(separator: " UNION ALL "))) AS `u` ORDER BY \(orderNames.joined(separator: ", ")) LIMIT ?) AS `top`"
        sql += " JOIN \(quote(plan.table)) AS `t` ON "
            + zip(plan.keyColumns, keyPositions).map { "`t`.\(quote($0)) = `top`.`c\($1!)`" }.joined(separator: " AND ")
        sql += joins(plan.joins, &binds)
        sql += " ORDER BY " + plan.order.enumerated().map { "`top`.`c\($0.offset)` \($0.element.descending ? "DESC" : "ASC")" }.joined(separator: ", ")
        return SQLQuery(text: sql, binds: binds)
    }

    /// Whole rows per tenant, each subquery ordered and limited, merged and cut to the page.
    static func renderPerTenantRows(_ plan: ReadPlan, _ index: Int, _ column: ColumnExpression, _ tenants: [MySQLValue]) -> SQLQuery {
        var binds: [MySQLValue] = []
        var parts: [String] = []
        var single = plan
        single.tenantCondition = nil
        for tenant in tenants {
            single.conditions[index] = .compare(column, .eq, tenant)
            let query = renderSingle(single, aliased: true)
            parts.append("(" + query.text + ")")
            binds += query.binds
        }
        let outer = plan.order.map { term -> String in
            "`c\(plan.columns.firstIndex(of: term.expression) ?? 0)` \(term.descending ? "DESC" : "ASC")"
        }
        let names = plan.columns.indices.map { "`c\($0)`" }.joined(separator: ", ")
        binds.append(.int(Int64(plan.limit ?? 0)))
        return SQLQuery(text: "SELECT \(names) FROM (\(parts.joined(separator: " UNION ALL "))) AS `u` ORDER BY \(outer.joined(separator: ", ")) LIMIT ?",
                        binds: binds)
    }

    /// The table aliases an expression or condition reads.
    static func aliases(_ expression: ColumnExpression) -> [String] {
        switch expression {
        case .column(let ref): [ref.alias]
        case .utc(let ref, let zone): [ref.alias, zone.alias]
        }
    }

    static func aliases(_ condition: Condition) -> [String] {
        switch condition {
        case .compare(let lhs, _, _), .inList(let lhs, _, _), .isNull(let lhs, _), .prefix(let lhs, _): aliases(lhs)
        case .after(let terms, _): terms.flatMap { aliases($0.expression) }
        case .tuplesIn(let lhs, _): lhs.flatMap(aliases)
        case .any(let conditions): conditions.flatMap(aliases)
        case .never: []
        }
    }

    /// Joins in order, their `ON` conditions' values appended to `binds` (they precede `WHERE`).
    static func joins(_ joins: [PlannedJoin], _ binds: inout [MySQLValue]) -> String {
        joins.map { join in
            (join.required ? " JOIN " : " LEFT JOIN ") + "\(quote(join.table)) AS \(quote(join.alias)) ON "
                // Mapping joins and joined embeds are to-one joins from the resource's own table.
                + (join.on.map { "\(quote(join.alias)).\(quote($0.remote)) = `t`.\(quote($0.local))" }
                    + join.conditions.map { condition($0, &binds) }).joined(separator: " AND ")
        }.joined()
    }

    static func renderSingle(_ plan: ReadPlan, aliased: Bool = false) -> SQLQuery {
        var binds: [MySQLValue] = []
        var sql = "SELECT "
        sql += plan.columns.enumerated().map { aliased ? "\(expression($0.element)) AS `c\($0.offset)`" : expression($0.element) }.joined(separator: ", ")
        sql += " FROM \(quote(plan.table)) AS `t`" + joins(plan.joins, &binds)
        if !plan.conditions.isEmpty {
            sql += " WHERE " + plan.conditions.map { condition($0, &binds) }.joined(separator: " AND ")
        }
        if !plan.order.isEmpty {
            sql += " ORDER BY " + plan.order.map { "\(expression($0.expression)) \($0.descending ? "DESC" : "ASC")" }.joined(separator: ", ")
        }
        if let limit = plan.limit {
            sql += " LIMIT ?"
            binds.append(.int(Int64(limit)))
        }
        return SQLQuery(text: sql, binds: binds)
    }

    static func column(_ ref: ColumnRef) -> String { quote(ref.alias) + "." + quote(ref.column) }

    static func expression(_ expression: ColumnExpression) -> String {
        switch expression {
        case .column(let ref): column(ref)
        case .utc(let ref, let zone): "CONVERT_TZ(\(column(ref)), \(column(zone)), '+00:00')"
        }
    }

    static func placeholders(_ count: Int) -> String {
        guard count > 0 else { return "" }
        var text = "?"
        text.reserveCapacity(3 * count)
        for _ in 1..<count { text += ", ?" }
        return text
    }

    static func condition(_ condition: Condition, _ binds: inout [MySQLValue]) -> String {
        switch condition {
        case .compare(let lhs, let op, let value):
            binds.append(value)
            return "\(expression(lhs)) \(op.rawValue) ?"
        case .inList(let lhs, let values, let negated):
            if values.isEmpty { return negated ? "1 = 1" : "1 = 0" }
            binds.append(contentsOf: values)
            return "\(expression(lhs)) \(negated ? "NOT IN" : "IN") (\(placeholders(values.count)))"
        case .isNull(let lhs, let isNull):
            return "\(expression(lhs)) IS \(isNull ? "" : "NOT ")NULL"
        case .prefix(let lhs, let text):
            var escaped = ""
            for ch in text {
                if ch == "\\" || ch == "%" || ch == "_" { escaped.append("\\") }
                escaped.append(ch)
            }
            binds.append(.string(escaped + "%"))
            return "\(expression(lhs)) LIKE ?"
        case .tuplesIn(let lhs, let tuples):
            if tuples.isEmpty { return "1 = 0" }
            if lhs.count == 1 {
                binds.append(contentsOf: tuples.map { $0[0] })
                return "\(expression(lhs[0])) IN (\(placeholders(tuples.count)))"
            }
            for tuple in tuples { binds.append(contentsOf: tuple) }
            let one = "(" + placeholders(lhs.count) + ")"
            return "(\(lhs.map(expression).joined(separator: ", "))) IN (\(Array(repeating: one, count: tuples.count).joined(separator: ", ")))"
        case .after(let terms, let values):
            return after(terms, values, &binds)
        case .any(let conditions):
            if conditions.isEmpty { return "1 = 0" }
            return "(" + conditions.map { Self.condition($0, &binds) }.joined(separator: " OR ") + ")"
        case .never:
            return "1 = 0"
        }
    }

    /// `a > ? OR (a = ? AND b > ?)`, led by `a >= ?` so the range optimiser can seek on `a`.
    static func after(_ terms: [OrderTerm], _ values: [MySQLValue], _ binds: inout [MySQLValue]) -> String {
        guard let first = terms.first, values.count == terms.count else { return "1 = 0" }
        let lead = "\(expression(first.expression)) \(first.descending ? "<=" : ">=") ?"
        binds.append(values[0])
        var alternatives: [String] = []
        for i in 0..<terms.count {
            var parts: [String] = []
            for j in 0..<i {
                parts.append("\(expression(terms[j].expression)) = ?")
                binds.append(values[j])
            }
            parts.append("\(expression(terms[i].expression)) \(terms[i].descending ? "<" : ">") ?")
            binds.append(values[i])
            alternatives.append(parts.count == 1 ? parts[0] : "(" + parts.joined(separator: " AND ") + ")")
        }
        return "(\(lead) AND (\(alternatives.joined(separator: " OR "))))"
    }
}

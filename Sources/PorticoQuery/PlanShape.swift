import PorticoValues

/// Rendered statement text by plan shape. Rendering is a large share of a point read's CPU; the
/// text of two plans that differ only in their values is the same, so it is
/// rendered once. The shape is everything but the values: tables, joins, columns, conditions and
/// how many values each holds, order, whether there is a limit.
///
/// Up to 4,096 shapes or 8 MiB of text (a 60-tenant page is about 20 KB). Keys keep no values:
/// they are stored with every value NULL (``ReadPlan/withoutValues``).
let sqlTexts = BoundedCache<PlanShape, RenderedShape>(capacity: 4096, maxCost: 8 << 20, cost: { $0.text.utf8.count })

/// A shape's statement text, and how many values its plans bind (so collecting them never
/// regrows the array: a 60-account read binds over a hundred).
struct RenderedShape: Sendable {
    let text: String
    let bindCount: Int
}

/// A plan compared and hashed by its shape only.
struct PlanShape: Hashable, Sendable {
    let plan: ReadPlan

    init(_ plan: ReadPlan) { self.plan = plan }

    static func == (lhs: PlanShape, rhs: PlanShape) -> Bool {
        let a = lhs.plan
        let b = rhs.plan
        return a.table == b.table && a.columns == b.columns && (a.limit == nil) == (b.limit == nil)
            && a.tenantCondition == b.tenantCondition && a.order == b.order && a.keyColumns == b.keyColumns
            && Self.sameShapes(a.conditions, b.conditions)
            && Self.sameShapes(a.joins, b.joins)
    }

    /// Element by element, by index: `zip` would copy each plan part (and retain its fields) to compare it.
    static func sameShapes<Part: ShapeComparable>(_ a: [Part], _ b: [Part]) -> Bool {
        guard a.count == b.count else { return false }
        for index in a.indices where !a[index].sameShape(as: b[index]) { return false }
        return true
    }

    /// A cheap hash: the table, the column and join counts and each condition's kind and size;
    /// equality settles the rest.
    func hash(into hasher: inout Hasher) {
        hasher.combine(plan.table)
        hasher.combine(plan.columns.count)
        hasher.combine(plan.joins.count)
        hasher.combine(plan.limit == nil)
        hasher.combine(plan.tenantCondition)
        for condition in plan.conditions { condition.hashShape(into: &hasher) }
    }
}

/// A plan part whose rendered text depends only on its shape.
protocol ShapeComparable {
    func sameShape(as other: Self) -> Bool
}

extension PlannedJoin: ShapeComparable {
    func sameShape(as other: PlannedJoin) -> Bool {
        alias == other.alias && table == other.table && on == other.on && required == other.required && embedded == other.embedded
            && PlanShape.sameShapes(conditions, other.conditions)
    }
}

extension Condition: ShapeComparable {
    /// Same text when rendered: same kind, columns, operators and number of values.
    func sameShape(as other: Condition) -> Bool {
        switch (self, other) {
        case let (.compare(a, x, _), .compare(b, y, _)): a == b && x == y
        case let (.inList(a, u, m), .inList(b, v, n)): a == b && u.count == v.count && m == n
        case let (.isNull(a, x), .isNull(b, y)): a == b && x == y
        case let (.prefix(a, _), .prefix(b, _)): a == b
        case let (.after(s, u), .after(t, v)): s == t && u.count == v.count
        case let (.tuplesIn(a, u), .tuplesIn(b, v)): a == b && u.count == v.count
        case let (.integerSet(a, _), .integerSet(b, _)): a == b
        case let (.any(a), .any(b)): PlanShape.sameShapes(a, b)
        case (.never, .never): true
        default: false
        }
    }

    func hashShape(into hasher: inout Hasher) {
        switch self {
        case .compare: hasher.combine(0)
        case .inList(_, let values, _):
            hasher.combine(1)
            hasher.combine(values.count)
        case .isNull(_, let isNull): hasher.combine(isNull ? 2 : 3)
        case .prefix: hasher.combine(4)
        case .after(let terms, _):
            hasher.combine(5)
            hasher.combine(terms.count)
        case .tuplesIn(_, let tuples):
            hasher.combine(6)
            hasher.combine(tuples.count)
        case .any(let conditions):
            hasher.combine(7)
            for condition in conditions { condition.hashShape(into: &hasher) }
        case .never: hasher.combine(8)
        case .integerSet: hasher.combine(9)
        case .exactly(_, let values):
            hasher.combine(10)
            hasher.combine(values.count)
        case .inSubquery(_, let subquery):
            hasher.combine(11)
            for condition in subquery.conditions { condition.hashShape(into: &hasher) }
        }
    }

    /// The same condition with every value NULL: what a cache key may keep.
    var withoutValues: Condition {
        switch self {
        case .compare(let lhs, let op, _): .compare(lhs, op, .null)
        case .inList(let lhs, let values, let negated): .inList(lhs, Array(repeating: .null, count: values.count), negated: negated)
        case .isNull: self
        case .prefix(let lhs, _): .prefix(lhs, "")
        case .after(let terms, let values): .after(terms, Array(repeating: .null, count: values.count))
        case .tuplesIn(let lhs, let tuples): .tuplesIn(lhs, tuples.map { Array(repeating: .null, count: $0.count) })
        case .integerSet(let lhs, _): .integerSet(lhs, .empty)
        case .exactly(let lhs, let values): .exactly(lhs, Array(repeating: .null, count: values.count))
        case .any(let conditions): .any(conditions.map(\.withoutValues))
        case .inSubquery(let lhs, let subquery):
            .inSubquery(
                lhs,
                Subquery(
                    table: subquery.table, alias: subquery.alias, columns: subquery.columns, conditions: subquery.conditions.map(\.withoutValues)))
        case .never: self
        }
    }
}

extension ReadPlan {
    var withoutValues: ReadPlan {
        var plan = self
        plan.conditions = conditions.map(\.withoutValues)
        plan.joins = joins.map { join in
            var join = join
            join.conditions = join.conditions.map(\.withoutValues)
            return join
        }
        plan.limit = limit.map { _ in 0 }
        return plan
    }
}

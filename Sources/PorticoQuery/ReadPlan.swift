public import PorticoCatalog
public import PorticoValues

/// What to read, as plain data: select list, joins, conditions, order and limit. Compared in
/// tests as values; rendered to SQL by ``SQLRenderer``.
public struct ReadPlan: Sendable, Equatable {
    /// The resource's table, aliased `t`.
    public var table: String
    public var joins: [PlannedJoin]
    /// The selected columns; rows come back in this order and the shaper reads them by index.
    public var columns: [ColumnExpression]
    public var conditions: [Condition]
    public var order: [OrderTerm]
    /// Rows to fetch (a page plus one, to know whether another follows); nil to stream them all.
    public var limit: Int?
    /// The index in ``conditions`` of the tenant condition (`tenant IN (…)`), when there are
    /// several tenants: a page is then read as one ordered, limited query per tenant, merged
    /// (see ``SQLRenderer``), so no tenant's rows are all sorted to find the first few.
    public var tenantCondition: Int?
    /// The resource table's key columns (on `t`): how a row found by its order values is fetched again.
    public var keyColumns: [String] = []

    public init(
        table: String, joins: [PlannedJoin] = [], columns: [ColumnExpression] = [], conditions: [Condition] = [],
        order: [OrderTerm] = [], limit: Int? = nil
    ) {
        self.table = table
        self.joins = joins
        self.columns = columns
        self.conditions = conditions
        self.order = order
        self.limit = limit
    }

    /// The index of a column in the select list, adding it if absent.
    public mutating func select(_ column: ColumnExpression) -> Int {
        if let index = columns.firstIndex(of: column) { return index }
        columns.append(column)
        return columns.count - 1
    }
}

/// A column of the base table (`t`) or of a join (aliased by the join's name).
public struct ColumnRef: Sendable, Hashable {
    /// `t` for the resource's table, else the join's name.
    public let alias: String
    public let column: String

    public init(_ alias: String, _ column: String) {
        self.alias = alias
        self.column = column
    }

    /// The same column read through another alias (`t` → an embed's join).
    func realiased(_ from: String, _ to: String) -> ColumnRef { alias == from ? ColumnRef(to, column) : self }
}

public enum ColumnExpression: Sendable, Hashable {
    case column(ColumnRef)
    /// A local DATETIME converted to UTC in SQL with the zone named in another column
    /// (`CONVERT_TZ`), for comparisons with UTC bounds.
    case utc(ColumnRef, zone: ColumnRef)
    /// Text as a field's transforms render it (`LOWER(TRIM(col))`), for filters to compare
    /// with rendered values; `blank_to_null` has no SQL (a blank never equals a filter value).
    case transformed(ColumnRef, [TextTransform])
    /// `(a + b)` or `(a - b)`: a derived value's two columns.
    case derived(ColumnRef, Derived.Operation, ColumnRef)

    func realiased(_ from: String, _ to: String) -> ColumnExpression {
        switch self {
        case .column(let ref): .column(ref.realiased(from, to))
        case .utc(let ref, let zone): .utc(ref.realiased(from, to), zone: zone.realiased(from, to))
        case .transformed(let ref, let transforms): .transformed(ref.realiased(from, to), transforms)
        case .derived(let a, let operation, let b): .derived(a.realiased(from, to), operation, b.realiased(from, to))
        }
    }
}

public struct PlannedJoin: Sendable, Equatable {
    public let alias: String
    public let table: String
    public let on: [ColumnPair]
    /// INNER for the tenant's join (a row without an owner is nobody's), LEFT otherwise.
    public let required: Bool
    /// More conditions on the joined row, in the `ON` clause: a to-one embed's tenant rule and
    /// static predicates (see ``ProjectedField/joined(name:present:fields:)``).
    public var conditions: [Condition] = []
    /// A joined to-one embed: only output reads it, so a merged page joins it last.
    public var embedded = false
}

/// The inner query of ``Condition/inSubquery(_:_:)``.
public struct Subquery: Sendable, Equatable {
    public let table: String
    public let alias: String
    /// The columns matched against the outer ones, in order.
    public let columns: [ColumnExpression]
    public let conditions: [Condition]
}

public indirect enum Condition: Sendable, Equatable {
    public enum Comparison: String, Sendable { case eq = "=", ne = "<>", lt = "<", lte = "<=", gt = ">", gte = ">=" }

    case compare(ColumnExpression, Comparison, MySQLValue)
    case inList(ColumnExpression, [MySQLValue], negated: Bool)
    case isNull(ColumnExpression, Bool)
    /// `LIKE 'value%'` with the value's own `%`, `_` and `\` escaped.
    case prefix(ColumnExpression, String)
    /// Rows after a position in the order: `(a, b) > (?, ?)` written so an index can seek.
    case after([OrderTerm], [MySQLValue])
    /// Tuples of columns in a list of tuples (batched embeds with composite keys).
    case tuplesIn([ColumnExpression], [[MySQLValue]])
    /// The column's numeric value is one of a set of integers, bound as one value: the set's
    /// decimal digits joined by commas (``IntegerSet``), rendered `FIND_IN_SET(column + 0, ?)`.
    ///
    /// For the tenant predicate of a statement whose rows are already found by key (a point
    /// read, embeds by their parents' keys, a join on the target's key): there it is only a
    /// filter, and MariaDB spent much of a many-account point read fixing and sorting the `IN`
    /// list's values, and the driver bound each of them. Not for pages, where the tenant
    /// column leads the index (`IN`, or one subquery per tenant). `+ 0` makes the test numeric
    /// whatever the column's type, as `IN` with integers is: a text `'01'` or `' 1'` is 1, and a
    /// value never matches by collation.
    case integerSet(ColumnExpression, IntegerSet)
    /// Byte for byte one of the values (`BINARY col IN (…)`), whatever the column's collation:
    /// a case-sensitive filter, ANDed beside the collation's own comparison, which an index serves.
    case exactly(ColumnExpression, [MySQLValue])
    /// True when any of the conditions is.
    case any([Condition])
    /// The row's columns are those of some row of another table meeting the conditions, read
    /// under its own alias: `(t.a) IN (SELECT s.b FROM other AS s WHERE …)`. A filter on a
    /// to-one embed's field, with the target's tenant rule among the conditions.
    case inSubquery([ColumnExpression], Subquery)
    /// Matches nothing: a partner without tenants.
    case never

    /// The same condition on columns read through another alias.
    func realiased(_ from: String, _ to: String) -> Condition {
        switch self {
        case .compare(let lhs, let op, let value): .compare(lhs.realiased(from, to), op, value)
        case .inList(let lhs, let values, let negated): .inList(lhs.realiased(from, to), values, negated: negated)
        case .isNull(let lhs, let isNull): .isNull(lhs.realiased(from, to), isNull)
        case .prefix(let lhs, let text): .prefix(lhs.realiased(from, to), text)
        case .after(let terms, let values):
            .after(terms.map { OrderTerm($0.expression.realiased(from, to), descending: $0.descending) }, values)
        case .tuplesIn(let lhs, let tuples): .tuplesIn(lhs.map { $0.realiased(from, to) }, tuples)
        case .integerSet(let lhs, let set): .integerSet(lhs.realiased(from, to), set)
        case .exactly(let lhs, let values): .exactly(lhs.realiased(from, to), values)
        case .any(let conditions): .any(conditions.map { $0.realiased(from, to) })
        // The inner conditions are on the subquery's own alias.
        case .inSubquery(let lhs, let subquery): .inSubquery(lhs.map { $0.realiased(from, to) }, subquery)
        case .never: .never
        }
    }
}

public struct OrderTerm: Sendable, Hashable {
    public let expression: ColumnExpression
    public let descending: Bool

    public init(_ expression: ColumnExpression, descending: Bool = false) {
        self.expression = expression
        self.descending = descending
    }
}

/// A statement and its bound values. Every value is a bind; the text holds only identifiers
/// from the catalog, quoted in one place (``SQLRenderer/quote(_:)``).
public struct SQLQuery: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let binds: [MySQLValue]

    public init(text: String, binds: [MySQLValue]) {
        self.text = text
        self.binds = binds
    }

    public var description: String { text }
}

/// A set of integers as `FIND_IN_SET` reads it: decimal digits joined by commas, no blanks.
public struct IntegerSet: Sendable, Hashable {
    public let text: String

    /// No values: what a cache key keeps in place of a plan's set.
    public static let empty = IntegerSet(text: "")

    private init(text: String) { self.text = text }

    /// Nil unless every value is an integer. Written as bytes: a page plans its embeds afresh,
    /// and `String(n)` plus an append per account is dear at hundreds of accounts.
    public init?(_ values: [MySQLValue]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 6)
        for value in values {
            if !bytes.isEmpty { bytes.append(UInt8(ascii: ",")) }
            switch value {
            case .int(let n):
                DecimalDigits.append(n, to: &bytes)
            case .uint(let n):
                DecimalDigits.append(n, to: &bytes)
            default:
                return nil
            }
        }
        text = String(decoding: bytes, as: UTF8.self)
    }
}

public import PorticoValues

/// A list or item request, parsed and checked against the resource's mapping: every value is
/// typed, every name is one the mapping declares.
public struct ApiRequest: Sendable, Equatable {
    public struct FilterTerm: Sendable, Equatable {
        /// The field's dotted path.
        public let field: String
        public let op: FilterOperator
        /// The partner's values, as given (typed when the plan binds them).
        public let values: [String]
        /// The query parameter it came from, as the partner wrote it (for errors).
        public let parameter: String
        /// Byte-for-byte equality, whatever the column's collation (a filter's `case_sensitive`).
        public let exact: Bool

        public init(field: String, op: FilterOperator, values: [String], parameter: String? = nil, exact: Bool = false) {
            self.field = field
            self.op = op
            self.values = values
            self.parameter = parameter ?? field
            self.exact = exact
        }
    }

    public enum FilterOperator: String, Sendable, CaseIterable {
        case eq, `in`, gt, gte, lt, lte, prefix
    }

    public enum Format: String, Sendable {
        case json, csv, ndjson
    }

    public var filters: [FilterTerm] = []
    /// A sort field and direction; nil orders by the keyset.
    public var sort: (field: String, descending: Bool)?
    /// Sparse field set (dotted paths); nil for every field. `id` is always included.
    public var fields: Set<String>?
    /// Optional embeds asked for.
    public var include: Set<String> = []
    public var limit: Int
    /// The position after which the page starts, from a verified cursor or a `starting_after` object.
    public var after: [MySQLValue]?
    /// `ending_before`: the page is the rows just before this position (read backwards, served in order).
    public var before: [MySQLValue]?
    /// An object-id cursor as given: `starting_after` (false) or `ending_before` (true), and the public id.
    public var objectCursor: (endingBefore: Bool, id: String)?
    /// A sub-collection's parent, already found within the partner's tenants: its rows are the
    /// ones whose `column` holds `key`.
    public var parent: (column: String, key: UInt64)?
    /// `updated_since`: rows whose sync column is at or after this UTC instant.
    public var updatedSince: MySQLDateTime?
    public var format: Format = .json
    /// The CSV profile asked for (`profile=`, or `profile` in `Accept: text/csv`); nil for Portico's own.
    public var csvProfile: String?
    /// True for `Accept: application/x-ndjson` or `format=ndjson`, and CSV without `limit`:
    /// every matching row, streamed in keyset order.
    public var isExport = false

    public init(limit: Int) { self.limit = limit }

    /// The one rule for exports: NDJSON always, CSV when no `limit` was asked for.
    public static func isExport(format: Format, limitGiven: Bool) -> Bool {
        format == .ndjson || (format == .csv && !limitGiven)
    }

    public static func == (a: ApiRequest, b: ApiRequest) -> Bool {
        a.parent?.column == b.parent?.column && a.parent?.key == b.parent?.key && a.filters == b.filters && a.sort?.field == b.sort?.field
            && a.sort?.descending == b.sort?.descending
            && a.fields == b.fields && a.include == b.include && a.limit == b.limit && a.after == b.after && a.before == b.before
            && a.updatedSince == b.updatedSince && a.format == b.format && a.isExport == b.isExport && a.csvProfile == b.csvProfile
    }
}

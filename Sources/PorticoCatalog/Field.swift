/// One field of a resource's document.
public struct Field: Sendable {
    public enum Kind: Sendable {
        /// A value read from a column and converted.
        case value(ValueField)
        /// A nested object built from other fields of the same row.
        case object([Field])
        /// Another resource's rows: to-one or to-many, loaded in batches.
        case embed(Embed)
        /// The same value in every document (`"object": "customer"`, `"livemode": false`).
        case constant(JSONConstant)
    }

    public let name: String
    public let description: String?
    public let example: String?
    public let deprecation: Deprecation?
    public let kind: Kind
    public let location: Location
    /// For a nested object: when it renders as `null` instead (nil: never).
    public let nullWhen: ObjectNull?
    /// Shown only in single reads or only in lists (nil: both).
    public let only: Reading?

    /// Which documents a field is shown in (`only: item`).
    public enum Reading: String, Sendable, Hashable, CaseIterable {
        /// The single read (`GET …/{id}`), and rows embedded in other documents.
        case item
        /// Pages and exports.
        case list
    }

    public init(
        name: String, description: String?, example: String?, deprecation: Deprecation?, kind: Kind, location: Location,
        nullWhen: ObjectNull? = nil, only: Reading? = nil
    ) {
        self.nullWhen = nullWhen
        self.only = only
        self.name = name
        self.description = description
        self.example = example
        self.deprecation = deprecation
        self.kind = kind
        self.location = location
    }
}

/// When a nested object is `null` rather than an object of nulls (`"geo": null`).
public enum ObjectNull: Sendable, Hashable {
    /// Every member reads NULL.
    case allNull
    /// Some member reads NULL.
    case anyNull
    /// This column (of the row, or of a join) is NULL.
    case column(join: String?, column: String)
}

/// The partner-facing type of a field.
public enum FieldType: String, Sendable, CaseIterable {
    case string, integer, decimal, number, boolean, date, datetime, `enum`, object, array
}

/// A field read from one column, with the conversion that hides the product's storage.
public struct ValueField: Sendable {
    /// The column's table: `nil` for the resource's own table, else a join name.
    public let join: String?
    public let column: String
    public let type: FieldType
    public let nullable: Bool
    public let conversion: Conversion
    /// How a datetime is written (and filtered); ``TimeFormat/standard`` for other types.
    public let time: TimeFormat
    /// A value computed from `column` and a second column of the same row (`difference: [due, paid]`).
    public let derived: Derived?

    public init(
        join: String?, column: String, type: FieldType, nullable: Bool, conversion: Conversion, time: TimeFormat = .standard,
        derived: Derived? = nil
    ) {
        self.join = join
        self.column = column
        self.type = type
        self.nullable = nullable
        self.conversion = conversion
        self.time = time
        self.derived = derived
    }
}

/// The sum or difference of two numeric columns of one row, computed by the database (so
/// DECIMALs stay exact, and a NULL in either makes it NULL). Nothing more general.
public struct Derived: Sendable, Hashable {
    public enum Operation: String, Sendable, Hashable, CaseIterable {
        case sum, difference
    }

    public let operation: Operation
    /// The second column: `column` + or − this one.
    public let other: String

    public init(_ operation: Operation, _ other: String) {
        self.operation = operation
        self.other = other
    }
}

/// How a stored value becomes the partner's value.
public enum Conversion: Sendable, Hashable {
    /// As stored (integers, strings, decimals as text, TIMESTAMPs already in UTC).
    case none
    /// Integer minor units to a decimal string: `1234` with scale 2 → `"12.34"`.
    case cents(scale: Int)
    /// To a boolean: integers and bits are true when non-zero; text is true when in `trueValues`.
    case boolean(trueValues: [String])
    /// A code table: stored code → public name; unknown codes become `unknown` (nil: null).
    case codes([String: String], unknown: String?)
    /// A local DATETIME (or a DATE, as its local midnight) to UTC: the zone is fixed or read from a column.
    case zone(ZoneSource)
    /// Small changes to stored text, in the order declared (`transform: [trim, lower]`;
    /// `trim: true` is `[trim]`).
    case text([TextTransform])
    /// `k=v;k=v` text to a JSON object of strings; malformed pairs are skipped (and logged).
    case pairs(separator: String, assign: String)
    /// A DECIMAL's digits: exactly `fraction` of them (rounded half away from zero, or padded),
    /// and without trailing zeros (nor a bare `.`) when `trailingZeros` is false.
    case decimalForm(fraction: Int?, trailingZeros: Bool)
    /// JSON kept in text: parsed; invalid JSON becomes null (and is logged).
    case json
    /// Another resource's public id, formatted from this column (`customer_id` → `CUS-00000042`).
    case publicID(of: String)
}

/// One small change to stored text.
public enum TextTransform: String, Sendable, Hashable, CaseIterable {
    /// Leading and trailing spaces, tabs and line breaks removed (CHAR padding, legacy rows).
    case trim
    /// Empty text, or only blanks, becomes null.
    case blankToNull = "blank_to_null"
    /// Unicode lower case (`EUR` → `eur`).
    case lower
    /// Unicode upper case.
    case upper
}

/// Where a local DATETIME's time zone comes from.
public enum ZoneSource: Sendable, Hashable {
    /// An IANA zone fixed for the whole column (`Europe/Berlin`).
    case fixed(String)
    /// A column holding the zone name, on this table (`join == nil`) or a joined one.
    case column(join: String?, column: String)
}

/// Another resource's rows, embedded in this one.
public struct Embed: Sendable {
    public let target: String
    /// This table's column → the target table's column.
    public let on: [ColumnPair]
    public let many: Bool
    /// For to-many: the target's columns the list is ordered by (`-` prefix: descending).
    public let order: [String]
    /// The target's fields to include (nil: all).
    public let fields: [String]?
    /// True when the partner must ask for it with `include=`.
    public let optional: Bool
    /// For to-many: the list's envelope (`{"object": "list", "data": [...], "has_more": false}`), or nil for a bare array.
    public let envelope: ListEnvelope?
    /// An expandable reference: the target's public id unless the partner asks for the object
    /// (`expand[]=customer`). Always optional, to-one, on the target's id column.
    public let expandable: Bool

    public init(
        target: String, on: [ColumnPair], many: Bool, order: [String], fields: [String]?, optional: Bool, envelope: ListEnvelope? = nil,
        expandable: Bool = false
    ) {
        self.expandable = expandable
        self.envelope = envelope
        self.target = target
        self.on = on
        self.many = many
        self.order = order
        self.fields = fields
        self.optional = optional
    }
}

/// A filter a partner may use, and with which operators.
public struct Filter: Sendable, Hashable {
    public enum Operator: String, Sendable, CaseIterable, Comparable {
        case eq, `in`, gt, gte, lt, lte, prefix

        public static func < (a: Operator, b: Operator) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// The names Portico's own query parameters use, which no filter may take.
    public static let reservedParameters: Set<String> = [
        "fields", "include", "sort", "limit", "cursor", "updated_since", "format", "starting_after", "ending_before",
    ]

    /// How the parameter carries the operator.
    public enum Syntax: Sendable, Hashable {
        /// `name=value` (eq) or `name=op:value`: Portico's own.
        case portico
        /// `name=value` with one operator fixed by the name (`placed_after` → `placed_at gt`).
        case fixed(Operator)
        /// `name[op]=value` for each operator (`created[gte]=…`).
        case bracket
    }

    /// The field's dotted path.
    public let field: String
    public let operators: [Operator]
    /// The parameter's name as the contract writes it (the key under `filters:`).
    public let parameter: String
    public let syntax: Syntax
    /// Equality byte for byte, whatever the column's collation.
    public let caseSensitive: Bool
    /// The longest value accepted, in characters (nil: the server's limit, 256 by default).
    public let maxLength: Int?
    /// An `in` filter given once per value (`status=a&status=b`, `status[]=a&status[]=b`)
    /// rather than comma-separated once.
    public let repeats: Bool

    public init(
        field: String, operators: [Operator], parameter: String? = nil, syntax: Syntax = .portico, caseSensitive: Bool = false,
        maxLength: Int? = nil, repeats: Bool = false
    ) {
        self.repeats = repeats
        self.field = field
        self.operators = operators
        self.parameter = parameter ?? field
        self.syntax = syntax
        self.caseSensitive = caseSensitive
        self.maxLength = maxLength
    }

    /// The query parameter names the filter answers to, each with the operator it fixes (nil:
    /// the value says, as `op:value`).
    public var parameterNames: [(name: String, op: Operator?)] {
        switch syntax {
        case .portico: [(parameter, nil)]
        case .fixed(let op): [(parameter, op)]
        case .bracket: operators.map { ("\(parameter)[\($0.rawValue)]", $0) }
        }
    }
}

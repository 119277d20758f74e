public import PorticoCatalog
public import PorticoValues

/// Which selected column each field of the document reads: the planner decides it, the shaper
/// follows it.
public indirect enum ProjectedField: Sendable {
    /// The public id, formatted from the key columns (one unless the key is composite).
    case id(PublicID, columns: [Int])
    /// A value field; `zoneColumn` holds the row's zone name for zones read from a column.
    case value(name: String, field: ValueField, column: Int, zoneColumn: Int?)
    /// Another resource's public id, formatted from this column (`id_of`).
    case reference(name: String, id: PublicID, column: Int)
    /// A nested object; `null` instead when `nullWhen` says.
    case object(name: String, fields: [ProjectedField], nullWhen: ProjectedNull = .never)
    /// The rows of ``PlannedRead/embeds``[`index`] matched to this row.
    case embed(name: String, index: Int)
    /// A to-one embed read in the row itself, through a `LEFT JOIN` (see
    /// ``PlanBuilder/joinedEmbed``): null when `present`, the joined row's match column, is.
    case joined(name: String, present: Int, fields: [ProjectedField])
    /// A declared constant: no column.
    case constant(name: String, JSONConstant)

    public var name: String {
        switch self {
        case .id(let id, _): id.member
        case .value(let name, _, _, _), .reference(let name, _, _), .object(let name, _, _), .embed(let name, _), .joined(let name, _, _),
            .constant(let name, _):
            name
        }
    }

    /// The same field reading its columns at new select-list positions.
    func renumbered(_ position: [Int]) -> ProjectedField {
        switch self {
        case .id(let id, let columns): .id(id, columns: columns.map { position[$0] })
        case .value(let name, let field, let column, let zone):
            .value(name: name, field: field, column: position[column], zoneColumn: zone.map { position[$0] })
        case .reference(let name, let id, let column): .reference(name: name, id: id, column: position[column])
        case .object(let name, let fields, let nullWhen):
            .object(name: name, fields: fields.map { $0.renumbered(position) }, nullWhen: nullWhen.renumbered(position))
        case .embed, .constant: self
        case .joined(let name, let present, let fields):
            .joined(name: name, present: position[present], fields: fields.map { $0.renumbered(position) })
        }
    }
}

/// When a projected object is null: the select-list columns to look at.
public enum ProjectedNull: Sendable {
    case never
    case allNull([Int])
    case anyNull([Int])

    /// Whether the object is null in `row`.
    public func holds(_ row: MySQLRow) -> Bool {
        switch self {
        case .never: false
        case .allNull(let columns): columns.allSatisfy { Self.isNull(row[$0]) }
        case .anyNull(let columns): columns.contains { Self.isNull(row[$0]) }
        }
    }

    /// NULL, or the zero date (which renders as null too).
    static func isNull(_ value: MySQLValue) -> Bool {
        switch value {
        case .null, .zeroDate: true
        default: false
        }
    }

    func renumbered(_ position: [Int]) -> ProjectedNull {
        switch self {
        case .never: .never
        case .allNull(let columns): .allNull(columns.map { position[$0] })
        case .anyNull(let columns): .anyNull(columns.map { position[$0] })
        }
    }
}

/// A read, planned: the statement's plan, how to shape its rows, where the cursor comes from,
/// and the embeds to load for each page.
public struct PlannedRead: Sendable {
    public var plan: ReadPlan {
        didSet { rendered = nil }
    }
    public var projection: [ProjectedField]
    /// The select-list indices of the order terms: the next cursor is the last row's values here.
    public var cursorColumns: [Int]
    public var embeds: [PlannedEmbed]
    /// The resource's name, for error messages and logs.
    public let resource: String
    /// The value columns of the CSV profile asked for (``CSVProfile/valueFields``), read beside the document.
    public var csvValues: [ProjectedField] = []
    /// The plan's statement text, when the planner knows it: an item read's, rendered once per
    /// cached plan (``SQLRenderer/render(_:)-(PlannedRead)``); any change to the plan forgets it.
    var rendered: RenderedShape? = nil
}

/// A relation loaded in one query per page: the child plan plus a condition matching the
/// page's parent values.
public struct PlannedEmbed: Sendable {
    public let name: String
    public let many: Bool
    /// Where the parent row's join values are.
    public let parentColumns: [Int]
    /// The child's columns matched against them, in the child's select list.
    public let childMatchColumns: [Int]
    public let childMatch: [ColumnExpression]
    public let child: ReadPlan
    public let childProjection: [ProjectedField]
    /// A to-many embed's envelope, if it has one.
    public var envelope: ListEnvelope? = nil
    /// The parent resource's list path, for the envelope's `url`: `<path>/<parent id>/<embed name>`.
    public var urlPrefix: String? = nil

    /// The child plan for these parents (distinct join values of the page's rows).
    public func plan(forParents keys: [[MySQLValue]]) -> ReadPlan {
        var plan = child
        plan.conditions.append(.tuplesIn(childMatch, keys))
        return plan
    }
}

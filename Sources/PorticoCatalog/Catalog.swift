/// Every resource of one API version, compiled from `mappings/<version>/*.yaml` and validated.
///
/// A catalog that did not validate is never built: ``CatalogCompiler`` returns diagnostics
/// instead. Everything the planner and shaper need is here, so no request reads YAML.
public struct Catalog: Sendable {
    /// `v1`, `v2`, …
    public let version: String
    public let resources: [String: Resource]
    /// From `_version.yaml`: title, publication, deprecation.
    public let settings: VersionSettings

    /// Each served top-level resource's name by its path segment.
    public let resourcesBySegment: [String: String]
    /// Sub-collections: by parent resource, each child's name by its segment under `…/{id}/`.
    public let subResourcesBySegment: [String: [String: String]]

    /// Routes served by the legacy product through Portico, by file name.
    public let proxies: [String: ProxyRoute]
    /// Their names by first path segment.
    public let proxiesBySegment: [String: [String]]

    /// Whether resources live somewhere else than `/api/<version>` (its usage and contract stay
    /// there). Stored: request routing asks on every request.
    public let hasOwnBasePath: Bool

    public init(version: String, resources: [String: Resource], settings: VersionSettings = VersionSettings(), proxies: [String: ProxyRoute] = [:]) {
        self.version = version
        self.resources = resources
        self.settings = settings
        self.proxies = proxies
        proxiesBySegment = Dictionary(grouping: proxies.values.map { ($0.segment, $0.name) }, by: \.0).mapValues { $0.map(\.1).sorted() }
        hasOwnBasePath = settings.basePath.map { $0 != "/api/\(version)" } ?? false
        resourcesBySegment = Dictionary(
            resources.values.filter { $0.isEndpoint && $0.parent == nil }.map { ($0.path, $0.name) }, uniquingKeysWith: { a, b in min(a, b) })
        var children: [String: [String: String]] = [:]
        for resource in resources.values where resource.isEndpoint {
            if let parent = resource.parent { children[parent.resource, default: [:]][resource.path] = resource.name }
        }
        subResourcesBySegment = children
    }

    /// Where the version's resources are served: `base_path`, or `/api/<version>`.
    public var basePath: String { settings.basePath ?? "/api/\(version)" }

    /// A resource's list path, such as `/api/v1/orders` or `/v1/service-tickets`; a
    /// sub-collection's is under its parent's item, with `parentID` or the template's `{id}`.
    public func listPath(_ resource: Resource, parentID: String? = nil) -> String {
        guard let link = resource.parent, let parent = resources[link.resource] else { return "\(basePath)/\(resource.path)" }
        return "\(basePath)/\(parent.path)/\(parentID ?? "{id}")/\(resource.path)"
    }

    /// The envelope of a resource's pages: its own, else the version's, else ``ListEnvelope/standard``.
    public func envelope(_ resource: Resource) -> ListEnvelope { resource.envelope ?? settings.envelope ?? .standard }

    /// Resource names in a stable order (for routes and documents).
    public var resourceNames: [String] { resources.keys.sorted() }

    /// The resources partners can call directly (not the embedded-only ones).
    public var endpoints: [Resource] { resourceNames.compactMap { resources[$0] }.filter(\.isEndpoint) }
}

/// One partner-facing resource: where its rows come from, who may see which, and how they look.
public struct Resource: Sendable {
    public let name: String
    public let description: String?
    /// The scope a credential needs to read it, such as `orders:read`.
    public let scope: String
    public let table: String
    /// The primary key columns.
    public let key: [String]
    /// ANDed into every query (soft deletes, `active = 'Y'`).
    public let predicates: [StaticPredicate]
    public let tenant: TenantRule
    /// The public id; nil only for embedded-only resources (which have no path of their own).
    public let id: PublicID?
    /// To-one joins that fields, the tenant rule and time zones may read through.
    public let joins: [String: Join]
    /// The document's fields in order; `id` comes first.
    public let fields: [Field]
    /// By parameter name (the key under `filters:`).
    public let filters: [String: Filter]
    /// Every query parameter name a filter answers to: the filter's key, and the operator the name fixes.
    public let filterParameters: [String: (filter: String, op: Filter.Operator?)]
    /// Field names (dotted for nested) a partner may sort by.
    public let sortKeys: [String]
    public let page: PageSize
    /// The columns that order pages and cursors; the key columns end it, so it is unique.
    public let keyset: [String]
    /// The column `updated_since` compares with, if the resource supports incremental sync.
    public let syncColumn: String?
    /// False for resources that only appear embedded in others.
    public let isEndpoint: Bool
    public let deprecation: Deprecation?
    /// Its path segment under the version's base path (`path:`, by default its name).
    public let path: String
    /// Its own list envelope (`envelope:`), replacing the version's.
    public let envelope: ListEnvelope?
    /// For a sub-collection (`parent:`): the resource whose items it is listed under.
    public let parent: ParentLink?
    /// Where it was declared, for diagnostics.
    public let location: Location
    /// Where each top-level key (`table`, `keyset`, …) is, for diagnostics about it.
    public let keyLocations: [String: Location]
    /// Its CSV profiles and export file name (`csv:`), with the version's it does not redefine.
    public var csv = CSVSettings()

    public init(
        name: String, description: String?, scope: String, table: String, key: [String], predicates: [StaticPredicate],
        tenant: TenantRule, id: PublicID?, joins: [String: Join], fields: [Field], filters: [String: Filter], sortKeys: [String],
        page: PageSize, keyset: [String], syncColumn: String?, isEndpoint: Bool, deprecation: Deprecation?, location: Location,
        keyLocations: [String: Location] = [:], path: String? = nil, envelope: ListEnvelope? = nil, parent: ParentLink? = nil
    ) {
        self.parent = parent
        self.path = path ?? name
        self.envelope = envelope
        self.name = name
        self.description = description
        self.scope = scope
        self.table = table
        self.key = key
        self.predicates = predicates
        self.tenant = tenant
        self.id = id
        self.joins = joins
        self.fields = fields
        self.filters = filters
        var parameters: [String: (filter: String, op: Filter.Operator?)] = [:]
        for (key, filter) in filters {
            for (name, op) in filter.parameterNames { parameters[name] = (key, op) }
        }
        filterParameters = parameters
        self.sortKeys = sortKeys
        self.page = page
        self.keyset = keyset
        self.syncColumn = syncColumn
        self.isEndpoint = isEndpoint
        self.deprecation = deprecation
        self.location = location
        self.keyLocations = keyLocations
    }

    /// Where a top-level key was written, or the file's start.
    public func location(of key: String) -> Location { keyLocations[key] ?? location }

    /// The field at a dotted path (`total.amount`), looking inside objects.
    public func field(at path: String) -> Field? {
        var fields = self.fields
        var found: Field?
        for part in path.split(separator: ".") {
            guard let next = fields.first(where: { $0.name == part }) else { return nil }
            found = next
            if case .object(let children) = next.kind { fields = children } else { fields = [] }
        }
        return found
    }
}

/// A sub-collection's parent: `GET …/<parent>/{id}/<child>` lists the rows whose `column`
/// holds the parent's key, once the parent is known to be the partner's.
public struct ParentLink: Sendable, Hashable {
    /// The parent resource's name.
    public let resource: String
    /// This table's column that holds the parent's key.
    public let column: String
    /// The parent's column it holds: its key, the column of its public id.
    public let parentColumn: String

    public init(resource: String, column: String, parentColumn: String) {
        self.resource = resource
        self.column = column
        self.parentColumn = parentColumn
    }
}

/// A condition every row must meet, fixed by the integrator.
public struct StaticPredicate: Sendable, Hashable {
    public enum Operator: String, Sendable, CaseIterable { case eq, ne, `in`, not_in, is_null }

    public let column: String
    public let op: Operator
    /// Literal values, bound as parameters; for `is_null`, `["true"]` or `["false"]`.
    public let values: [String]

    public init(column: String, op: Operator, values: [String]) {
        self.column = column
        self.op = op
        self.values = values
    }
}

/// Which partner may see a row: the tenant (account) column, directly or through a join.
public enum TenantRule: Sendable, Hashable {
    /// Reference data every partner with the scope may read.
    case none
    /// `column` of the resource's table holds the tenant id.
    case column(String)
    /// `column` of the joined table holds it.
    case joined(join: String, column: String)
}

/// A to-one join: `table` matched on `on` (this table's column → the joined table's column).
public struct Join: Sendable, Hashable {
    public let table: String
    public let on: [ColumnPair]

    public init(table: String, on: [ColumnPair]) {
        self.table = table
        self.on = on
    }
}

public struct ColumnPair: Sendable, Hashable {
    public let local: String
    public let remote: String

    public init(local: String, remote: String) {
        self.local = local
        self.remote = remote
    }
}

/// How a resource pages: sizes, the default order on the keyset, and the cursor's form.
public struct PageSize: Sendable, Hashable {
    public enum CursorForm: String, Sendable, Hashable {
        /// Portico's signed opaque `cursor`.
        case opaque
        /// `starting_after=<public id>` and `ending_before=<public id>`, as Stripe pages.
        case objectID = "object_id"
    }

    public let defaultLimit: Int
    public let maxLimit: Int
    /// Newest first: the keyset descending when no `sort` is asked for.
    public let descending: Bool
    public let cursor: CursorForm

    public init(defaultLimit: Int, maxLimit: Int, descending: Bool = false, cursor: CursorForm = .opaque) {
        self.defaultLimit = defaultLimit
        self.maxLimit = maxLimit
        self.descending = descending
        self.cursor = cursor
    }
}

public struct Deprecation: Sendable, Hashable {
    /// `YYYY-MM-DD`, or nil when no end date is set yet.
    public let sunset: String?
    public let note: String?

    public init(sunset: String?, note: String?) {
        self.sunset = sunset
        self.note = note
    }
}

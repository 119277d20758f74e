import Foundation
public import PorticoCatalog
public import PorticoValues

/// Plans reads of one catalog version: ``ApiRequest`` + the partner's tenants → ``PlannedRead``.
///
/// The tenant condition comes only from `tenants` (the authenticated principal), never from the
/// request, and is added to the resource's query and to every embed's query.
public struct ReadPlanner: Sendable {
    public let catalog: Catalog
    /// Item plans without their key, by resource, field set, includes and tenants: planning an
    /// order with its embeds is a large share of a point read, and it is the same for every id a
    /// partner reads. Each is kept with its statement's text once keyed (the text depends on the
    /// plan's shape, not on the key's values). One per planner, so a reload starts afresh.
    let items = BoundedCache<ItemPlanKey, (PlannedRead, RenderedShape)>(capacity: 1024)

    public init(catalog: Catalog) { self.catalog = catalog }

    /// Pages across several tenants are read per tenant and merged, unless
    /// `PORTICO_TENANT_SPLIT=off` (kept only so the benchmark can measure both ways).
    static let splitsTenants = ProcessInfo.processInfo.environment["PORTICO_TENANT_SPLIT"] != "off"

    /// A page (or, for exports, every row) of a resource.
    ///
    /// - Parameters:
    ///   - resource: the resource read; only what it maps can be selected, filtered or sorted.
    ///   - request: the parsed request (filters, sort, fields, includes, limit, cursor position).
    ///   - tenants: the partner's accounts; the tenant predicate is always ANDed in (none: no rows).
    /// - Throws: ``QueryError`` when the request asks for something the mapping does not allow.
    public func planList(_ resource: Resource, _ request: ApiRequest, tenants: [MySQLValue]) throws(QueryError) -> PlannedRead {
        var builder = PlanBuilder(resource: resource, catalog: catalog, tenants: tenants)
        let projection = builder.project(resource.fields, fieldset: request.fields, include: request.include, withID: true)
        if let parent = request.parent {
            builder.plan.conditions.append(.compare(.column(ColumnRef("t", parent.column)), .eq, .uint(parent.key)))
        }
        for term in request.filters {
            try builder.addFilter(term)
        }
        if let since = request.updatedSince, let sync = resource.syncColumn {
            builder.plan.conditions.append(.compare(.column(ColumnRef("t", sync)), .gte, .datetime(since)))
        }
        var order = builder.order(request, resource)
        let cursorColumns = order.map { builder.plan.select($0.expression) }
        if let before = request.before {
            // The rows just before the position are the first ones in the reverse order; the
            // handler serves them reversed, so the page keeps the list's order.
            order = order.map { OrderTerm($0.expression, descending: !$0.descending) }
            builder.plan.conditions.append(.after(order, before))
        }
        builder.plan.order = order
        if let after = request.after {
            guard after.count == order.count else {
                throw QueryError(.invalidCursor, parameter: "cursor", detail: "The cursor does not belong to this request; start again without it.")
            }
            builder.plan.conditions.append(.after(order, after))
        }
        builder.plan.limit = request.isExport ? nil : request.limit + 1
        builder.plan.keyColumns = resource.key
        let csvValues = builder.projectCSVValues(request)
        return PlannedRead(
            plan: builder.plan, projection: projection, cursorColumns: cursorColumns, embeds: builder.embeds, resource: resource.name,
            csvValues: csvValues)
    }

    /// Where one row stands in a list's order (its sort and keyset values), if it is one of the
    /// partner's rows: what `starting_after` and `ending_before` page from.
    ///
    /// - Parameters:
    ///   - resource: the listed resource.
    ///   - key: the row's key values, from its public id (``PublicID/key(_:)``).
    ///   - request: the list request (its sort decides the order).
    ///   - tenants: the partner's accounts, ANDed in as for a page.
    public func planPosition(_ resource: Resource, key: [MySQLValue], _ request: ApiRequest, tenants: [MySQLValue]) -> PlannedRead? {
        guard let id = resource.id, key.count == id.columns.count else { return nil }
        var builder = PlanBuilder(resource: resource, catalog: catalog, tenants: tenants, keyed: true)
        let columns = builder.order(request, resource).map { builder.plan.select($0.expression) }
        builder.plan.conditions += Self.keyConditions(id, key)
        builder.plan.limit = 1
        builder.plan.keyColumns = resource.key
        return PlannedRead(plan: builder.plan, projection: [], cursorColumns: columns, embeds: [], resource: resource.name)
    }

    /// One row by its key, within the partner's tenants.
    ///
    /// - Parameters:
    ///   - key: the row's key values, parsed back from its public id (``PublicID/key(_:)``).
    ///   - request: the parsed item request (fields, includes, format).
    ///   - tenants: the partner's accounts, ANDed in as for a page.
    /// - Returns: nil when the resource has no public id (no item route).
    public func planItem(_ resource: Resource, key: [MySQLValue], _ request: ApiRequest, tenants: [MySQLValue]) -> PlannedRead? {
        guard let id = resource.id, key.count == id.columns.count else { return nil }
        let shape = ItemPlanKey(
            resource: resource.name, fields: request.fields, include: request.include, tenants: tenants, csvProfile: request.csvProfile)
        let keyConditions = Self.keyConditions(id, key)
        var (planned, text) =
            items[shape]
            ?? {
                var builder = PlanBuilder(resource: resource, catalog: catalog, tenants: tenants, keyed: true)
                builder.reading = .item
                let projection = builder.project(resource.fields, fieldset: request.fields, include: request.include, withID: true)
                let csvValues = builder.projectCSVValues(request)
                let planned = PlannedRead(
                    plan: builder.plan, projection: projection, cursorColumns: [], embeds: builder.embeds, resource: resource.name,
                    csvValues: csvValues)
                let query = SQLRenderer.renderUncached(Self.keyed(planned.plan, keyConditions))
                let entry = (planned, RenderedShape(text: query.text, bindCount: query.binds.count))
                items.store(entry, for: shape)
                return entry
            }()
        planned.plan = Self.keyed(planned.plan, keyConditions)
        planned.rendered = text
        return planned
    }

    /// An item plan narrowed to the one row its key names.
    static func keyed(_ plan: ReadPlan, _ keyConditions: [Condition]) -> ReadPlan {
        var keyed = plan
        keyed.conditions += keyConditions
        keyed.limit = 1
        return keyed
    }

    /// `key_column = ?` for each of the id's columns, each value bound.
    static func keyConditions(_ id: PublicID, _ key: [MySQLValue]) -> [Condition] {
        zip(id.columns, key).map { column, value in .compare(.column(ColumnRef("t", column)), .eq, value) }
    }
}

/// Builds one plan: joins as columns need them, the projection, conditions.
struct PlanBuilder {
    let resource: Resource
    let catalog: Catalog
    let tenants: [MySQLValue]
    /// Whether the statement finds its rows by key (one row by its id, embeds by their parents'
    /// keys), so the tenant predicate only filters them: then several integer tenants are
    /// bound as one set (``Condition/integerSet(_:_:)``) instead of an `IN` list.
    let keyed: Bool
    var plan: ReadPlan
    var embeds: [PlannedEmbed] = []
    /// Which documents are built: fields declared `only:` the other kind are left out.
    /// Embedded rows are always in their item form.
    var reading = Field.Reading.list

    init(resource: Resource, catalog: Catalog, tenants: [MySQLValue], keyed: Bool = false) {
        self.resource = resource
        self.catalog = catalog
        self.tenants = tenants
        self.keyed = keyed
        plan = ReadPlan(table: resource.table)
        addTenantCondition()
        for predicate in resource.predicates { plan.conditions.append(Self.condition(predicate)) }
    }

    static func joinAlias(_ name: String) -> String { "j_" + name }

    /// The alias for a join, adding the join to the plan the first time.
    mutating func alias(forJoin name: String, required: Bool = false) -> String {
        let alias = Self.joinAlias(name)
        if let index = plan.joins.firstIndex(where: { $0.alias == alias }) {
            if required, !plan.joins[index].required {
                let join = plan.joins[index]
                plan.joins[index] = PlannedJoin(alias: alias, table: join.table, on: join.on, required: true)
            }
            return alias
        }
        let join = resource.joins[name]!
        plan.joins.append(PlannedJoin(alias: alias, table: join.table, on: join.on, required: required))
        return alias
    }

    mutating func addTenantCondition() {
        let column: ColumnRef
        switch resource.tenant {
        case .none: return
        case .column(let name): column = ColumnRef("t", name)
        case .joined(let join, let name): column = ColumnRef(alias(forJoin: join, required: true), name)
        }
        if keyed, tenants.count > 1, let set = IntegerSet(tenants) {
            plan.conditions.append(.integerSet(.column(column), set))
            return
        }
        plan.conditions.append(tenants.isEmpty ? .never : .inList(.column(column), tenants, negated: false))
        if tenants.count > 1, ReadPlanner.splitsTenants { plan.tenantCondition = plan.conditions.count - 1 }
    }

    static func condition(_ predicate: StaticPredicate) -> Condition {
        let column = ColumnExpression.column(ColumnRef("t", predicate.column))
        let values = predicate.values.map(FilterBinder.codeValue)
        switch predicate.op {
        case .eq: return .compare(column, .eq, values[0])
        case .ne: return .compare(column, .ne, values[0])
        case .in: return .inList(column, values, negated: false)
        case .not_in: return .inList(column, values, negated: true)
        case .is_null: return .isNull(column, predicate.values[0] == "true")
        }
    }

    mutating func columnRef(_ field: ValueField) -> ColumnRef {
        ColumnRef(field.join.map { alias(forJoin: $0) } ?? "t", field.column)
    }

    /// The expression to compare and order a field by: UTC in SQL for zones read from a column.
    mutating func expression(_ field: ValueField) -> ColumnExpression {
        let ref = columnRef(field)
        if let derived = field.derived { return .derived(ref, derived.operation, ColumnRef(ref.alias, derived.other)) }
        if case .zone(.column(let join, let zoneColumn)) = field.conversion {
            return .utc(ref, zone: ColumnRef(join.map { alias(forJoin: $0) } ?? "t", zoneColumn))
        }
        return .column(ref)
    }

    /// A list's order: the sort asked for, then the keyset, in the sort's direction, else the
    /// resource's default (`page: {order: desc}` is newest first).
    mutating func order(_ request: ApiRequest, _ resource: Resource) -> [OrderTerm] {
        var order: [OrderTerm] = []
        if let sort = request.sort {
            order.append(OrderTerm(sortExpression(sort.field), descending: sort.descending))
        }
        for column in resource.keyset {
            let term = OrderTerm(.column(ColumnRef("t", column)), descending: request.sort?.descending ?? resource.page.descending)
            if !order.contains(where: { $0.expression == term.expression }) { order.append(term) }
        }
        return order
    }

    mutating func sortExpression(_ path: String) -> ColumnExpression {
        // The public id sorts by its (single) key column.
        if let id = resource.id, path == id.member { return .column(ColumnRef("t", id.columns[0])) }
        guard let field = resource.field(at: path), case .value(let value) = field.kind else { return .column(ColumnRef("t", resource.key[0])) }
        return expression(value)
    }

    mutating func addFilter(_ term: ApiRequest.FilterTerm) throws(QueryError) {
        let field = resource.field(at: term.field)
        if field == nil, let through = catalog.embedFilterPath(resource, at: term.field) { return try addEmbedFilter(term, through) }
        guard let field, case .value(let value) = field.kind else {
            throw QueryError(.unknownParameter, parameter: term.parameter, detail: "'\(term.parameter)' cannot be filtered.")
        }
        let binder = FilterBinder(catalog: catalog, name: term.parameter)
        var lhs = expression(value)
        // Compared as rendered: a `lower` field's filter value is lower case whatever is stored.
        if case .text(let transforms) = value.conversion, case .column(let ref) = lhs, transforms.contains(where: { $0 != .blankToNull }) {
            lhs = .transformed(ref, transforms)
        }
        let condition = try binder.condition(term, value, lhs)
        plan.conditions.append(condition)
        // The collation's comparison finds the rows (an index serves it); BINARY keeps the exact ones.
        if term.exact, term.op == .eq || term.op == .in, value.type == .string, value.conversion == .none {
            switch condition {
            case .compare(let lhs, .eq, let bound): plan.conditions.append(.exactly(lhs, [bound]))
            case .inList(let lhs, let values, false): plan.conditions.append(.exactly(lhs, values))
            default: break
            }
        }
    }

    /// A filter on a to-one embed's field: the rows whose embedded row, under the target's
    /// tenant rule and static conditions, meets it (a semi-join on the embed's `on`). The
    /// embedded row of another tenant renders null, so it never matches either.
    mutating func addEmbedFilter(_ term: ApiRequest.FilterTerm, _ through: EmbedFilterPath) throws(QueryError) {
        var inner = PlanBuilder(resource: through.target, catalog: catalog, tenants: tenants)
        try inner.addFilter(
            ApiRequest.FilterTerm(field: through.path, op: term.op, values: term.values, parameter: term.parameter, exact: term.exact))
        let alias = "f_" + through.name
        plan.conditions.append(
            .inSubquery(
                through.embed.on.map { .column(ColumnRef("t", $0.local)) },
                Subquery(
                    table: through.target.table, alias: alias, columns: through.embed.on.map { .column(ColumnRef(alias, $0.remote)) },
                    conditions: inner.plan.conditions.map { $0.realiased("t", alias) })))
    }

    // MARK: - Projection

    /// The fields to render, honouring a sparse field set (`fields=`) and optional embeds (`include=`).
    /// The value columns of the request's CSV profile, selected beside the document's.
    mutating func projectCSVValues(_ request: ApiRequest) -> [ProjectedField] {
        guard let name = request.csvProfile, let profile = resource.csv.profile(named: name) else { return [] }
        return project(profile.valueFields, fieldset: nil, include: [], withID: false)
    }

    mutating func project(_ fields: [Field], fieldset: Set<String>?, include: Set<String>, withID: Bool, prefix: String = "") -> [ProjectedField] {
        var projected: [ProjectedField] = []
        if withID, let id = resource.id {
            projected.append(.id(id, columns: id.columns.map { plan.select(.column(ColumnRef("t", $0))) }))
        }
        for field in fields {
            let path = prefix + field.name
            guard Self.wanted(path, fieldset), field.only == nil || field.only == reading else { continue }
            switch field.kind {
            case .value(let value):
                let column = plan.select(value.derived == nil ? .column(columnRef(value)) : expression(value))
                if case .publicID(let target) = value.conversion, let id = catalog.resources[target]?.id {
                    projected.append(.reference(name: field.name, id: id, column: column))
                    continue
                }
                var zoneColumn: Int?
                if case .zone(.column(let join, let zone)) = value.conversion {
                    zoneColumn = plan.select(.column(ColumnRef(join.map { alias(forJoin: $0) } ?? "t", zone)))
                }
                projected.append(.value(name: field.name, field: value, column: column, zoneColumn: zoneColumn))
            case .object(let children):
                let inner = Self.narrowed(fieldset, to: path)
                let nested = project(children, fieldset: inner, include: include, withID: false, prefix: path + ".")
                guard !nested.isEmpty else { continue }
                var nullWhen = ProjectedNull.never
                switch field.nullWhen {
                case .allNull?: nullWhen = .allNull(Self.valueColumns(nested))
                case .anyNull?: nullWhen = .anyNull(Self.valueColumns(nested))
                case .column(let join, let column)?:
                    nullWhen = .allNull([plan.select(.column(ColumnRef(join.map { alias(forJoin: $0) } ?? "t", column)))])
                case nil: break
                }
                projected.append(.object(name: field.name, fields: nested, nullWhen: nullWhen))
            case .embed(let embed):
                if embed.expandable, !include.contains(field.name), let pair = embed.on.first, let id = catalog.resources[embed.target]?.id {
                    // Not expanded: the target's id, from this row's column.
                    projected.append(.reference(name: field.name, id: id, column: plan.select(.column(ColumnRef("t", pair.local)))))
                    continue
                }
                guard prefix.isEmpty, !embed.optional || include.contains(field.name) else { continue }
                if let planned = planEmbed(field.name, embed, fieldset: Self.narrowed(fieldset, to: path)) { projected.append(planned) }
            case .constant(let constant):
                projected.append(.constant(name: field.name, constant))
            }
        }
        return projected
    }

    /// The columns an object's shown members read, nested objects' included.
    static func valueColumns(_ fields: [ProjectedField]) -> [Int] {
        fields.flatMap { field -> [Int] in
            switch field {
            case .value(_, _, let column, _), .reference(_, _, let column): [column]
            case .object(_, let inner, _): valueColumns(inner)
            default: []
            }
        }
    }

    /// A field is wanted with no field set, when named, when a field inside it is named, or
    /// when an enclosing object is named.
    static func wanted(_ path: String, _ fieldset: Set<String>?) -> Bool {
        guard let fieldset else { return true }
        if fieldset.contains(path) { return true }
        if fieldset.contains(where: { $0.hasPrefix(path + ".") }) { return true }
        return false
    }

    /// The field set inside `path`: nil (everything) when `path` itself was named.
    static func narrowed(_ fieldset: Set<String>?, to path: String) -> Set<String>? {
        guard let fieldset, !fieldset.contains(path) else { return nil }
        return fieldset
    }

    mutating func planEmbed(_ name: String, _ embed: Embed, fieldset: Set<String>?) -> ProjectedField? {
        guard let target = catalog.resources[embed.target] else { return nil }
        // Embeds are read by their parents' keys, or joined on the target's key.
        var child = PlanBuilder(resource: target, catalog: catalog, tenants: tenants, keyed: true)
        child.reading = .item
        let selected = embed.fields.map(Set.init)
        let childFields = target.fields.filter { selected?.contains($0.name) ?? true }
        var inner: Set<String>?
        if let fieldset {
            inner = Set(fieldset.compactMap { $0.hasPrefix(name + ".") ? String($0.dropFirst(name.count + 1)) : nil })
        }
        let withID = target.id.map { selected?.contains($0.member) ?? true } ?? false
        let projection = child.project(childFields, fieldset: inner, include: [], withID: withID)
        if let joined = joinedEmbed(name, embed, target, child, projection) { return joined }
        let match = embed.on.map { ColumnExpression.column(ColumnRef("t", $0.remote)) }
        let matchColumns = match.map { child.plan.select($0) }
        child.plan.order =
            match.map { OrderTerm($0) }
            + embed.order.map { column in
                column.hasPrefix("-")
                    ? OrderTerm(.column(ColumnRef("t", String(column.dropFirst()))), descending: true)
                    : OrderTerm(.column(ColumnRef("t", column)))
            }
        let parentColumns = embed.on.map { plan.select(.column(ColumnRef("t", $0.local))) }
        embeds.append(
            PlannedEmbed(
                name: name, many: embed.many, parentColumns: parentColumns, childMatchColumns: matchColumns, childMatch: match,
                child: child.plan, childProjection: projection, envelope: embed.envelope,
                urlPrefix: embed.envelope.map { _ in catalog.listPath(resource) }
            ))
        return .embed(name: name, index: embeds.count - 1)
    }

    /// A to-one embed read with the row itself through a `LEFT JOIN` instead of a statement of its
    /// own, when that is the same thing: the match covers the target's key (at most one row), the
    /// target needs no join and has no embed of its own. The target's tenant rule and static
    /// predicates go into the `ON` clause, so a row of another tenant, or a hidden one, reads as
    /// null exactly as when it is not found.
    mutating func joinedEmbed(
        _ name: String, _ embed: Embed, _ target: Resource, _ child: PlanBuilder,
        _ projection: [ProjectedField]
    ) -> ProjectedField? {
        guard !embed.many, !target.key.isEmpty, Set(target.key).isSubset(of: embed.on.map(\.remote)),
            child.plan.joins.isEmpty, child.embeds.isEmpty, let first = embed.on.first
        else { return nil }
        let alias = "e_" + name
        plan.joins.append(
            PlannedJoin(
                alias: alias, table: target.table, on: embed.on, required: false,
                conditions: child.plan.conditions.map { $0.realiased("t", alias) }, embedded: true))
        let position = child.plan.columns.map { plan.select($0.realiased("t", alias)) }
        let present = plan.select(.column(ColumnRef(alias, first.remote)))
        return .joined(name: name, present: present, fields: projection.map { $0.renumbered(position) })
    }
}

/// What an item plan depends on besides its key.
struct ItemPlanKey: Hashable, Sendable {
    let resource: String
    let fields: Set<String>?
    let include: Set<String>
    let tenants: [MySQLValue]
    let csvProfile: String?

    /// A cheap hash: hashing every granted account would cost a many-account point read dearly.
    /// The resource, the sets' sizes and the tenant list's size and ends spread the keys; equality
    /// settles the rest (and two reads of one partner share the same tenant array).
    func hash(into hasher: inout Hasher) {
        hasher.combine(resource)
        hasher.combine(fields?.count ?? -1)
        hasher.combine(include.count)
        hasher.combine(tenants.count)
        hasher.combine(tenants.first)
        hasher.combine(tenants.last)
    }
}

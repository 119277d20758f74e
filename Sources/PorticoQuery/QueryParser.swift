public import PorticoCatalog
import PorticoValues

/// Turns query parameters into an ``ApiRequest`` for one resource.
///
/// The syntax, one for every filter: `field=value` (equals), `field=op:value` with `op` one of
/// `eq`, `in` (comma-separated values), `gt`, `gte`, `lt`, `lte`, `prefix`. Repeat the
/// parameter to combine operators (`placed_at=gte:2024-01-01T00:00:00Z&placed_at=lt:2024-02-01T00:00:00Z`).
/// A value that itself starts with an operator name and a colon is written `eq:in:…`.
/// Reserved: `fields`, `include`, `sort`, `limit`, `cursor`, `updated_since`, `format`.
/// Anything else the resource does not declare is refused, naming the parameter.
public struct QueryParser: Sendable {
    public struct Limits: Sendable {
        public var maxFilters = 20
        public var maxListValues = 100
        public var maxValueLength = 256
        public init() {}
    }

    let resource: Resource
    let limits: Limits
    /// The names Portico's own parameters have in this version.
    let names: ParameterNames
    /// The formats the version serves: without CSV and NDJSON, `format` is not a parameter.
    let extras: SurfaceExtras

    public init(resource: Resource, limits: Limits = Limits(), names: ParameterNames = .standard, extras: SurfaceExtras = .standard) {
        self.resource = resource
        self.limits = limits
        self.names = names
        self.extras = extras
    }

    /// Parses a list request. The cursor is returned undecoded; the caller verifies it with a
    /// ``CursorCodec`` bound to this request's canonical form.
    ///
    /// - Parameter parameters: the query string's pairs, decoded, in order (repeats kept).
    /// - Returns: the request, and the `cursor` parameter if one was given.
    /// - Throws: ``QueryError`` naming the parameter as the partner wrote it: unknown, invalid, or too many.
    public func parseList(_ parameters: [(String, String)]) throws(QueryError) -> (request: ApiRequest, cursor: String?) {
        var request = ApiRequest(limit: resource.page.defaultLimit)
        var seen: Set<String> = []
        var cursor: String?
        var limitGiven = false
        let own = Set(names.all)
        for (name, value) in parameters {
            if value.utf8.count > max(limits.maxValueLength, 4096) * 8 {
                throw QueryError(.tooLarge, parameter: name, detail: "The value is too long.")
            }
            if own.contains(name), !names.repeats(name) {
                guard seen.insert(name).inserted else {
                    throw QueryError(.invalidParameter, parameter: name, detail: "Give '\(name)' at most once.")
                }
            }
            if resource.page.cursor == .objectID, name == names.startingAfter || name == names.endingBefore || name == names.cursor {
                try parseObjectCursor(name, value, into: &request)
                continue
            }
            switch name {
            case names.limit:
                guard let limit = Int(value), limit >= 1 else {
                    throw QueryError(
                        .invalidParameter, parameter: name, detail: "'\(name)' must be a whole number from 1 to \(resource.page.maxLimit).")
                }
                guard limit <= resource.page.maxLimit else {
                    throw QueryError(
                        .invalidParameter, parameter: name, detail: "'\(name)' may be at most \(resource.page.maxLimit) for \(resource.name).")
                }
                request.limit = limit
                limitGiven = true
            case names.cursor:
                // Empty is the first page: what a client sends before it has a cursor.
                cursor = value.isEmpty ? nil : value
            case names.sort:
                request.sort = try parseSort(value)
            case names.fields where extras.sparseFields:
                request.fields = (request.fields ?? []).union(try parseFields(value))
            case names.include:
                request.include.formUnion(try parseInclude(value))
            case names.updatedSince:
                guard resource.syncColumn != nil else {
                    throw QueryError(.unknownParameter, parameter: name, detail: "\(resource.name) does not support incremental sync.")
                }
                guard let instant = MySQLDateTime(rfc3339: value) else {
                    throw QueryError(
                        .invalidParameter, parameter: name, detail: "'\(name)' must be an RFC 3339 time such as 2024-01-01T00:00:00Z.")
                }
                request.updatedSince = instant
            case names.format where extras.formatParameter:
                let served = ["json"] + (extras.csv ? ["csv"] : []) + (extras.ndjson ? ["ndjson"] : [])
                guard let format = ApiRequest.Format(rawValue: value), served.contains(value) else {
                    throw QueryError(.invalidParameter, parameter: name, detail: "'format' must be one of: \(served.joined(separator: ", ")).")
                }
                request.format = format
            case names.profile where !resource.csv.profiles.isEmpty:
                request.csvProfile = try profile(value, parameter: name)
            default:
                let terms = try parseFilter(name, value)
                // A filter given once per value gathers its values into one `in` term.
                if let term = terms.first, let index = request.filters.firstIndex(where: { $0.parameter == name }),
                    resource.filterParameters[name].flatMap({ resource.filters[$0.filter] })?.repeats == true
                {
                    let merged = request.filters[index].values + term.values
                    guard merged.count <= limits.maxListValues else {
                        throw QueryError(.tooLarge, parameter: name, detail: "At most \(limits.maxListValues) values in one 'in' list.")
                    }
                    request.filters[index] = ApiRequest.FilterTerm(
                        field: term.field, op: term.op, values: merged, parameter: name, exact: term.exact)
                    continue
                }
                request.filters.append(contentsOf: terms)
                if request.filters.count > limits.maxFilters {
                    throw QueryError(.tooLarge, parameter: name, detail: "At most \(limits.maxFilters) filter terms per request.")
                }
            }
        }
        request.isExport = ApiRequest.isExport(format: request.format, limitGiven: limitGiven)
        return (request, cursor)
    }

    /// A CSV profile's name as the partner gave it (`profile=`, or `profile` in `Accept`): nil for
    /// `default` (Portico's own CSV).
    /// - Throws: a 400 naming the profiles the resource has.
    public func profile(_ value: String, parameter: String) throws(QueryError) -> String? {
        if value == CSVProfile.standard.name { return nil }
        guard resource.csv.profile(named: value) != nil else {
            let names = [CSVProfile.standard.name] + resource.csv.profiles.map(\.name)
            throw QueryError(
                .invalidParameter, parameter: parameter,
                detail: "\(resource.name) has no CSV profile '\(value)'; it has: \(names.joined(separator: ", ")).")
        }
        return value
    }

    /// Parses the parameters an item request accepts: `fields`, `include` and `format`.
    ///
    /// - Parameter parameters: the query string's pairs, decoded, in order.
    /// - Throws: ``QueryError`` for any other parameter or a value it cannot read.
    public func parseItem(_ parameters: [(String, String)]) throws(QueryError) -> ApiRequest {
        var request = ApiRequest(limit: 1)
        for (name, value) in parameters {
            switch name {
            case names.fields where extras.sparseFields: request.fields = (request.fields ?? []).union(try parseFields(value))
            case names.include: request.include.formUnion(try parseInclude(value))
            case names.format where extras.csv:
                guard let format = ApiRequest.Format(rawValue: value), format != .ndjson else {
                    throw QueryError(.invalidParameter, parameter: name, detail: "'format' must be json or csv for a single \(resource.name).")
                }
                request.format = format
            case names.profile where extras.csv && !resource.csv.profiles.isEmpty:
                request.csvProfile = try profile(value, parameter: name)
            default:
                let accepted = (extras.sparseFields ? [names.fields] : []) + [names.include] + (extras.csv ? ["format"] : [])
                let hasOptional = resource.fields.contains { if case .embed(let embed) = $0.kind { embed.optional } else { false } }
                throw QueryError(
                    .unknownParameter, parameter: name,
                    detail: accepted.count == 1 && !hasOptional
                        ? "A single \(resource.name) takes no query parameters."
                        : "A single \(resource.name) accepts only \(Self.listed(accepted)).")
            }
        }
        return request
    }

    /// `a`, `a and b`, `a, b and c`.
    static func listed(_ names: [String]) -> String {
        names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
    }

    /// `starting_after=<id>` or `ending_before=<id>` (one of them, once), for a resource paged by
    /// object ids; the handler finds where the object stands. `cursor` is not this resource's.
    private func parseObjectCursor(_ name: String, _ value: String, into request: inout ApiRequest) throws(QueryError) {
        guard name != names.cursor else {
            throw QueryError(
                .unknownParameter, parameter: name,
                detail: "\(resource.name) pages with \(names.startingAfter) and \(names.endingBefore) (object ids), not \(name).")
        }
        guard request.objectCursor == nil else {
            throw QueryError(.invalidParameter, parameter: name, detail: "Give one of \(names.startingAfter) and \(names.endingBefore), once.")
        }
        guard !value.isEmpty else {
            throw QueryError(.invalidParameter, parameter: name, detail: "'\(name)' takes the id of an object of this list.")
        }
        request.objectCursor = (name == names.endingBefore, value)
    }

    private func parseSort(_ value: String) throws(QueryError) -> (String, Bool) {
        let descending = value.hasPrefix("-")
        let field = descending ? String(value.dropFirst()) : value
        guard resource.sortKeys.contains(field) else {
            let allowed =
                resource.sortKeys.isEmpty
                ? "\(resource.name) cannot be sorted; it comes in a fixed order."
                : "Sort \(resource.name) by one of: \(resource.sortKeys.joined(separator: ", ")) (prefix - for descending)."
            throw QueryError(.invalidParameter, parameter: names.sort, detail: "'\(field)' is not a sort key. \(allowed)")
        }
        return (field, descending)
    }

    private func parseFields(_ value: String) throws(QueryError) -> Set<String> {
        let names = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !names.isEmpty, names.count <= 100 else {
            throw QueryError(
                .invalidParameter, parameter: self.names.fields, detail: "'\(self.names.fields)' takes a comma-separated list of field names.")
        }
        for name in names where !fieldExists(name) {
            throw QueryError(.invalidParameter, parameter: self.names.fields, detail: "'\(name)' is not a field of \(resource.name).")
        }
        return Set(names)
    }

    private func fieldExists(_ path: String) -> Bool {
        if path == resource.id?.member { return true }
        return resource.field(at: path) != nil || embedPrefixExists(path)
    }

    /// `customer.name`: a field inside an embed.
    private func embedPrefixExists(_ path: String) -> Bool {
        let parts = path.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let field = resource.field(at: String(parts[0])), case .embed = field.kind else { return false }
        return true
    }

    private func parseInclude(_ value: String) throws(QueryError) -> Set<String> {
        let optional = resource.fields.compactMap { field -> String? in
            if case .embed(let embed) = field.kind, embed.optional { return field.name }
            return nil
        }
        let names = Set(value.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
        for name in names where !optional.contains(name) {
            let detail =
                optional.isEmpty ? "\(resource.name) has no optional embeds." : "Include one of: \(optional.sorted().joined(separator: ", "))."
            throw QueryError(.invalidParameter, parameter: self.names.include, detail: "'\(name)' cannot be included. \(detail)")
        }
        return names
    }

    private func parseFilter(_ name: String, _ raw: String) throws(QueryError) -> [ApiRequest.FilterTerm] {
        guard let (key, fixed) = resource.filterParameters[name], let filter = resource.filters[key] else {
            let known = resource.filters.values.flatMap { $0.parameterNames.map(\.name) }.sorted()
            let hint = known.isEmpty ? "\(resource.name) takes no filters." : "Filters of \(resource.name): \(known.joined(separator: ", "))."
            throw QueryError(.unknownParameter, parameter: name, detail: "Unknown query parameter '\(name)'. \(hint)")
        }
        var op = ApiRequest.FilterOperator.eq
        var value = Substring(raw)
        if let fixed {
            op = ApiRequest.FilterOperator(rawValue: fixed.rawValue)!
        } else if filter.syntax == .portico, let colon = raw.firstIndex(of: ":"),
            let named = ApiRequest.FilterOperator(rawValue: String(raw[..<colon]))
        {
            op = named
            value = raw[raw.index(after: colon)...]
        }
        guard let declared = Filter.Operator(rawValue: op.rawValue), filter.operators.contains(declared) else {
            throw QueryError(
                .invalidParameter, parameter: name,
                detail: "'\(name)' does not support '\(op.rawValue)'. Use: \(filter.operators.map(\.rawValue).joined(separator: ", ")).")
        }
        let values =
            op == .in && !filter.repeats ? value.split(separator: ",", omittingEmptySubsequences: false).map(String.init) : [String(value)]
        guard values.count <= limits.maxListValues else {
            throw QueryError(.tooLarge, parameter: name, detail: "At most \(limits.maxListValues) values in one 'in' list.")
        }
        // One value: the whole parameter counts (as the contract's maxLength does), in characters.
        let maxLength = filter.maxLength ?? limits.maxValueLength
        let tooLong = op == .in ? values.contains { $0.unicodeScalars.count > maxLength } : raw.unicodeScalars.count > maxLength
        if tooLong || values.contains(where: \.isEmpty) {
            throw QueryError(.invalidParameter, parameter: name, detail: "'\(name)' needs a value of 1 to \(maxLength) characters.")
        }
        return [ApiRequest.FilterTerm(field: filter.field, op: op, values: values, parameter: name, exact: filter.caseSensitive)]
    }
}

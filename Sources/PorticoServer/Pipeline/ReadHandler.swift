import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PorticoAccess
import PorticoCatalog
import PorticoMySQL
import PorticoQuery
import PorticoShape
import PorticoValues

/// Serves `GET /api/{version}/{resource}` and `GET /api/{version}/{resource}/{id}`: the request
/// pipeline of DESIGN.md, one call per stage.
struct ReadHandler<Executor: ReadExecutor>: Sendable {
    let settings: ReadSettings
    let executor: Executor
    let logger: Logger

    // MARK: - The two reads

    /// `GET /api/{version}/{resource}`: a page of the partner's rows, or all of them as an export.
    func list(_ request: Request, _ context: PorticoRequestContext) async throws -> Response {
        let (route, resource, served) = try endpoint(context)
        let principal = try authorize(context, for: resource)
        try acceptable(route)
        let query = try parameters(request)
        let parser = QueryParser(resource: resource, names: route.parameterNames, extras: route.extras)
        var (apiRequest, cursor) = try partnerInput { () throws(QueryError) in try parser.parseList(query) }
        (apiRequest.format, apiRequest.isExport) = (route.format, route.isExport)
        let csv = try CSVChoice.decide(request, format: route.format, parser: parser, resource: resource, into: &apiRequest)
        apiRequest.parent = try await visibleParent(route, resource, served.planner, principal, context.trace)
        let binding = CursorCodec.binding(
            partner: principal.partner, version: route.version, resource: resource.name,
            keyset: resource.keyset, request: apiRequest)
        if let cursor {
            apiRequest.after = try partnerInput { () throws(QueryError) in
                try settings.cursors.decode(cursor, binding: binding, parameter: route.parameterNames.cursor)
            }
        }
        try await objectPosition(&apiRequest, resource, served.planner, principal, context.trace)
        let planned = try partnerInput { [apiRequest] () throws(QueryError) in
            try served.planner.planList(resource, apiRequest, tenants: principal.tenants)
        }
        let layout = route.format == .csv ? try csv.layout(planned, resource, apiRequest, fieldsName: route.parameterNames.fields) : nil
        if apiRequest.isExport {
            return ExportWriter(
                executor: executor, batchSize: settings.exportBatch, logger: logger, planned: planned, format: route.format, csv: layout,
                filename: CSVChoice.disposition(resource, version: route.version, profile: apiRequest.csvProfile, format: route.format),
                requestID: context.requestID, trace: context.trace
            ).response(request)
        }
        let (fetched, embeds) = try await execute(planned, context.trace) { rows in min(rows.count, apiRequest.limit) }
        let (page, nextCursor) = pageAndNext(fetched, planned, apiRequest, resource, binding)
        let envelope = route.envelope(resource)
        return encode(request, context, csv: layout, conditional: route.extras.conditional) { layout, notes in
            layout.map { ByteBuffer(bytes: CSVWriter.document(Array(page), $0, embeds: embeds, notes: &notes)) }
                ?? DocumentWriter.page(
                    page, planned, embeds: embeds, nextCursor: nextCursor, envelope: envelope, url: envelope.hasURL ? route.listPath(resource) : "",
                    notes: &notes
                ) { ByteBuffer(bytes: $0) }
        }
    }

    /// `GET /api/{version}/{resource}/{id}`: one of the partner's rows. A malformed id and a row
    /// of another tenant are the same 404 as a missing row.
    func item(_ request: Request, _ context: PorticoRequestContext) async throws -> Response {
        let (route, resource, served) = try endpoint(context)
        let principal = try authorize(context, for: resource)
        try acceptable(route)
        let query = try parameters(request)
        let parser = QueryParser(resource: resource, names: route.parameterNames, extras: route.extras)
        var apiRequest = try partnerInput { () throws(QueryError) in try parser.parseItem(query) }
        apiRequest.format = route.format == .csv ? .csv : .json
        let csv = try CSVChoice.decide(request, format: apiRequest.format, parser: parser, resource: resource, into: &apiRequest)
        guard case .item(let idText) = route.target, let key = resource.id?.key(idText),
            let planned = served.planner.planItem(resource, key: key, apiRequest, tenants: principal.tenants)
        else {
            throw notFound(resource, route)
        }
        let (rows, embeds) = try await execute(planned, context.trace) { $0.isEmpty ? 0 : 1 }
        guard let row = rows.first else { throw notFound(resource, route) }
        let layout = apiRequest.format == .csv ? try csv.layout(planned, resource, apiRequest, fieldsName: route.parameterNames.fields) : nil
        return encode(request, context, csv: layout, conditional: route.extras.conditional) { layout, notes in
            layout.map { ByteBuffer(bytes: CSVWriter.document([row], $0, embeds: embeds, notes: &notes)) }
                ?? DocumentWriter.document(row, planned, embeds: embeds, notes: &notes) { ByteBuffer(bytes: $0) }
        }
    }

    // MARK: - Stages

    /// The resolved route's resource and served version (its planner); a 404 naming what exists when the path names
    /// a version or resource that is not served.
    func endpoint(_ context: PorticoRequestContext) throws -> (ResolvedRoute, Resource, ServedVersion) {
        guard let route = context.route else { throw Problem.internalError }
        guard let served = route.served else { throw Problem.unknownVersion(route.version, in: route.catalogs) }
        guard let resource = route.resource else {
            let catalog = served.catalog
            if let sub = route.subSegment, let parent = catalog.resourcesBySegment[route.resourceName] {
                let known = (catalog.subResourcesBySegment[parent] ?? [:]).keys.sorted()
                throw Problem(
                    .notFound,
                    detail: "There is no list '\(sub)' under \(parent) in \(route.version)."
                        + (known.isEmpty ? "" : " Lists: \(known.joined(separator: ", "))."))
            }
            if catalog.hasOwnBasePath, !route.viaBasePath {
                throw Problem(.notFound, detail: "The resources of \(route.version) are served under \(catalog.basePath), not /api/\(route.version).")
            }
            throw Problem(
                .notFound,
                detail:
                    "There is no resource '\(route.resourceName)' in \(route.version). Resources: \(catalog.endpoints.map(\.path).joined(separator: ", "))."
            )
        }
        return (route, resource, served)
    }

    /// A 406 when `Accept` admits none of the media types the version serves (after
    /// authentication, so it tells nothing to a caller without a credential).
    func acceptable(_ route: ResolvedRoute) throws {
        guard route.acceptable else {
            throw Problem(
                .notAcceptable, detail: "Accept admits none of the media types this API answers with: \(Representation.served(route.extras)).")
        }
    }

    /// `starting_after` / `ending_before`: where the object stands in the list's order, if it is
    /// one of the partner's rows. A malformed id, another partner's object and a missing one are
    /// the same 400, so the answer never tells that an object exists.
    func objectPosition(
        _ request: inout ApiRequest, _ resource: Resource, _ planner: ReadPlanner, _ principal: Principal, _ trace: RequestTrace
    ) async throws {
        guard let (endingBefore, idText) = request.objectCursor else { return }
        let name = endingBefore ? "ending_before" : "starting_after"
        if endingBefore, request.isExport {
            throw Problem(.invalidParameter, detail: "An export streams forwards: use starting_after, or ask for pages.", parameter: name)
        }
        let refusal = Problem(.invalidParameter, detail: "'\(name)' is not the id of an object of this list.", parameter: name)
        guard let key = resource.id?.key(idText), let planned = planner.planPosition(resource, key: key, request, tenants: principal.tenants)
        else { throw refusal }
        let (rows, _) = try await execute(planned, trace) { _ in 0 }
        guard let row = rows.first else { throw refusal }
        let position = planned.cursorColumns.map { row[$0] }
        if endingBefore { request.before = position } else { request.after = position }
    }

    /// The page in the list's order (a page read backwards for `ending_before` is turned
    /// round), and what continues it: Portico's signed cursor, or, paging by object ids, the id
    /// to pass next (the last row's forwards, the first row's backwards). Nil: no more rows.
    func pageAndNext(
        _ fetched: [MySQLRow], _ planned: PlannedRead, _ request: ApiRequest, _ resource: Resource, _ binding: String
    ) -> (ArraySlice<MySQLRow>, String?) {
        let more = fetched.count > request.limit
        var page = fetched.prefix(request.limit)
        if request.before != nil { page = ArraySlice(page.reversed()) }
        guard more, let edge = request.before != nil ? page.first : page.last else { return (page, nil) }
        guard resource.page.cursor == .objectID else {
            return (page, settings.cursors.encode(planned.cursorColumns.map { edge[$0] }, binding: binding))
        }
        // The keyset ends with the key, the public id's columns.
        guard let id = resource.id else { return (page, nil) }
        return (page, id.format(planned.cursorColumns.suffix(id.columns.count).map { edge[$0] }))
    }

    /// For a sub-collection, its parent's key, once the parent is one of the partner's rows:
    /// another partner's parent, a malformed id and a missing one are the parent's own 404.
    func visibleParent(
        _ route: ResolvedRoute, _ resource: Resource, _ planner: ReadPlanner, _ principal: Principal, _ trace: RequestTrace
    ) async throws -> (column: String, key: UInt64)? {
        guard case .subList(let parentID) = route.target, let link = resource.parent, let parent = route.parentResource else { return nil }
        var probe = ApiRequest(limit: 1)
        probe.fields = [parent.id?.member ?? "id"]
        // A parent's id is one number (the compiler refuses text and composite parents).
        guard let key = parent.id?.parse(parentID), let planned = planner.planItem(parent, key: [.uint(key)], probe, tenants: principal.tenants)
        else {
            throw Problem.noItem(parent.name, id: parentID)
        }
        let (rows, _) = try await execute(planned, trace) { _ in 0 }
        guard !rows.isEmpty else { throw Problem.noItem(parent.name, id: parentID) }
        return (link.column, key)
    }

    /// The authenticated caller, if it holds the resource's scope; else 403 naming the scope.
    func authorize(_ context: PorticoRequestContext, for resource: Resource) throws -> Principal {
        guard let principal = context.principal else {
            throw Problem(.unauthorized, detail: "This request needs credentials.", headers: [.wwwAuthenticate: "Bearer"])
        }
        guard principal.holds(resource.scope) else {
            throw Problem.insufficientScope(reading: resource.name, scope: resource.scope)
        }
        return principal
    }

    /// The query string's parameters, refused whole past the length limit.
    func parameters(_ request: Request) throws -> [(String, String)] {
        if (request.uri.query?.utf8.count ?? 0) > settings.maxQueryLength {
            throw Problem(.uriTooLong, detail: "The query string may be at most \(settings.maxQueryLength) bytes.")
        }
        return request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }

    func notFound(_ resource: Resource, _ route: ResolvedRoute) -> Problem {
        guard case .item(let id) = route.target else { return Problem.notFound(resource.name) }
        return Problem.noItem(resource.name, id: id)
    }

    /// Runs the read's statements; the trace gets the database time and the rows served
    /// (`served` counts them from what came back) in one record.
    func execute(_ planned: PlannedRead, _ trace: RequestTrace, served: ([MySQLRow]) -> Int) async throws -> ([MySQLRow], [EmbedRows]) {
        let start = ContinuousClock.now
        let (rows, embeds) = try await databaseCall { try await executor.run(planned) }
        trace.database(ContinuousClock.now - start, rows: served(rows))
        return (rows, embeds)
    }

    /// The shaped body as the response (CSV or JSON), its data problems logged.
    func encode(
        _ request: Request, _ context: PorticoRequestContext, csv: CSVLayout?, conditional: Bool,
        _ shape: (CSVLayout?, inout [String]) -> ByteBuffer
    ) -> Response {
        var notes: [String] = []
        let body = shape(csv, &notes)
        if !notes.isEmpty {
            logger.warning(
                "data problems while shaping",
                metadata: [
                    "request_id": "\(context.requestID)", "notes": "\(Set(notes).sorted().prefix(10).joined(separator: "; "))",
                ])
        }
        return respond(request, body: body, contentType: csv.map(CSVChoice.contentType) ?? "application/json", conditional: conditional)
    }

    // MARK: - Representation

    /// The 200 (no body for HEAD); when `conditional`, with a strong ETag over the body, and
    /// `If-None-Match` with it gives 304 without a body. A version whose contract has no ETag
    /// (`extras: {conditional: false}`) gets neither.
    func respond(_ request: Request, body: ByteBuffer, contentType: String, conditional: Bool) -> Response {
        // Appended: a dictionary literal checks every pair for a duplicate, and the subscript
        // searches the fields before it adds one.
        var headers = HTTPFields()
        headers.reserveCapacity(4)
        headers.append(HTTPField(name: .contentType, value: contentType))
        headers.append(HTTPField(name: .cacheControl, value: "private"))
        if conditional {
            let etag = EntityTag.strong(body)
            headers.append(HTTPField(name: .eTag, value: etag))
            let matches =
                request.headers[.ifNoneMatch].map { header in
                    // Weak comparison (RFC 9110 §13.1.2): a compressed answer's W/ tag matches too.
                    header.split(separator: ",").contains {
                        let tag = $0.trimmingBlanks
                        return tag == etag || tag == "*" || (tag.hasPrefix("W/") && tag.dropFirst(2) == etag)
                    }
                } ?? false
            if matches { return Response(status: .notModified, headers: headers) }
        }
        headers.append(HTTPField(name: .contentLength, value: String(body.readableBytes)))
        if request.method == .head { return Response(status: .ok, headers: headers, body: ResponseBody()) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    /// A database failure becomes its problem (``MySQLError/problem``); the log gets the details.
    func databaseCall<R>(_ body: () async throws -> R) async throws -> R {
        do {
            return try await body()
        } catch let error as MySQLError {
            logger.error("database error", metadata: ["error": "\(error)"])
            throw error.problem
        }
    }
}

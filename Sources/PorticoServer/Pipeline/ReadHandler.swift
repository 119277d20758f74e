import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import PorticoAccess
import PorticoCatalog
import PorticoMySQL
import PorticoQuery
import PorticoShape

/// Serves `GET /api/{version}/{resource}` and `GET /api/{version}/{resource}/{id}`: the request
/// pipeline of DESIGN.md, one call per stage.
struct ReadHandler: Sendable {
    let settings: ReadSettings
    let pool: MySQLConnectionPool
    let logger: Logger

    // MARK: - Stages shared by list and item

    func resource(_ request: Request, _ context: PorticoRequestContext) throws -> (Catalog, ReadPlanner, Resource) {
        let version = context.parameters.get("version") ?? ""
        let name = context.parameters.get("resource") ?? ""
        let catalogs = settings.catalogs  // one snapshot: a reload may swap them meanwhile
        guard let catalog = catalogs.catalogs[version], let planner = catalogs.planners[version] else {
            throw Problem(status: .notFound, kind: "not-found", title: "Not Found",
                          detail: "There is no API version '\(version)'. Versions: \(catalogs.versions.joined(separator: ", ")).")
        }
        guard let resource = catalog.resources[name], resource.isEndpoint else {
            throw Problem(status: .notFound, kind: "not-found", title: "Not Found",
                          detail: "There is no resource '\(name)' in \(version). Resources: \(catalog.endpoints.map(\.name).joined(separator: ", ")).")
        }
        context.trace.route(version: version, resource: name)
        return (catalog, planner, resource)
    }

    /// The authenticated caller, if it holds the resource's scope; else 403 naming the scope.
    func principal(_ context: PorticoRequestContext, for resource: Resource) throws -> Principal {
        guard let principal = context.principal else {
            throw Problem(status: .unauthorized, kind: "unauthorized", title: "Unauthorized",
                          detail: "This request needs credentials.", headers: [.wwwAuthenticate: "Bearer"])
        }
        guard principal.holds(resource.scope) else {
            throw Problem(status: .forbidden, kind: "insufficient-scope", title: "Forbidden",
                          detail: "Reading \(resource.name) needs the scope '\(resource.scope)', which this credential does not hold.",
                          headers: [.wwwAuthenticate: "Bearer error=\"insufficient_scope\", scope=\"\(resource.scope)\""])
        }
        return principal
    }

    func parameters(_ request: Request) throws -> [(String, String)] {
        if (request.uri.query?.utf8.count ?? 0) > settings.maxQueryLength {
            throw Problem(status: .uriTooLong, kind: "query-too-large", title: "URI Too Long",
                          detail: "The query string may be at most \(settings.maxQueryLength) bytes.")
        }
        return request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }

    func logNotes(_ notes: [String], _ context: PorticoRequestContext) {
        guard !notes.isEmpty else { return }
        logger.warning("data problems while shaping", metadata: [
            "request_id": "\(context.requestID)", "notes": "\(Set(notes).sorted().prefix(10).joined(separator: "; "))",
        ])
    }

    // MARK: - List

    func list(_ request: Request, _ context: PorticoRequestContext) async throws -> Response {
        let (catalog, planner, resource) = try resource(request, context)
        let principal = try principal(context, for: resource)
        let query = try parameters(request)
        var (apiRequest, cursor) = try partnerInput { () throws(QueryError) in try QueryParser(resource: resource).parseList(query) }
        let format = Representation.format(of: request)
        apiRequest.format = format
        apiRequest.isExport = Representation.isExport(request)
        let binding = CursorCodec.binding(partner: principal.partner, version: catalog.version, resource: resource.name,
                                          keyset: resource.keyset, request: apiRequest)
        if let cursor {
            apiRequest.after = try partnerInput { () throws(QueryError) in try settings.cursors.decode(cursor, binding: binding) }
        }
        let planned = try partnerInput { [apiRequest] () throws(QueryError) in try planner.planList(resource, apiRequest, tenants: principal.tenants) }
        if apiRequest.isExport {
            return ExportWriter(handler: self, planned: planned, format: format, requestID: context.requestID, trace: context.trace).response(request)
        }
        let (fetched, embeds) = try await databaseCall(context.trace) { try await ReadExecution.run(planned, on: pool) }
        let page = Array(fetched.prefix(apiRequest.limit))
        context.trace.database(.zero, rows: page.count)
        var nextCursor: String?
        if fetched.count > apiRequest.limit, let last = page.last {
            nextCursor = settings.cursors.encode(planned.cursorColumns.map { last[$0] }, binding: binding)
        }
        var notes: [String] = []
        if format == .csv {
            let csv = CSVWriter.document(page, planned, embeds: embeds, notes: &notes)
            logNotes(notes, context)
            return conditional(request, body: csv, contentType: "text/csv; charset=utf-8")
        }
        var json = JSONWriter(capacity: 256 * max(page.count, 1))
        json.beginObject()
        json.key("data")
        json.beginArray()
        for row in page { DocumentWriter.write(row, planned.projection, embeds: embeds, into: &json, notes: &notes) }
        json.endArray()
        json.key("next_cursor")
        if let nextCursor { json.string(nextCursor) } else { json.null() }
        json.endObject()
        logNotes(notes, context)
        return conditional(request, body: json.withBytes { ByteBuffer(bytes: $0) }, contentType: "application/json")
    }

    // MARK: - Item

    func item(_ request: Request, _ context: PorticoRequestContext) async throws -> Response {
        let (_, planner, resource) = try resource(request, context)
        let principal = try principal(context, for: resource)
        let idText = context.parameters.get("id") ?? ""
        let query = try parameters(request)
        var apiRequest = try partnerInput { () throws(QueryError) in try QueryParser(resource: resource).parseItem(query) }
        apiRequest.format = Representation.format(of: request) == .csv ? .csv : .json
        // A malformed id and a row of another tenant are the same 404 as a missing row.
        var notFound: Problem {
            Problem(status: .notFound, kind: "not-found", title: "Not Found", detail: "No \(resource.name) item has the id '\(idText)'.")
        }
        guard let key = resource.id?.parse(idText), let planned = planner.planItem(resource, key: key, apiRequest, tenants: principal.tenants) else {
            throw notFound
        }
        let (rows, embeds) = try await databaseCall(context.trace) { try await ReadExecution.run(planned, on: pool) }
        guard let row = rows.first else { throw notFound }
        context.trace.database(.zero, rows: 1)
        var notes: [String] = []
        if apiRequest.format == .csv {
            let csv = CSVWriter.document([row], planned, embeds: embeds, notes: &notes)
            logNotes(notes, context)
            return conditional(request, body: csv, contentType: "text/csv; charset=utf-8")
        }
        var json = JSONWriter()  // 4 KiB: an item with its embeds rarely needs to grow it
        DocumentWriter.write(row, planned.projection, embeds: embeds, into: &json, notes: &notes)
        logNotes(notes, context)
        return conditional(request, body: json.withBytes { ByteBuffer(bytes: $0) }, contentType: "application/json")
    }

    // MARK: - Representation

    /// The first 16 bytes of a digest as a quoted hex string.
    static func etag(_ digest: SHA256.Digest) -> String {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = [UInt8(ascii: "\"")]
        text.reserveCapacity(34)
        for byte in digest.prefix(16) {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 15)])
        }
        text.append(UInt8(ascii: "\""))
        return String(decoding: text, as: UTF8.self)
    }

    func conditional(_ request: Request, body: [UInt8], contentType: String) -> Response {
        conditional(request, body: ByteBuffer(bytes: body), contentType: contentType)
    }

    /// A strong ETag over the body; `If-None-Match` with it gives 304 without a body.
    func conditional(_ request: Request, body: ByteBuffer, contentType: String) -> Response {
        var digest = SHA256()
        body.withUnsafeReadableBytes { digest.update(bufferPointer: $0) }
        let etag = Self.etag(digest.finalize())
        var headers: HTTPFields = [.contentType: contentType, .eTag: etag, .cacheControl: "private"]
        let matches = request.headers[.ifNoneMatch].map { header in
            header.split(separator: ",").contains {
                let tag = $0.trimmingCharacters(in: .whitespaces)
                return tag == etag || tag == "*"
            }
        } ?? false
        if matches { return Response(status: .notModified, headers: headers) }
        headers[.contentLength] = String(body.readableBytes)
        if request.method == .head { return Response(status: .ok, headers: headers, body: ResponseBody()) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    /// Database failures become problems without any driver text: 503 (with `Retry-After`)
    /// while the database is unreachable or saturated, 500 otherwise. The log gets the details.
    func databaseCall(_ trace: RequestTrace, _ body: () async throws -> ([MySQLRow], [EmbedRows])) async throws -> ([MySQLRow], [EmbedRows]) {
        let start = ContinuousClock.now
        let result = try await databaseCall(body)
        trace.database(ContinuousClock.now - start, rows: 0)
        return result
    }

    func databaseCall<R>(_ body: () async throws -> R) async throws -> R {
        do {
            return try await body()
        } catch let error as MySQLError {
            logger.error("database error", metadata: ["error": "\(error)"])
            switch error.kind {
            case .connect, .connectionLost, .poolExhausted, .poolClosed:
                throw Problem.unavailable("The service is temporarily unable to reach its data; retry shortly.", retryAfter: 2)
            case .statementTimeout:
                throw Problem(status: .serviceUnavailable, kind: "query-timeout", title: "Query Took Too Long",
                              detail: "The request took too long; narrow it with filters or a smaller limit.", headers: [.retryAfter: "5"])
            default:
                throw Problem.internalError
            }
        }
    }
}

/// Runs a stage that checks the partner's input; its ``QueryError`` becomes a 400 problem.
func partnerInput<R>(_ body: () throws(QueryError) -> R) throws -> R {
    do {
        return try body()
    } catch {
        throw error.problem
    }
}

import Hummingbird
import Logging
import NIOCore
import PorticoMySQL
import PorticoQuery
import PorticoShape

/// Streams every matching row, in keyset order, as NDJSON or CSV: rows are read from an
/// unbuffered result batch by batch, each batch's embeds are loaded with one query per embed,
/// and at most one batch is read ahead while the previous one is shaped and written to the
/// socket (back-pressure), so memory stays constant whatever the size.
///
/// The status line is sent before the first row: a failure midway ends the stream early
/// (logged); a complete NDJSON export always ends with a newline.
struct ExportWriter {
    let handler: ReadHandler
    let planned: PlannedRead
    let format: ApiRequest.Format
    let requestID: String
    let trace: RequestTrace

    func response(_ request: Request) -> Response {
        let contentType = format == .csv ? "text/csv; charset=utf-8" : "application/x-ndjson"
        let headers: HTTPFields = [.contentType: contentType, .cacheControl: "private, no-store"]
        if request.method == .head { return Response(status: .ok, headers: headers) }
        let query = SQLRenderer.render(planned.plan)
        let (handler, planned, format, requestID, trace) = (self.handler, self.planned, self.format, self.requestID, self.trace)
        let body = ResponseBody { writer in
            let batchSize = handler.settings.exportBatch
            var notes: [String] = []
            do {
                try await handler.pool.withRowStream(query.text, query.binds, batchSize: batchSize) { stream in
                    var out: [UInt8] = format == .csv ? CSVWriter.header(planned) : []
                    var json = JSONWriter(capacity: 64 * 1024)
                    // A batch and its embeds; the next one is read while this one is shaped and
                    // written, so the database and the encoder work at once.
                    @Sendable func read(after previous: Int) async throws -> (rows: [MySQLRow], embeds: [EmbedRows]) {
                        guard previous == batchSize else { return ([], []) }
                        let start = ContinuousClock.now
                        let rows = try await stream.nextBatch()
                        let embeds = rows.isEmpty ? [] : try await ReadExecution.loadEmbeds(planned, rows, on: handler.pool)
                        trace.database(ContinuousClock.now - start, rows: rows.count)
                        return (rows, embeds)
                    }
                    var batch = try await read(after: batchSize)
                    while !batch.rows.isEmpty {
                        let (rows, embeds) = batch
                        async let following = read(after: rows.count)
                        if format == .csv {
                            CSVWriter.rows(rows, planned, embeds: embeds, into: &out, notes: &notes)
                        } else {
                            for row in rows {
                                DocumentWriter.write(row, planned.projection, embeds: embeds, into: &json, notes: &notes)
                                json.newline()
                            }
                            out.append(contentsOf: json.bytes)
                            json.removeAll()
                        }
                        try await writer.write(ByteBuffer(bytes: out))
                        out.removeAll(keepingCapacity: true)
                        batch = try await following
                    }
                    if !out.isEmpty { try await writer.write(ByteBuffer(bytes: out)) }
                }
            } catch {
                handler.logger.error("export ended early", metadata: ["request_id": "\(requestID)", "error": "\(error)"])
                throw error
            }
            if !notes.isEmpty {
                handler.logger.warning("data problems while shaping", metadata: ["request_id": "\(requestID)", "notes": "\(Set(notes).sorted().prefix(10))"])
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}

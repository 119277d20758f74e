import Hummingbird
import Logging
import NIOCore
import PorticoMySQL
import PorticoQuery
import PorticoShape

/// Streams every matching row, in keyset order, as NDJSON or CSV: rows are read from an
/// unbuffered result batch by batch, each batch's embeds are loaded with one query per embed,
/// and two batches are read ahead (``ReadExecutor/stream(_:batchSize:_:)``) while the current one is shaped and
/// written to the socket (back-pressure), so memory stays constant whatever the size.
///
/// The status line is sent before the first row: a failure midway ends the stream early
/// (logged); a complete NDJSON export always ends with a newline.
struct ExportWriter<Executor: ReadExecutor> {
    let executor: Executor
    /// Rows read from the database per batch.
    let batchSize: Int
    let logger: Logger
    let planned: PlannedRead
    let format: ApiRequest.Format
    /// How CSV is written (for a CSV export).
    let csv: CSVLayout?
    /// `Content-Disposition` (``CSVChoice/disposition(_:version:profile:format:now:)``).
    let filename: String
    let requestID: String
    let trace: RequestTrace

    func response(_ request: Request) -> Response {
        let csv = format == .csv ? (csv ?? CSVLayout.standard(planned)) : nil
        let contentType = csv.map(CSVChoice.contentType) ?? "application/x-ndjson"
        let headers: HTTPFields = [.contentType: contentType, .cacheControl: "private, no-store", .contentDisposition: filename]
        if request.method == .head { return Response(status: .ok, headers: headers) }
        let (executor, batchSize, logger, planned, requestID, trace) = (executor, batchSize, logger, planned, requestID, trace)
        let body = ResponseBody { writer in
            var notes: [String] = []
            do {
                try await executor.stream(planned, batchSize: batchSize) { batches in
                    try await Self.write(batches, planned: planned, csv: csv, trace: trace, to: &writer, notes: &notes)
                }
            } catch {
                logger.error("export ended early", metadata: ["request_id": "\(requestID)", "error": "\(error)"])
                throw error
            }
            if !notes.isEmpty {
                logger.warning("data problems while shaping", metadata: ["request_id": "\(requestID)", "notes": "\(Set(notes).sorted().prefix(10))"])
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// Shapes and sends each batch as it comes; the next ones are read meanwhile (``ExportReadAhead``).
    static func write(
        _ batches: any ExportBatches, planned: PlannedRead, csv: CSVLayout?, trace: RequestTrace,
        to writer: inout some ResponseBodyWriter, notes: inout [String]
    ) async throws {
        var out: [UInt8] = csv.map(CSVWriter.header) ?? []
        var json = JSONWriter(capacity: 64 * 1024)
        while true {
            let batch = try await batches.next()
            trace.database(batch.databaseTime, rows: batch.rows.count)
            if batch.rows.isEmpty { break }
            if let csv {
                CSVWriter.rows(batch.rows, csv, embeds: batch.embeds, into: &out, notes: &notes)
                try await writer.write(ByteBuffer(bytes: out))
                out.removeAll(keepingCapacity: true)
            } else {
                for row in batch.rows {
                    DocumentWriter.write(row, planned.projection, embeds: batch.embeds, into: &json, notes: &notes)
                    json.newline()
                }
                try await writer.write(json.withBytes { ByteBuffer(bytes: $0) })
                json.removeAll()
            }
        }
        if !out.isEmpty { try await writer.write(ByteBuffer(bytes: out)) }
    }
}

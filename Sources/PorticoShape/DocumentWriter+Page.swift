public import PorticoQuery
public import PorticoValues

extension DocumentWriter {
    /// A list page: `{"data": [documents…], "next_cursor": "…" | null}`.
    ///
    /// - Parameters:
    ///   - rows: the page's rows (at most the limit: the extra row that tells a next page exists is not passed).
    ///   - planned: the read the rows come from (its projection shapes each document).
    ///   - embeds: the page's embed rows, indexed like ``PlannedRead/embeds``.
    ///   - nextCursor: the cursor of the next page, or nil on the last one.
    ///   - notes: data problems met while shaping, for the log.
    ///   - body: receives the page's JSON text (copy it out: the bytes live only during the call).
    public static func page<R>(
        _ rows: ArraySlice<MySQLRow>, _ planned: PlannedRead, embeds: [EmbedRows], nextCursor: String?,
        notes: inout [String], _ body: (UnsafeRawBufferPointer) -> R
    ) -> R {
        var json = JSONWriter(capacity: 256 * max(rows.count, 1))
        json.beginObject()
        json.key("data")
        json.beginArray()
        for row in rows { write(row, planned.projection, embeds: embeds, into: &json, notes: &notes) }
        json.endArray()
        json.key("next_cursor")
        if let nextCursor { json.string(nextCursor) } else { json.null() }
        json.endObject()
        return json.withBytes(body)
    }

    /// One document, for an item read.
    public static func document<R>(
        _ row: MySQLRow, _ planned: PlannedRead, embeds: [EmbedRows], notes: inout [String],
        _ body: (UnsafeRawBufferPointer) -> R
    ) -> R {
        var json = JSONWriter()  // 4 KiB: an item with its embeds rarely needs to grow it
        write(row, planned.projection, embeds: embeds, into: &json, notes: &notes)
        return json.withBytes(body)
    }
}

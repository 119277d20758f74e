public import PorticoCatalog
public import PorticoQuery
public import PorticoValues

extension DocumentWriter {
    /// A list page in its envelope, by default `{"data": [documents…], "next_cursor": "…" | null}`.
    ///
    /// - Parameters:
    ///   - rows: the page's rows (at most the limit: the extra row that tells a next page exists is not passed).
    ///   - planned: the read the rows come from (its projection shapes each document).
    ///   - embeds: the page's embed rows, indexed like ``PlannedRead/embeds``.
    ///   - nextCursor: the cursor of the next page, or nil on the last one.
    ///   - envelope: the members around the documents (``ListEnvelope/standard`` when not declared).
    ///   - url: the list's path, for an envelope's `url` member.
    ///   - notes: data problems met while shaping, for the log.
    ///   - body: receives the page's JSON text (copy it out: the bytes live only during the call).
    public static func page<R>(
        _ rows: ArraySlice<MySQLRow>, _ planned: PlannedRead, embeds: [EmbedRows], nextCursor: String?,
        envelope: ListEnvelope = .standard, url: String = "", notes: inout [String], _ body: (UnsafeRawBufferPointer) -> R
    ) -> R {
        var json = JSONWriter(capacity: 256 * max(rows.count, 1))
        json.beginObject()
        for (name, member) in envelope.members {
            json.key(name)
            switch member {
            case .documents:
                json.beginArray()
                for row in rows { write(row, planned.projection, embeds: embeds, into: &json, notes: &notes) }
                json.endArray()
            case .nextCursor:
                if let nextCursor { json.string(nextCursor) } else { json.null() }
            case .hasMore: json.bool(nextCursor != nil)
            case .url: json.string(url)
            case .constant(let constant): write(constant, into: &json)
            }
        }
        json.endObject()
        return json.withBytes(body)
    }

    /// A declared constant's JSON value.
    public static func write(_ constant: JSONConstant, into json: inout some ValueSink & ~Copyable) {
        switch constant {
        case .string(let text): json.string(text)
        case .integer(let number): json.int(number)
        case .number(let text): json.raw(text.utf8)
        case .bool(let flag): json.bool(flag)
        case .null: json.null()
        case .array, .object:
            var writer = JSONWriter(capacity: 64)
            writeNested(constant, into: &writer)
            writer.withBytes { json.raw($0) }
        }
    }

    static func writeNested(_ constant: JSONConstant, into json: inout JSONWriter) {
        switch constant {
        case .array(let items):
            json.beginArray()
            for item in items { writeNested(item, into: &json) }
            json.endArray()
        case .object(let members):
            json.beginObject()
            for member in members {
                json.key(member.name)
                writeNested(member.value, into: &json)
            }
            json.endObject()
        default:
            write(constant, into: &json)
        }
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

import PorticoCatalog
public import PorticoQuery
public import PorticoValues

/// The rows of one embed for a page, grouped by the parent's join values.
public struct EmbedRows: Sendable {
    public let embed: PlannedEmbed
    private let rows: [MySQLRow]
    private let groups: Groups

    private enum Groups {
        /// Joined on one column (the usual case). The child statement orders by its match
        /// columns first, so each parent's children are one run of `rows`, found by the value
        /// itself: one hash per parent instead of one per child, and no array per parent
        /// (grouping by hashing every child showed in exports' profiles).
        case runs([MySQLValue: Range<Int>])
        /// Joined on several columns, or on one whose values did not come back in runs (a
        /// collation that orders differently from Swift's equality).
        case byValues([[MySQLValue]: [MySQLRow]])
    }

    /// Groups the child query's rows by their match columns.
    public init(embed: PlannedEmbed, rows: [MySQLRow]) {
        self.embed = embed
        self.rows = rows
        if embed.childMatchColumns.count == 1 {
            let column = embed.childMatchColumns[0]
            if let runs = Self.runs(rows, column) {
                groups = .runs(runs)
                return
            }
        }
        groups = .byValues(Dictionary(grouping: rows) { row in embed.childMatchColumns.map { row[$0] } })
    }

    /// The runs of equal values in `column`, or nil when a value appears in two runs.
    private static func runs(_ rows: [MySQLRow], _ column: Int) -> [MySQLValue: Range<Int>]? {
        var runs: [MySQLValue: Range<Int>] = [:]
        var start = 0
        while start < rows.count {
            let value = rows[start][column]
            var end = start + 1
            while end < rows.count, rows[end][column] == value { end += 1 }
            guard runs.updateValue(start..<end, forKey: value) == nil else { return nil }
            start = end
        }
        return runs
    }

    /// The child rows that belong to `parent`, in the child query's order.
    public func children(of parent: MySQLRow) -> ArraySlice<MySQLRow> {
        switch groups {
        case .runs(let runs): runs[parent[embed.parentColumns[0]]].map { rows[$0] } ?? []
        case .byValues(let groups): groups[embed.parentColumns.map { parent[$0] }].map { ArraySlice($0) } ?? []
        }
    }
}

/// Rows → documents, exactly as mapped.
public enum DocumentWriter {
    /// Writes one row as a JSON object.
    ///
    /// - Parameters:
    ///   - embeds: the page's embed rows, indexed like ``PlannedRead/embeds``.
    ///   - notes: data problems met (undocumented codes, invalid stored JSON), for the log.
    public static func write(
        _ row: MySQLRow, _ projection: [ProjectedField], embeds: [EmbedRows],
        into json: inout JSONWriter, notes: inout [String]
    ) {
        json.beginObject()
        for field in projection {
            // Each case writes its key from its own binding: `field.name` would copy the payload.
            switch field {
            case .id(let id, let columns):
                json.key(id.member)
                if id.isComposite { writeComposite(row, id, columns, into: &json) } else { writeID(row, id, columns[0], into: &json) }
            case .reference(let name, let id, let column):
                json.key(name)
                writeID(row, id, column, into: &json)
            case .value(let name, let value, let column, let zoneColumn):
                json.key(name)
                ValueRenderer.write(row[column], zone: zoneColumn.map { row[$0] }, field: value, name: name, into: &json, notes: &notes)
            case .object(let name, let fields, let nullWhen):
                json.key(name)
                if nullWhen.holds(row) { json.null() } else { write(row, fields, embeds: embeds, into: &json, notes: &notes) }
            case .embed(let name, let index):
                json.key(name)
                let embed = embeds[index]
                let children = embed.children(of: row)
                if embed.embed.many, let envelope = embed.embed.envelope {
                    writeList(children, embed.embed, envelope, owner: ownerID(row, projection), name: name, into: &json, notes: &notes)
                } else if embed.embed.many {
                    json.beginArray()
                    for child in children { write(child, embed.embed.childProjection, embeds: [], into: &json, notes: &notes) }
                    json.endArray()
                } else if let child = children.first {
                    write(child, embed.embed.childProjection, embeds: [], into: &json, notes: &notes)
                } else {
                    json.null()
                }
            case .joined(let name, let present, let fields):
                json.key(name)
                if case .null = row[present] { json.null() } else { write(row, fields, embeds: [], into: &json, notes: &notes) }
            case .constant(let name, let constant):
                json.key(name)
                write(constant, into: &json)
            }
        }
        json.endObject()
    }

    /// A to-many embed in its envelope: every row, so `has_more` is false; `url` is the parent
    /// item's path and the embed's name, as Stripe's lists inside objects are.
    static func writeList(
        _ children: some Collection<MySQLRow>, _ embed: PlannedEmbed, _ envelope: ListEnvelope, owner: String?, name: String,
        into json: inout JSONWriter, notes: inout [String]
    ) {
        json.beginObject()
        for (member, role) in envelope.members {
            json.key(member)
            switch role {
            case .documents:
                json.beginArray()
                for child in children { write(child, embed.childProjection, embeds: [], into: &json, notes: &notes) }
                json.endArray()
            case .hasMore: json.bool(false)
            case .nextCursor: json.null()
            case .url: json.string((embed.urlPrefix ?? "") + "/" + (owner ?? "") + "/" + name)
            case .constant(let constant): write(constant, into: &json)
            }
        }
        json.endObject()
    }

    /// The public id of the row a projection renders, if the projection has it.
    static func ownerID(_ row: MySQLRow, _ projection: [ProjectedField]) -> String? {
        for field in projection {
            guard case .id(let id, let columns) = field else { continue }
            return id.format(columns.map { row[$0] })
        }
        return nil
    }

    static func writeID(_ row: MySQLRow, _ id: PublicID, _ column: Int, into json: inout JSONWriter) {
        if id.encoding == .text {
            // A natural key: the column's own text, after the prefix.
            guard let text = row[column].text else { return json.null() }
            return json.string(id.prefix.isEmpty ? text : id.prefix + text)
        }
        guard let key = row[column].unsignedKey else { return json.null() }
        if id.isInteger { json.uint(key) } else { json.publicID(id, key) }
    }
}

extension DocumentWriter {
    /// A composite key's id (`WO-10-L2`): built as text, as composite keys are rare.
    static func writeComposite(_ row: MySQLRow, _ id: PublicID, _ columns: [Int], into json: inout JSONWriter) {
        guard let text = id.format(columns.map { row[$0] }) else { return json.null() }
        json.string(text)
    }
}

extension JSONWriter {
    /// A public id (`ORD-00000042`), formatted on the stack and written as a JSON string.
    mutating func publicID(_ id: PublicID, _ key: UInt64) {
        let length = id.prefix.utf8.count + id.width(key)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { out in
            let written = id.write(key, into: out)
            string(utf8: UnsafeBufferPointer(rebasing: out[..<written]))
        }
    }
}

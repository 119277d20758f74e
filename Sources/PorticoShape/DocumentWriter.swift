import PorticoCatalog
public import PorticoQuery
public import PorticoValues

/// The rows of one embed for a page, grouped by the parent's join values.
public struct EmbedRows: Sendable {
    public let embed: PlannedEmbed
    public let rowsByParent: [[MySQLValue]: [MySQLRow]]

    /// Groups the child query's rows by their match columns.
    public init(embed: PlannedEmbed, rows: [MySQLRow]) {
        self.embed = embed
        var grouped: [[MySQLValue]: [MySQLRow]] = [:]
        for row in rows {
            grouped[embed.childMatchColumns.map { row[$0] }, default: []].append(row)
        }
        rowsByParent = grouped
    }

    /// The distinct, non-null parent join values of a page: the child query's `IN` list.
    public static func parentKeys(_ rows: [MySQLRow], _ embed: PlannedEmbed) -> [[MySQLValue]] {
        var seen: Set<[MySQLValue]> = []
        var keys: [[MySQLValue]] = []
        for row in rows {
            let key = embed.parentColumns.map { row[$0] }
            if key.contains(.null) { continue }
            if seen.insert(key).inserted { keys.append(key) }
        }
        return keys
    }
}

/// Rows → documents, exactly as mapped.
public enum DocumentWriter {
    /// Writes one row as a JSON object.
    ///
    /// - Parameters:
    ///   - embeds: the page's embed rows, indexed like ``PlannedRead/embeds``.
    ///   - notes: data problems met (undocumented codes, invalid stored JSON), for the log.
    public static func write(_ row: MySQLRow, _ projection: [ProjectedField], embeds: [EmbedRows],
                             into json: inout JSONWriter, notes: inout [String]) {
        json.beginObject()
        for field in projection {
            json.key(field.name)
            switch field {
            case .id(let id, let column), .reference(_, let id, let column):
                switch row[column] {
                case .uint(let key), .bits(let key): json.publicID(id, key)
                case .int(let key) where key >= 0: json.publicID(id, UInt64(key))
                default: json.null()
                }
            case .value(let name, let value, let column, let zoneColumn):
                ValueRenderer.write(row[column], zone: zoneColumn.map { row[$0] }, field: value, name: name, into: &json, notes: &notes)
            case .object(_, let fields):
                write(row, fields, embeds: embeds, into: &json, notes: &notes)
            case .embed(_, let index):
                let embed = embeds[index]
                let children = embed.rowsByParent[embed.embed.parentColumns.map { row[$0] }] ?? []
                if embed.embed.many {
                    json.beginArray()
                    for child in children { write(child, embed.embed.childProjection, embeds: [], into: &json, notes: &notes) }
                    json.endArray()
                } else if let child = children.first {
                    write(child, embed.embed.childProjection, embeds: [], into: &json, notes: &notes)
                } else {
                    json.null()
                }
            case .joined(_, let present, let fields):
                if case .null = row[present] { json.null() } else { write(row, fields, embeds: [], into: &json, notes: &notes) }
            }
        }
        json.endObject()
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

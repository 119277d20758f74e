import PorticoCatalog
public import PorticoQuery
public import PorticoValues

/// CSV for lists and exports, in a profile's dialect (``CSVLayout``). Portico's own
/// (``CSVProfile/standard``) is RFC 4180: one header row of dotted field names (`total.amount`,
/// `customer.name`), cells quoted when they must be, CRLF, and text a spreadsheet would run as
/// a formula (`=`, `+`, `-`, `@`, tab, CR first) prefixed with `'`. To-many embeds have no column.
public enum CSVWriter {
    /// What comes before the first row: the byte-order mark if the profile has one, and the header row if it is on.
    public static func header(_ layout: CSVLayout) -> [UInt8] {
        var out: [UInt8] = layout.profile.encoding == .utf8BOM ? [0xEF, 0xBB, 0xBF] : []
        if layout.header {
            var notes: [String] = []
            appendLine(layout.headers, layout, to: &out, notes: &notes)
        }
        return out
    }

    public static func rows(_ rows: [MySQLRow], _ layout: CSVLayout, embeds: [EmbedRows], into out: inout [UInt8], notes: inout [String]) {
        var document: [CSVValue] = []
        var values: [CSVValue] = []
        var cells: [String] = []
        for row in rows {
            document.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
            collect(row, layout.planned.projection, embeds: embeds, into: &document, notes: &notes)
            collect(row, layout.planned.csvValues, embeds: [], into: &values, notes: &notes)
            cells.removeAll(keepingCapacity: true)
            for (source, guarded) in zip(layout.sources, layout.guards) {
                let value =
                    switch source {
                    case .document(let index): document[index]
                    case .value(let index): values[index]
                    }
                cells.append(layout.text(value, guarded: guarded))
            }
            appendLine(cells, layout, to: &out, notes: &notes)
        }
    }

    /// A whole document: header and rows.
    public static func document(_ rows: [MySQLRow], _ planned: PlannedRead, embeds: [EmbedRows], notes: inout [String]) -> [UInt8] {
        document(rows, CSVLayout.standard(planned), embeds: embeds, notes: &notes)
    }

    public static func document(_ rows: [MySQLRow], _ layout: CSVLayout, embeds: [EmbedRows], notes: inout [String]) -> [UInt8] {
        var out = header(layout)
        self.rows(rows, layout, embeds: embeds, into: &out, notes: &notes)
        return out
    }

    static func columnNames(_ projection: [ProjectedField], _ embeds: [PlannedEmbed], prefix: String) -> [String] {
        projection.flatMap { field -> [String] in
            switch field {
            case .id, .value, .reference, .constant: [prefix + field.name]
            case .object(let name, let fields, _): columnNames(fields, embeds, prefix: prefix + name + ".")
            case .embed(let name, let index):
                embeds[index].many ? [] : columnNames(embeds[index].childProjection, [], prefix: prefix + name + ".")
            case .joined(let name, _, let fields): columnNames(fields, [], prefix: prefix + name + ".")
            }
        }
    }

    /// One typed cell per column, in ``columnNames(_:_:prefix:)`` order; a missing row (a null
    /// object, an embed with no match) gives empty cells.
    static func collect(_ row: MySQLRow?, _ projection: [ProjectedField], embeds: [EmbedRows], into cells: inout [CSVValue], notes: inout [String]) {
        for field in projection {
            switch field {
            case .id(let id, let columns):
                // A natural key is text the product wrote: guarded like any other text cell.
                guard let text = row.flatMap({ r in id.format(columns.map { r[$0] }) }) else {
                    cells.append(.empty)
                    continue
                }
                cells.append(id.encoding == .text ? .text(text) : .plain(text))
            case .reference(_, let id, let column):
                guard let text = row.flatMap({ r in id.format([r[column]]) }) else {
                    cells.append(.empty)
                    continue
                }
                cells.append(id.encoding == .text ? .text(text) : .plain(text))
            case .value(let name, let value, let column, let zoneColumn):
                guard let row else {
                    cells.append(.empty)
                    continue
                }
                cells.append(cell(row[column], zone: zoneColumn.map { row[$0] }, value, name: name, notes: &notes))
            case .object(_, let fields, let nullWhen):
                // A null object's cells are empty, as a missing embed's are.
                collect(row.flatMap { nullWhen.holds($0) ? nil : $0 }, fields, embeds: embeds, into: &cells, notes: &notes)
            case .embed(_, let index):
                let embed = embeds[index]
                guard !embed.embed.many else { continue }
                let child = row.flatMap { r in embed.children(of: r).first }
                collect(child, embed.embed.childProjection, embeds: [], into: &cells, notes: &notes)
            case .joined(_, let present, let fields):
                let child = row.flatMap { r -> MySQLRow? in if case .null = r[present] { nil } else { r } }
                collect(child, fields, embeds: [], into: &cells, notes: &notes)
            case .constant(_, let constant):
                guard row != nil else {
                    cells.append(.empty)
                    continue
                }
                var cell = CSVCell()
                DocumentWriter.write(constant, into: &cell)
                cells.append(cell.isString ? .text(cell.text) : .plain(cell.text))
            }
        }
    }

    /// A value as the API renders it, with what a profile needs to write it its own way.
    static func cell(_ raw: MySQLValue, zone: MySQLValue?, _ field: ValueField, name: String, notes: inout [String]) -> CSVValue {
        var cell = CSVCell()
        ValueRenderer.write(raw, zone: zone, field: field, name: name, into: &cell, notes: &notes)
        if cell.isNull { return .null }
        if let bool = cell.bool { return .bool(bool) }
        switch field.type {
        case .datetime:
            guard let (utc, local) = instant(raw, zone: zone, field) else { return .plain(cell.text) }
            return .instant(utc: utc, local: local, standard: cell.text)
        case .date:
            if case .zone = field.conversion, let (utc, local) = instant(raw, zone: zone, field) {
                return .instant(utc: utc, local: local, standard: cell.text)
            }
            switch raw {
            case .date(let date): return .date(date, standard: cell.text)
            case .datetime(let time): return .date(time.date, standard: cell.text)
            default: return .plain(cell.text)
            }
        case .decimal, .number: return .number(cell.text)
        default: return cell.isString ? .text(cell.text) : .plain(cell.text)
        }
    }

    /// A stored datetime (or a date's midnight) as the UTC instant and the stored wall-clock
    /// time; for fields without `zone:` the two are the same. Nil for other values or an unknown zone.
    static func instant(_ raw: MySQLValue, zone: MySQLValue?, _ field: ValueField) -> (MySQLDateTime, MySQLDateTime)? {
        guard let local = ValueRenderer.wallClock(raw) else { return nil }
        guard case .zone(let source) = field.conversion else { return (local, local) }
        guard let zone = ValueRenderer.zone(source, zone) else { return nil }
        return (TimeZones.utc(fromLocal: local, in: zone), local)
    }

    /// Text that would start a formula gets a leading `'`; numbers such as `-12.50` stay as they are.
    static func defused(_ text: String) -> String {
        guard let first = text.utf8.first, [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains(first) else { return text }
        if text.wholeMatch(of: /[-+]?[0-9]+(\.[0-9]+)?/) != nil { return text }
        return "'" + text
    }

    /// One record: cells quoted as the profile says, encoded, and the line end.
    static func appendLine(_ cells: [String], _ layout: CSVLayout, to out: inout [UInt8], notes: inout [String]) {
        let profile = layout.profile
        let delimiter = profile.delimiter
        var replaced = 0
        for (index, cell) in cells.enumerated() {
            if index > 0 { out.append(delimiter) }
            if profile.quoting == .all || cell.utf8.contains(where: { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                out.append(0x22)
                if cell.utf8.contains(0x22) {
                    replaced += CSVEncoding.append(cell.replacing("\"", with: "\"\""), profile.encoding, replacement: layout.replacement, to: &out)
                } else {
                    replaced += CSVEncoding.append(cell, profile.encoding, replacement: layout.replacement, to: &out)
                }
                out.append(0x22)
            } else {
                replaced += CSVEncoding.append(cell, profile.encoding, replacement: layout.replacement, to: &out)
            }
        }
        out.append(contentsOf: profile.lineEnding.bytes)
        if replaced > 0 {
            notes.append("CSV profile \(profile.name): characters \(profile.encoding.rawValue) cannot hold were written as '\(profile.replacement)'")
        }
    }
}

/// A cell before a profile writes it: what kind of value it is, and the API's own text for it.
public enum CSVValue: Sendable {
    /// No value: the row of a null object or of a missing embed.
    case empty
    case null
    /// Text from the product: the formula guard applies.
    case text(String)
    /// Numbers, ids and other text Portico wrote itself.
    case plain(String)
    /// A decimal or number, as `123.45`: the decimal separator applies.
    case number(String)
    case bool(Bool)
    case instant(utc: MySQLDateTime, local: MySQLDateTime, standard: String)
    case date(MySQLDate, standard: String)
}

import PorticoCatalog
public import PorticoQuery
public import PorticoValues

/// CSV (RFC 4180) for lists and exports: one header row of dotted field names (`total.amount`,
/// `customer.name`), cells quoted when they must be, and text a spreadsheet would run as a
/// formula (`=`, `+`, `-`, `@`, tab, CR first) prefixed with `'`. To-many embeds have no column.
public enum CSVWriter {
    public static func header(_ planned: PlannedRead) -> [UInt8] {
        var line: [UInt8] = []
        appendLine(columnNames(planned.projection, planned.embeds, prefix: ""), to: &line)
        return line
    }

    public static func rows(_ rows: [MySQLRow], _ planned: PlannedRead, embeds: [EmbedRows], into out: inout [UInt8], notes: inout [String]) {
        for row in rows {
            var cells: [String] = []
            collect(row, planned.projection, embeds: embeds, into: &cells, notes: &notes)
            appendLine(cells, to: &out)
        }
    }

    /// A whole document: header and rows.
    public static func document(_ rows: [MySQLRow], _ planned: PlannedRead, embeds: [EmbedRows], notes: inout [String]) -> [UInt8] {
        var out = header(planned)
        self.rows(rows, planned, embeds: embeds, into: &out, notes: &notes)
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

    static func collect(_ row: MySQLRow?, _ projection: [ProjectedField], embeds: [EmbedRows], into cells: inout [String], notes: inout [String]) {
        for field in projection {
            switch field {
            case .id(let id, let columns):
                // A natural key is text the product wrote: defused like any other text cell.
                let text = row.flatMap { r in id.format(columns.map { r[$0] }) } ?? ""
                cells.append(id.encoding == .text ? defused(text) : text)
            case .reference(_, let id, let column):
                let text = row.flatMap { r in id.format([r[column]]) } ?? ""
                cells.append(id.encoding == .text ? defused(text) : text)
            case .value(let name, let value, let column, let zoneColumn):
                guard let row else {
                    cells.append("")
                    continue
                }
                var cell = CSVCell()
                ValueRenderer.write(row[column], zone: zoneColumn.map { row[$0] }, field: value, name: name, into: &cell, notes: &notes)
                cells.append(cell.isString ? defused(cell.text) : cell.text)
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
                    cells.append("")
                    continue
                }
                var cell = CSVCell()
                DocumentWriter.write(constant, into: &cell)
                cells.append(cell.isString ? defused(cell.text) : cell.text)
            }
        }
    }

    /// Text that would start a formula gets a leading `'`; numbers such as `-12.50` stay as they are.
    static func defused(_ text: String) -> String {
        guard let first = text.utf8.first, [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains(first) else { return text }
        if text.wholeMatch(of: /[-+]?[0-9]+(\.[0-9]+)?/) != nil { return text }
        return "'" + text
    }

    static func appendLine(_ cells: [String], to out: inout [UInt8]) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { out.append(0x2C) }
            if cell.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                out.append(0x22)
                for byte in cell.utf8 {
                    if byte == 0x22 { out.append(0x22) }
                    out.append(byte)
                }
                out.append(0x22)
            } else {
                out.append(contentsOf: cell.utf8)
            }
        }
        out.append(contentsOf: [0x0D, 0x0A])
    }
}

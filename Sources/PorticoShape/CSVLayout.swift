public import PorticoCatalog
public import PorticoQuery

/// What one CSV response writes: a profile applied to a planned read. Each column takes its
/// cells from the document's columns (a field, by its dotted name) or from the profile's own
/// value columns (``PlannedRead/csvValues``); the formula guard is decided per column.
public struct CSVLayout: Sendable {
    public enum Source: Sendable {
        case document(Int)
        case value(Int)
    }

    public let profile: CSVProfile
    public let planned: PlannedRead
    /// Whether the header row is written (the profile's, unless the media type said `header=`).
    public let header: Bool
    public let headers: [String]
    let sources: [Source]
    let guards: [Bool]
    /// The byte a character the encoding cannot hold becomes.
    let replacement: UInt8

    /// Portico's own CSV: every column of the document, under its dotted name.
    public static func standard(_ planned: PlannedRead) -> CSVLayout {
        let names = CSVWriter.columnNames(planned.projection, planned.embeds, prefix: "")
        return CSVLayout(
            profile: .standard, planned: planned, header: true, headers: names, sources: names.indices.map { .document($0) },
            guards: Array(repeating: true, count: names.count), replacement: 0x3F)
    }

    /// A profile's columns over this read; fails with the first field the read leaves out
    /// (`fields=` without it, or an expandable embed shown the other way).
    public static func make(_ profile: CSVProfile, _ planned: PlannedRead, header: Bool? = nil) -> Result<CSVLayout, MissingColumn> {
        let names = CSVWriter.columnNames(planned.projection, planned.embeds, prefix: "")
        let replacement = profile.replacement.unicodeScalars.first.flatMap { CSVEncoding.byte($0, in: profile.encoding) } ?? 0x3F
        guard let columns = profile.columns else {
            return .success(
                CSVLayout(
                    profile: profile, planned: planned, header: header ?? profile.header, headers: names,
                    sources: names.indices.map { .document($0) }, guards: Array(repeating: profile.formulaGuard, count: names.count),
                    replacement: replacement))
        }
        let position = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var sources: [Source] = []
        var valueIndex = 0
        for column in columns {
            switch column.source {
            case .field(let name):
                guard let index = position[name] else { return .failure(MissingColumn(profile: profile.name, field: name)) }
                sources.append(.document(index))
            case .value:
                sources.append(.value(valueIndex))
                valueIndex += 1
            }
        }
        return .success(
            CSVLayout(
                profile: profile, planned: planned, header: header ?? profile.header, headers: columns.map(\.header), sources: sources,
                guards: columns.map { $0.formulaGuard ?? profile.formulaGuard }, replacement: replacement))
    }

    public struct MissingColumn: Error, Sendable {
        public let profile: String
        public let field: String
    }

    /// A cell's text in this profile.
    func text(_ value: CSVValue, guarded: Bool) -> String {
        switch value {
        case .empty, .null: return profile.nullText
        case .text(let text): return guarded ? CSVWriter.defused(text) : text
        case .plain(let text): return text
        case .number(let text):
            return profile.decimalSeparator == 0x2E ? text : text.replacing(".", with: ",")
        case .bool(let value): return value ? profile.trueText : profile.falseText
        case .instant(let utc, let local, let standard):
            let time = profile.zone == .utc ? utc : local
            if let pattern = profile.datetime { return pattern.format(time) }
            guard profile.zone == .local else { return standard }
            return DateTimePattern.localISO.format(time)
        case .date(let date, let standard):
            return profile.date.map { $0.format(date) } ?? standard
        }
    }
}

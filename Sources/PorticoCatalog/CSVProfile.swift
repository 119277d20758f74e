/// A named way of writing a resource's CSV (`csv: {profiles: …}`), chosen by the partner with
/// `format=csv&profile=NAME` or `Accept: text/csv; profile=NAME`: which columns in which order
/// under which headers, and the dialect (delimiter, quoting, line ends, encoding, how dates,
/// decimals, booleans and NULL are written, and which columns are guarded against formulas).
/// Without a profile a resource's CSV is Portico's own (``CSVProfile/standard``).
public struct CSVProfile: Sendable {
    public enum Quoting: String, Sendable, CaseIterable {
        /// Only cells that hold the delimiter, `"`, CR or LF.
        case minimal
        /// Every cell, empty ones too.
        case all
    }

    public enum LineEnding: String, Sendable, CaseIterable {
        case crlf, lf

        public var bytes: [UInt8] { self == .crlf ? [0x0D, 0x0A] : [0x0A] }
    }

    public enum Encoding: String, Sendable, CaseIterable {
        case utf8 = "utf-8"
        /// UTF-8 with a byte-order mark first, which spreadsheet programs take as "this is UTF-8".
        case utf8BOM = "utf-8-bom"
        case windows1252 = "windows-1252"
        case latin1 = "latin-1"

        /// The `charset` of the media type.
        public var charset: String {
            switch self {
            case .utf8, .utf8BOM: "utf-8"
            case .windows1252: "windows-1252"
            case .latin1: "iso-8859-1"
            }
        }
    }

    /// Which clock datetimes are written in.
    public enum Zone: String, Sendable, CaseIterable {
        /// The instant in UTC, as the API gives it.
        case utc
        /// The wall-clock time as the product stored it: for fields with `zone:`, the tenant's
        /// own local time, as legacy jobs wrote it; fields without `zone:` are stored in UTC.
        case local
    }

    /// One column: its header and where its cells come from.
    public struct Column: Sendable {
        public enum Source: Sendable {
            /// A field of the resource's document, by its dotted CSV name (`total.amount`, `customer.name`).
            case field(String)
            /// A value of the row the document does not show (`{column: status_cd, type: string}`):
            /// a field of the profile's own, read like any other.
            case value(Field)
        }

        public let header: String
        public let source: Source
        /// Whether text that would start a formula gets a leading `'`; nil for the profile's choice.
        public let formulaGuard: Bool?
        public let location: Location
    }

    public let name: String
    public let description: String?
    public let delimiter: UInt8
    public let quoting: Quoting
    public let lineEnding: LineEnding
    public let encoding: Encoding
    /// What a character the encoding cannot hold becomes (one character the encoding can hold).
    public let replacement: String
    /// Whether a header row comes first (the media type's `header=absent` turns it off).
    public let header: Bool
    /// How datetime and date cells are written; nil for the API's own forms.
    public let datetime: DateTimePattern?
    public let date: DateTimePattern?
    public let zone: Zone
    /// `.` or `,`.
    public let decimalSeparator: UInt8
    public let trueText: String
    public let falseText: String
    public let nullText: String
    /// The default for columns that do not say (on unless the profile turns it off).
    public let formulaGuard: Bool
    /// The columns in order; nil for the resource's standard columns under their dotted names.
    public let columns: [Column]?
    public let location: Location

    public init(
        name: String, description: String? = nil, delimiter: UInt8 = 0x2C, quoting: Quoting = .minimal, lineEnding: LineEnding = .crlf,
        encoding: Encoding = .utf8, replacement: String = "?", header: Bool = true, datetime: DateTimePattern? = nil,
        date: DateTimePattern? = nil, zone: Zone = .utc, decimalSeparator: UInt8 = 0x2E, trueText: String = "true",
        falseText: String = "false", nullText: String = "", formulaGuard: Bool = true, columns: [Column]? = nil,
        location: Location = Location(file: "", line: 0, column: 0)
    ) {
        self.name = name
        self.description = description
        self.delimiter = delimiter
        self.quoting = quoting
        self.lineEnding = lineEnding
        self.encoding = encoding
        self.replacement = replacement
        self.header = header
        self.datetime = datetime
        self.date = date
        self.zone = zone
        self.decimalSeparator = decimalSeparator
        self.trueText = trueText
        self.falseText = falseText
        self.nullText = nullText
        self.formulaGuard = formulaGuard
        self.columns = columns
        self.location = location
    }

    /// Portico's own CSV: RFC 4180 with CRLF, UTF-8, dotted field names as headers, the API's
    /// value forms, and the formula guard on every text cell.
    public static let standard = CSVProfile(name: "default")

    /// The profile's own value columns, in order: what the planner reads besides the document.
    public var valueFields: [Field] {
        (columns ?? []).compactMap {
            if case .value(let field) = $0.source { field } else { nil }
        }
    }

    /// The delimiter as it is written in a mapping and a document.
    public var delimiterName: String {
        switch delimiter {
        case 0x09: "tab"
        default: String(UnicodeScalar(delimiter))
        }
    }
}

/// A resource's (or a version's) CSV settings: its profiles and the file name exports are given.
public struct CSVSettings: Sendable {
    /// In declaration order; names are unique.
    public var profiles: [CSVProfile] = []
    /// The `Content-Disposition` file name of exports; nil for the version's (or the standard) one.
    public var filename: FilenameTemplate?

    public init(profiles: [CSVProfile] = [], filename: FilenameTemplate? = nil) {
        self.profiles = profiles
        self.filename = filename
    }

    public func profile(named name: String) -> CSVProfile? { profiles.first { $0.name == name } }

    /// These settings over a version's: the resource's profiles first, then the version's it does not redefine.
    public func over(_ version: CSVSettings) -> CSVSettings {
        let own = Set(profiles.map(\.name))
        return CSVSettings(profiles: profiles + version.profiles.filter { !own.contains($0.name) }, filename: filename ?? version.filename)
    }
}

/// An export's file name, from a template such as `{resource}-{date}.{format}`: placeholders
/// `{resource}`, `{version}`, `{date}` (the day of the request, UTC, `YYYY-MM-DD`), `{profile}`
/// (the CSV profile's name, `default` without one) and `{format}` (`csv` or `ndjson`).
public struct FilenameTemplate: Sendable, Hashable {
    public static let placeholders = ["resource", "version", "date", "profile", "format"]
    public static let standard = FilenameTemplate(
        parts: [.placeholder("resource"), .text("-"), .placeholder("date"), .text("."), .placeholder("format")], text: "{resource}-{date}.{format}")

    public enum Part: Sendable, Hashable {
        case text(String)
        case placeholder(String)
    }

    public let parts: [Part]
    public let text: String

    /// The template, or what is wrong with it.
    public static func parse(_ text: String) -> Result<FilenameTemplate, TemplateError> {
        var parts: [Part] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.first == "{" {
                guard let close = rest.firstIndex(of: "}") else { return .failure(.unclosed) }
                let name = String(rest[rest.index(after: rest.startIndex)..<close])
                guard placeholders.contains(name) else { return .failure(.unknown(name)) }
                parts.append(.placeholder(name))
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.firstIndex(of: "{") ?? rest.endIndex
                let literal = rest[..<end]
                if let bad = literal.unicodeScalars.first(where: { !Self.isSafe($0) }) { return .failure(.character(Character(bad))) }
                parts.append(.text(String(literal)))
                rest = rest[end...]
            }
        }
        if parts.isEmpty { return .failure(.empty) }
        return .success(FilenameTemplate(parts: parts, text: text))
    }

    /// Letters, digits and `. _ - + ( )` and space: a name every file system and browser keeps as it is.
    static func isSafe(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-+() ".unicodeScalars.contains(scalar))
    }

    public enum TemplateError: Error, Equatable, CustomStringConvertible {
        case empty, unclosed
        case unknown(String)
        case character(Character)

        public var description: String {
            switch self {
            case .empty: "is empty"
            case .unclosed: "has a '{' that is not closed"
            case .unknown(let name):
                "has '{\(name)}', which is not one of \(FilenameTemplate.placeholders.map { "{\($0)}" }.joined(separator: " "))"
                    + Suggestion.hint(for: name, among: FilenameTemplate.placeholders)
            case .character(let character):
                "has '\(character)': a file name takes letters, digits, spaces and . _ - + ( ) besides placeholders"
            }
        }
    }

    /// The file name; placeholder values are reduced to safe characters too.
    public func render(_ values: [String: String]) -> String {
        parts.map { part in
            switch part {
            case .text(let text): text
            case .placeholder(let name):
                String(String.UnicodeScalarView((values[name] ?? "").unicodeScalars.map { Self.isSafe($0) ? $0 : "_" }))
            }
        }.joined()
    }
}

extension CSVProfile: Equatable {
    /// Equal settings; columns are compared by header, what they show, guard and place (a
    /// value column's field by its declaration's place, which fixes what it reads).
    public static func == (a: CSVProfile, b: CSVProfile) -> Bool {
        a.name == b.name && a.description == b.description && a.delimiter == b.delimiter && a.quoting == b.quoting
            && a.lineEnding == b.lineEnding && a.encoding == b.encoding && a.replacement == b.replacement && a.header == b.header
            && a.datetime == b.datetime && a.date == b.date && a.zone == b.zone && a.decimalSeparator == b.decimalSeparator
            && a.trueText == b.trueText && a.falseText == b.falseText && a.nullText == b.nullText && a.formulaGuard == b.formulaGuard
            && a.location == b.location && a.columns?.map(\.signature) == b.columns?.map(\.signature)
    }
}

extension CSVProfile.Column {
    var signature: String {
        let shown =
            switch source {
            case .field(let name): "field " + name
            case .value(let field): "value \(field.location)"
            }
        return "\(header)\u{0}\(shown)\u{0}\(String(describing: formulaGuard))\u{0}\(location)"
    }
}

extension CSVSettings: Equatable {}

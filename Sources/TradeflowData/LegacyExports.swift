import Foundation
import PorticoValues

/// The nightly CSV exports the Tradeflow product writes for each account, in its legacy style,
/// from the generator's rows: what the demo's export area serves (nginx, behind the product's
/// Basic credential) and Portico's gateway proxies.
///
/// For each account and each of the last `nights` nights of the dataset:
/// `<account>/orders-<YYYY-MM-DD>.csv`, every order placed up to that night (a full snapshot, as
/// the legacy job wrote it), and `<account>/order-lines-<YYYY-MM-DD>.csv` for the newest night.
/// The legacy style: `;` between cells, CRLF line ends, UTF-8, German headers, times as
/// `dd.MM.yyyy HH:mm` in UTC (empty for none), amounts with a decimal comma, a cell quoted with
/// `"` only when it holds `;`, `"`, CR or LF. The same rows always give the same bytes.
struct LegacyExports {
    let data: String
    let out: String
    let nights: Int

    struct Order {
        let number: Int
        let account: Int
        let cells: [String]
        let placedDay: Int
    }

    static let orderHeader = ["Bestellnummer", "Kundennummer", "Status", "Bestelldatum", "Versanddatum", "Summe", "Waehrung", "Land", "Bemerkung"]
    static let lineHeader = ["Bestellnummer", "Position", "Artikel", "Menge", "Einzelpreis", "Rabatt"]

    func run() throws -> Int {
        let orders = try TSVReader.rows("\(data)/orders.tsv").compactMap(Self.order)
        let lastDay = orders.map(\.placedDay).max() ?? 0
        let byNumber = Dictionary(grouping: orders, by: \.number).compactMapValues(\.first)
        var lines: [Int: [[String]]] = [:]
        for row in try TSVReader.rows("\(data)/order_lines.tsv") where row.count >= 6 {
            guard let number = Int(row[0] ?? ""), let account = byNumber[number]?.account else { continue }
            lines[account, default: []].append([
                row[0] ?? "", row[1] ?? "", row[2] ?? "", Self.decimalComma(row[3] ?? ""), Self.cents(row[4] ?? ""), Self.decimalComma(row[5] ?? ""),
            ])
        }
        var files = 0
        for (account, accountOrders) in Dictionary(grouping: orders, by: \.account).sorted(by: { $0.key < $1.key }) {
            let folder = "\(out)/\(account)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let sorted = accountOrders.sorted { $0.number < $1.number }
            for night in (lastDay - nights + 1)...lastDay {
                let name = "orders-\(TimeText.date(days: night)).csv"
                try Self.write(Self.orderHeader, sorted.filter { $0.placedDay <= night }.map(\.cells), to: "\(folder)/\(name)")
                files += 1
            }
            try Self.write(Self.lineHeader, lines[account] ?? [], to: "\(folder)/order-lines-\(TimeText.date(days: lastDay)).csv")
            files += 1
        }
        return files
    }

    static func order(_ row: [String?]) -> Order? {
        guard row.count >= 11, let number = Int(row[0] ?? ""), let account = Int(row[1] ?? ""), let placed = row[4] ?? nil,
            let day = Self.day(placed)
        else { return nil }
        let shipped = row[5].flatMap { $0 == "0000-00-00 00:00:00" ? nil : $0 }
        return Order(
            number: number, account: account,
            cells: [
                row[0] ?? "", row[2] ?? "", row[3] ?? "", legacyTime(placed), shipped.map(legacyTime) ?? "", cents(row[6] ?? ""), row[7] ?? "",
                row[8] ?? "", row[9] ?? "",
            ], placedDay: day)
    }

    /// `2026-10-24 13:05:09` → days since 1970.
    static func day(_ text: String) -> Int? {
        MySQLDate(iso: String(text.prefix(10))).map { TimeText.days(year: $0.year, month: $0.month, day: $0.day) }
    }

    /// `2026-10-24 13:05:09` → `24.10.2026 13:05`.
    static func legacyTime(_ text: String) -> String {
        let t = Array(text)
        guard t.count >= 16 else { return text }
        return String(t[8...9]) + "." + String(t[5...6]) + "." + String(t[0...3]) + " " + String(t[11...15])
    }

    /// Cents as `123,45`.
    static func cents(_ text: String) -> String {
        guard let value = Int(text) else { return text }
        let sign = value < 0 ? "-" : ""
        return sign + String(abs(value) / 100) + "," + TimeText.pad(abs(value) % 100, 2)
    }

    static func decimalComma(_ text: String) -> String { text.replacingOccurrences(of: ".", with: ",") }

    static func cell(_ text: String) -> String {
        // By code point: "\r\n" is one Character, which equals neither "\r" nor "\n".
        guard text.unicodeScalars.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func write(_ header: [String], _ rows: [[String]], to path: String) throws {
        var text = header.joined(separator: ";") + "\r\n"
        for row in rows { text += row.map(cell).joined(separator: ";") + "\r\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}

/// Reads the generator's own tab-separated files back (`\N` for NULL, backslash escapes).
enum TSVReader {
    static func rows(_ path: String) throws -> [[String?]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).map { field in
                field == "\\N" ? nil : unescape(field)
            }
        }
    }

    static func unescape(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var result = ""
        var escaped = false
        for character in field {
            if escaped {
                switch character {
                case "t": result.append("\t")
                case "n": result.append("\n")
                case "r": result.append("\r")
                default: result.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}

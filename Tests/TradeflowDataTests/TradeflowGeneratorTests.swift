import Foundation
import Testing

@testable import TradeflowData

@Suite("Tradeflow demo data generator")
struct TradeflowGeneratorTests {
    private func generate(seed: UInt64 = 20_160_101) throws -> (TradeflowGenerator.Counts, String) {
        let directory = NSTemporaryDirectory() + "tradeflow-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let counts = try TradeflowGenerator(size: .tiny, seed: seed, directory: directory).run()
        return (counts, directory)
    }

    private func rows(_ directory: String, _ table: String) throws -> [[String]] {
        try String(contentsOfFile: "\(directory)/\(table).tsv", encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test("the same seed writes the same bytes; another seed does not")
    func deterministic() throws {
        let (_, a) = try generate()
        let (_, b) = try generate()
        let (_, c) = try generate(seed: 7)
        for table in ["accounts", "customers", "products", "orders", "order_lines", "invoices"] {
            let left = FileManager.default.contents(atPath: "\(a)/\(table).tsv")
            #expect(left == FileManager.default.contents(atPath: "\(b)/\(table).tsv"), "\(table) differs between runs")
            if table == "orders" { #expect(left != FileManager.default.contents(atPath: "\(c)/\(table).tsv")) }
        }
    }

    @Test("tiny has the documented shape and every quirk the mappings must hide")
    func quirks() throws {
        let (counts, directory) = try generate()
        #expect(counts.rows("accounts") == 8)
        #expect(counts.rows("orders") == 600)
        let orders = try rows(directory, "orders")
        #expect(orders.count == 600)
        #expect(orders.contains { $0[3] == "5" }, "an undocumented status code")
        #expect(orders.contains { $0[5] == "0000-00-00 00:00:00" }, "zero shipped dates")
        #expect(orders.contains { $0[9] == "\\N" }, "NULL notes")
        let lines = try rows(directory, "order_lines")
        #expect(lines.count == counts.rows("order_lines"))
        // Every line belongs to an existing order and is numbered from 1 within it.
        let orderNumbers = Set(orders.map { $0[0] })
        #expect(lines.allSatisfy { orderNumbers.contains($0[0]) })
        #expect(lines.filter { $0[1] == "1" }.count == 600)
        let products = try rows(directory, "products")
        #expect(products.contains { $0[8].hasPrefix("{color:") }, "invalid JSON in attrs")
        #expect(products.contains { $0[4].contains("\\n") && $0[4].contains("\\t") }, "escaped newlines and tabs")
        let invoices = try rows(directory, "invoices")
        #expect(invoices.allSatisfy { $0[1].wholeMatch(of: /INV-\d{4}-\d{6}/) != nil })
        #expect(Set(invoices.map { $0[1] }).count == invoices.count, "invoice numbers are unique")
        let links = try rows(directory, "partner_links")
        #expect(links.filter { $0[0] == "acme" }.map { $0[1] } == ["1", "2", "3"])
        #expect(links.filter { $0[0] == "globex" }.map { $0[1] } == ["3", "4", "5"])
    }

    @Test("account names fit latin1, so the latin1 column stores them unchanged")
    func latin1Names() throws {
        let (_, directory) = try generate()
        for row in try rows(directory, "accounts") {
            #expect(row[1].unicodeScalars.allSatisfy { $0.value <= 0xFF }, "\(row[1]) does not fit latin1")
        }
    }

    @Test func escaping() {
        var buffer: [UInt8] = []
        TSVWriter.escape("a\tb\nc\\d\re", into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "a\\tb\\nc\\\\d\\re")
    }

    @Test func civilTime() {
        #expect(TimeText.dateTime(0) == "1970-01-01 00:00:00")
        #expect(TimeText.dateTime(951_782_400 + 3661, millis: 7) == "2000-02-29 01:01:01.007")
        #expect(TimeText.days(year: 2016, month: 1, day: 1) == 16_801)
        #expect(TimeText.date(days: TimeText.days(year: 2024, month: 12, day: 31)) == "2024-12-31")
        #expect(TimeText.dateTime(-1) == "1969-12-31 23:59:59")
    }
}

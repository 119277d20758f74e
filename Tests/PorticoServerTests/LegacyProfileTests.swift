import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoAccess
import PorticoMySQL
import PorticoServer
import PorticoTestSupport
import PorticoValues
import Testing

/// The `legacy` CSV profile of the demo's orders (`mappings/v1/orders.yaml`) against the
/// product's own nightly files, as its export area holds them: for every account and night,
/// Portico's answer for that account's orders placed up to that night is the file, byte for byte.
@Suite("Legacy CSV profile (MariaDB, the export area's files)", .serialized)
struct LegacyProfileTests {
    let pool: MySQLConnectionPool

    init() throws {
        pool = MySQLConnectionPool(configuration: try TestDatabase.product(), options: .init(maxConnections: 2), logger: TestApp.quietLogger)
    }

    /// Every nightly orders file: account, night, and the bytes (a `.csv.gz` night decompressed).
    static func nights() throws -> [(account: Int, night: String, bytes: [UInt8])] {
        var result: [(Int, String, [UInt8])] = []
        let accounts = try FileManager.default.contentsOfDirectory(atPath: LegacyExportsGatewayTests.directory).compactMap(Int.init).sorted()
        for account in accounts {
            for file in try LegacyExportsGatewayTests.files(account) where file.hasPrefix("orders-") {
                let night = String(file.dropFirst("orders-".count).prefix(10))
                let raw = try LegacyExportsGatewayTests.bytes(account, file)
                result.append((account, night, file.hasSuffix(".gz") ? try LegacyExportsGatewayTests.gunzip(raw) : raw))
            }
        }
        return result
    }

    /// The first instant after `night` in the account's own zone, which the legacy job cut by.
    func end(of night: String, account: Int) async throws -> String {
        let zoneName = try #require(
            try await pool.query("SELECT tz_name FROM accounts WHERE acct_id = ?", [.uint(UInt64(account))]).rows.first?[0].text)
        let zone = try #require(TimeZones.zone(zoneName))
        let day = try #require(MySQLDate(iso: night))
        let midnight = MySQLDateTime(
            epochSeconds: MySQLDateTime(year: day.year, month: day.month, day: day.day).epochSeconds + 86_400, microsecond: 0)
        return TimeZones.utc(fromLocal: midnight, in: zone).rfc3339(fraction: 0, zulu: true)
    }

    @Test("every account's every night: profile=legacy, sort=id and placed_at=lt:<the night's end> is the legacy file, byte for byte")
    func everyNight() async throws {
        let nights = try Self.nights()
        try #require(nights.count >= 8, "the export area holds \(nights.count) nightly files; run with `eval \"$(scripts/db env)\"`")
        // The files hold what is hard to reproduce: text beyond Latin-1, quoted cells with the
        // delimiter, quotes, LF and CRLF inside, and files that are mostly NULL cells.
        let files = nights.map(\.bytes)
        #expect(files.contains { String(decoding: $0, as: UTF8.self).unicodeScalars.contains { $0.value > 0xFF } }, "text beyond Latin-1")
        for piece in ["\"Call ahead; dock", "\"\"Jörg\"\"\"", "\"Tor 2\nRampe", "Hof\r\nTor 2\""] {
            #expect(files.contains { Self.contains($0, Array(piece.utf8)) }, "a file with \(piece.debugDescription)")
        }
        let nullHeavy = files.contains { file in
            let rows = Self.split(file).dropFirst()
            return rows.count > 10 && rows.filter { $0.last == 0x3B }.count * 10 >= rows.count * 8
        }
        #expect(nullHeavy, "a file where at least 80% of the rows have no Bemerkung")
        for (account, night, expected) in nights {
            let principal = Principal(partner: "legacy-\(account)", scopes: ["orders:read"], tenants: [.uint(UInt64(account))])
            let before = try await end(of: night, account: account)
            // The app shuts its pool down when the test client is done: one per night.
            let appPool = MySQLConnectionPool(
                configuration: try TestDatabase.product(), options: .init(maxConnections: 2), logger: TestApp.quietLogger)
            let app = TestApp.build(pool: appPool, principal: principal)
            try await app.test(.router) { client in
                let response = try await client.execute(
                    uri: "/api/v1/orders?format=csv&profile=legacy&sort=id&placed_at=lt:\(before)", method: .get)
                #expect(response.status == .ok)
                let got = Array(response.body.readableBytesView)
                // Compared as one Bool: a failure prints where the bytes part, not both files.
                let identical = got == expected
                #expect(identical, "account \(account), night \(night): \(Self.firstDifference(got, expected))")
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(response.headers[.contentDisposition]?.hasSuffix("-legacy.csv\"") == true)
            }
        }
        await pool.close()
    }

    /// One app for the newest night of account 1, for the tests of how a profile is asked for.
    func withNewest(_ body: @escaping @Sendable (any TestClientProtocol, _ query: String, _ file: [UInt8]) async throws -> Void) async throws {
        let newest = try #require(try Self.nights().filter { $0.account == 1 }.max { $0.night < $1.night })
        let query = "sort=id&placed_at=lt:\(try await end(of: newest.night, account: 1))"
        let principal = Principal(partner: "legacy-1", scopes: ["orders:read"], tenants: [.uint(1)])
        try await TestApp.build(pool: pool, principal: principal).test(.router) { client in try await body(client, query, newest.bytes) }
    }

    @Test("Accept: text/csv; profile=legacy; header=absent is the file without its header row; gzip decodes to the file")
    func acceptParameters() async throws {
        try await withNewest { client, query, file in
            let response = try await client.execute(
                uri: "/api/v1/orders?\(query)", method: .get, headers: [.accept: "text/csv; profile=legacy; header=absent"])
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/csv; charset=utf-8; header=absent")
            let withoutHeader = Array(file.drop { $0 != 0x0A }.dropFirst())
            let identical = Array(response.body.readableBytesView) == withoutHeader
            #expect(identical)
            let zipped = try await client.execute(
                uri: "/api/v1/orders?format=csv&profile=legacy&\(query)", method: .get, headers: [.acceptEncoding: "gzip"])
            #expect(zipped.headers[.contentEncoding] == "gzip")
            let decoded = Gzip.decompress(Array(zipped.body.readableBytesView))
            #expect(decoded == file)
        }
    }

    @Test("a profile that does not exist and a bad header= are 400s; a profile on JSON is left out; fields= does not narrow a profile's columns")
    func refusals() async throws {
        try await withNewest { client, query, file in
            let unknown = try await client.execute(uri: "/api/v1/orders?format=csv&profile=legasy&\(query)", method: .get)
            #expect(unknown.status == .badRequest)
            #expect(String(buffer: unknown.body).contains("it has: default, legacy"))
            let header = try await client.execute(uri: "/api/v1/orders?limit=1", method: .get, headers: [.accept: "text/csv; header=maybe"])
            #expect(header.status == .badRequest && String(buffer: header.body).contains("present or absent"))
            let viaAccept = try await client.execute(uri: "/api/v1/orders?limit=1", method: .get, headers: [.accept: "text/csv; profile=nope"])
            #expect(viaAccept.status == .badRequest)
            let json = try await client.execute(uri: "/api/v1/orders?profile=legacy&limit=2", method: .get)
            let plainJSON = try await client.execute(uri: "/api/v1/orders?limit=2", method: .get)
            #expect(json.status == .ok && json.headers[.contentType] == "application/json")
            #expect(Array(json.body.readableBytesView) == Array(plainJSON.body.readableBytesView))
            let narrowed = try await client.execute(uri: "/api/v1/orders?format=csv&profile=legacy&fields=id&\(query)", method: .get)
            let identical = Array(narrowed.body.readableBytesView) == file
            #expect(narrowed.status == .ok && identical, "the profile's columns, whatever fields says")
        }
    }

    @Test("profile=default is Portico's own CSV; exports name a file from the mapping's template; one order reads in the profile too")
    func defaultsAndItems() async throws {
        try await withNewest { client, query, file in
            let standard = try await client.execute(uri: "/api/v1/orders?format=csv&profile=default&\(query)", method: .get)
            let plain = try await client.execute(uri: "/api/v1/orders?format=csv&\(query)", method: .get)
            #expect(standard.status == .ok && Array(standard.body.readableBytesView) == Array(plain.body.readableBytesView))
            #expect(String(buffer: plain.body).hasPrefix("id,status,placed_at,"))
            let today = MySQLDateTime(epochSeconds: Int(Date().timeIntervalSince1970), microsecond: 0).date.description
            let ndjson = try await client.execute(uri: "/api/v1/orders?format=ndjson&limit=1", method: .get)
            let disposition = try #require(ndjson.headers[.contentDisposition])
            // The day may turn between the request and this line: either is the request's.
            #expect(disposition.hasPrefix("attachment; filename=\"orders-") && disposition.hasSuffix("-default.ndjson\""), "\(disposition)")
            #expect(disposition.contains(today) || disposition.contains(String(today.prefix(8))))
            let lines = Self.split(file)
            let first = try #require(lines.dropFirst().first)
            let number = String(decoding: first.prefix { $0 != 0x3B }, as: UTF8.self)
            let padded = String(repeating: "0", count: max(0, 8 - number.count)) + number
            let item = try await client.execute(uri: "/api/v1/orders/ORD-\(padded)?format=csv&profile=legacy", method: .get)
            #expect(item.status == .ok)
            #expect(String(buffer: item.body) == String(decoding: lines[0] + [0x0D, 0x0A] + first + [0x0D, 0x0A], as: UTF8.self))
        }
    }

    static func contains(_ bytes: [UInt8], _ piece: [UInt8]) -> Bool {
        bytes.indices.contains { bytes[$0...].starts(with: piece) }
    }

    /// A file's records, without their CRLF (records whose quoted cells hold line breaks stay whole).
    static func split(_ bytes: [UInt8]) -> [[UInt8]] {
        var records: [[UInt8]] = []
        var current: [UInt8] = []
        var quoted = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x22 { quoted.toggle() }
            if !quoted, byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                records.append(current)
                current = []
                index += 2
                continue
            }
            current.append(byte)
            index += 1
        }
        if !current.isEmpty { records.append(current) }
        return records
    }

    /// Where two byte strings first differ, as text around it, for a failure message.
    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
        let at = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
        let around = { (bytes: [UInt8]) in String(decoding: bytes[max(0, at - 60)..<min(bytes.count, at + 60)], as: UTF8.self).debugDescription }
        return "first difference at byte \(at) of \(a.count) / \(b.count): got \(around(a)), expected \(around(b))"
    }
}

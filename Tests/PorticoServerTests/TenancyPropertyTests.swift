import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoAccess
import PorticoCatalog
import PorticoMySQL
import PorticoServer
import PorticoTestSupport
import Testing

/// Two partners on the same tables. Partner A walks every tenant-scoped resource of every
/// version, with every sort, every filter (fed with values taken from B's own rows), every
/// cursor and every optional embed, and reads B's ids directly; it must never see a row of B.
@Suite("Tenant isolation, property style (MariaDB)", .serialized)
struct TenancyPropertyTests {
    static let scopes = ["customers:read", "invoices:read", "orders:read", "products:read"]

    @Test("partner A never sees a row of partner B, whatever the resource, filter, sort, cursor or embed")
    func neverAnotherPartnersRow() async throws {
        let state = MySQLConnectionPool(configuration: try TestDatabase.state(), logger: TestApp.quietLogger)
        let product = MySQLConnectionPool(configuration: try TestDatabase.product(), options: .init(maxConnections: 4), logger: TestApp.quietLogger)
        _ = try await StateSchema.migrate(state, productSchema: "tradeflow")
        let store = PartnerStore(pool: state)
        let suffix = UInt32.random(in: 0...UInt32.max)
        var keys: [String: String] = [:]
        for (name, tenants) in [("a", [UInt64(1), 2]), ("b", [UInt64(4), 5])] {
            _ = try await store.addPartner(code: "prop-\(name)-\(suffix)", name: nil)
            try await store.grant(partner: "prop-\(name)-\(suffix)", tenants: tenants)
            keys[name] = try await store.issueKey(partner: "prop-\(name)-\(suffix)", scopes: Self.scopes, expires: nil).token
        }
        let auth = Authenticator(store: MySQLAccessStore(statePool: state, productPool: product, tenantSource: .grants), logger: TestApp.quietLogger)
        let read = ReadSettings(catalogs: TestApp.catalogs, cursors: TestApp.cursors, developmentPrincipal: nil, authenticator: auth)
        let app = TestApp.application(settings: .init(port: 0), read: read, pool: product, services: [state], logger: TestApp.quietLogger)
        let a: HTTPFields = [.authorization: "Bearer \(keys["a"]!)", .init("X-Request-Id")!: "same"]
        let b: HTTPFields = [.authorization: "Bearer \(keys["b"]!)", .init("X-Request-Id")!: "same"]
        let checked = try await app.test(.router) { client in
            var checked = 0
            for (version, catalog) in TestApp.catalogs.catalogs.sorted(by: { $0.key < $1.key }) {
                for resource in catalog.endpoints where resource.tenant != .none {
                    let base = "/api/\(version)/\(resource.name)"
                    let include = resource.fields.compactMap { field -> String? in
                        if case .embed(let embed) = field.kind, embed.optional { return field.name }
                        return nil
                    }
                    let includeQuery = include.isEmpty ? "" : "&include=" + include.joined(separator: ",")
                    let bDocuments = try await Self.walk(client, base + "?limit=200" + includeQuery, headers: b)
                    let bIDs = Set(bDocuments.compactMap { $0["id"] as? String })
                    let bNested = Set(bDocuments.flatMap(Self.nestedIDs))
                    try #require(!bIDs.isEmpty, "B has no \(resource.name) to hide")

                    var aIDs = Set<String>()
                    for sort in [""] + resource.sortKeys.flatMap({ ["&sort=\($0)", "&sort=-\($0)"] }) {
                        let documents = try await Self.walk(client, base + "?limit=13" + sort + includeQuery, headers: a)
                        let ids = Set(documents.compactMap { $0["id"] as? String })
                        #expect(ids.isDisjoint(with: bIDs), "\(base)\(sort): A saw B's rows \(ids.intersection(bIDs).sorted().prefix(5))")
                        let nested = Set(documents.flatMap(Self.nestedIDs)).intersection(bNested).subtracting(Self.sharedIDs(documents))
                        #expect(nested.isEmpty, "\(base)\(sort): A saw B's embedded rows \(nested.sorted().prefix(5))")
                        aIDs.formUnion(ids)
                        checked += 1
                    }
                    try #require(!aIDs.isEmpty, "A has no \(resource.name)")

                    // Filters fed with B's values: never widen A's view.
                    for (field, filter) in resource.filters.sorted(by: { $0.key < $1.key }) {
                        let values = Array(Set(bDocuments.compactMap { Self.value(at: field, in: $0) })).sorted().prefix(4)
                        for value in values {
                            for op in filter.operators {
                                let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                                let clause = op == .eq ? "\(field)=\(encoded)" : "\(field)=\(op.rawValue):\(encoded)"
                                let documents = try await Self.walk(client, base + "?limit=50&" + clause, headers: a)
                                let ids = Set(documents.compactMap { $0["id"] as? String })
                                #expect(ids.isSubset(of: aIDs), "\(base)?\(clause): rows outside A's own \(ids.subtracting(aIDs).sorted().prefix(5))")
                                checked += 1
                            }
                        }
                    }

                    // B's ids read directly: a 404 byte-identical to an id that does not exist.
                    let missing = try await client.execute(uri: base + "/\(Self.missingID(bIDs.first!))", method: .get, headers: a)
                    #expect(missing.status == .notFound)
                    for id in bIDs.sorted().prefix(10) {
                        let hidden = try await client.execute(uri: base + "/\(id)", method: .get, headers: a)
                        #expect(hidden.status == .notFound, "\(base)/\(id) answered \(hidden.status) to A")
                        #expect(
                            String(buffer: hidden.body).replacingOccurrences(of: id, with: "X")
                                == String(buffer: missing.body).replacingOccurrences(of: Self.missingID(bIDs.first!), with: "X"))
                        checked += 1
                    }

                    // B's cursor in A's hands: refused, or confined to A's rows.
                    let first = try await client.execute(uri: base + "?limit=3", method: .get, headers: b)
                    if let cursor = try ReadApiTests.json(first)["next_cursor"] as? String {
                        let stolen = try await client.execute(
                            uri: base + "?limit=3&cursor=" + cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, method: .get,
                            headers: a)
                        if stolen.status == .ok {
                            let ids = Set(try ReadApiTests.data(stolen).compactMap { $0["id"] as? String })
                            #expect(ids.isSubset(of: aIDs), "B's cursor showed A rows outside its own")
                        } else {
                            #expect(stolen.status == .badRequest)
                        }
                    }
                }
            }
            return checked
        }
        #expect(checked > 100, "only \(checked) checks ran")
    }

    /// Every document of a cursor walk.
    static func walk(_ client: some TestClientProtocol, _ uri: String, headers: HTTPFields) async throws -> [[String: Any]] {
        var documents: [[String: Any]] = []
        var next: String? = uri
        var pages = 0
        while let current = next {
            pages += 1
            try #require(pages < 500, "cursor walk does not end")
            let response = try await client.execute(uri: current, method: .get, headers: headers)
            try #require(response.status == .ok, "\(current): \(String(buffer: response.body))")
            let body = try ReadApiTests.json(response)
            documents += try #require(body["data"] as? [[String: Any]])
            next = (body["next_cursor"] as? String).map { uri + "&cursor=" + $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
        }
        return documents
    }

    /// The ids of every object nested in a document (embedded rows).
    static func nestedIDs(_ document: [String: Any]) -> [String] {
        document.values.flatMap { value -> [String] in
            switch value {
            case let object as [String: Any]: (object["id"] as? String).map { [$0] } ?? [] + nestedIDs(object)
            case let list as [[String: Any]]: list.flatMap { ($0["id"] as? String).map { [$0] } ?? [] + nestedIDs($0) }
            default: []
            }
        }
    }

    /// Ids of shared reference data (products, `tenant: none`), which both partners may see.
    static func sharedIDs(_ documents: [[String: Any]]) -> Set<String> {
        Set(documents.flatMap(nestedIDs).filter { $0.hasPrefix("PRD-") })
    }

    /// A dotted field's value in a document, as query text.
    static func value(at path: String, in document: [String: Any]) -> String? {
        var current: Any? = document
        for part in path.split(separator: ".") { current = (current as? [String: Any])?[String(part)] }
        switch current {
        case let text as String: return text
        case let number as NSNumber where String(cString: number.objCType) == "c": return number.boolValue ? "true" : "false"
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }

    /// An id of the same shape that no row has.
    static func missingID(_ sample: String) -> String {
        guard let dash = sample.firstIndex(of: "-") else { return "999999999" }
        return String(sample[...dash]) + String(repeating: "9", count: sample.distance(from: dash, to: sample.endIndex) - 1)
    }
}

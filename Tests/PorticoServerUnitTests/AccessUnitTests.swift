import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoAccess
import PorticoMySQL
import PorticoQuota
import PorticoServer
import PorticoTestSupport
import Testing

/// API keys, scopes and tenancy through the whole application, in process: the authenticator on
/// an in-memory ``AccessStore``, reads on the in-memory executor. How Portico's schema stores
/// keys, grants and plans, and tenants read from a product table, are tested against MariaDB
/// (`AccessTests`, `MySQLAccessStoreTests`).
@Suite("Partner access (no database)")
struct AccessUnitTests {
    let store = InMemoryAccessStore()
    let executor = UnitApp.executor()

    func authenticator() -> Authenticator { Authenticator(store: store, logger: UnitApp.quietLogger) }

    func app(_ authenticator: Authenticator, limits: Limits? = nil) -> some ApplicationProtocol {
        UnitApp.build(executor, authenticator: authenticator, limits: limits)
    }

    @Test("a key works as Bearer and as X-API-Key, never from the query string")
    func keyHeaders() async throws {
        store.addPartner("acme", tenants: [1])
        let key = store.issueKey(partner: "acme", scopes: ["products:read"])
        try await app(authenticator()).test(.router) { client in
            let bearer = try await client.execute(uri: "/api/v1/products?limit=1", method: .get, headers: [.authorization: "Bearer \(key.token)"])
            #expect(bearer.status == .ok)
            let header = try await client.execute(uri: "/api/v1/products?limit=1", method: .get, headers: [.init("X-API-Key")!: key.token])
            #expect(header.status == .ok)
            let query = try await client.execute(uri: "/api/v1/products?limit=1&api_key=\(key.token)", method: .get)
            #expect(query.status == .unauthorized)
            #expect(query.headers[.wwwAuthenticate] == "Bearer")
        }
    }

    @Test("unknown, wrong-secret, malformed, revoked, expired and disabled-partner keys are the same 401; a bad checksum needs no lookup")
    func invalidKeys() async throws {
        store.addPartner("globex", tenants: [1])
        store.addPartner("gone", tenants: [1])
        let live = store.issueKey(partner: "globex", scopes: ["products:read"])
        let expired = store.issueKey(partner: "globex", scopes: ["products:read"], expires: MySQLDateTime(rfc3339: "2020-01-01T00:00:00Z"))
        let revoked = store.issueKey(partner: "globex", scopes: ["products:read"])
        store.revoke(revoked.id)
        let disabled = store.issueKey(partner: "gone", scopes: ["products:read"])
        store.disable("gone")
        var typoChars = Array(live.token)
        typoChars[20] = typoChars[20] == "a" ? "b" : "a"
        let typo = String(typoChars)
        let wrongSecret = store.issueKey(partner: "globex", scopes: ["products:read"], storedHash: ApiKey.generate().secretHash)
        let unknown = ApiKey.generate().token
        let auth = authenticator()
        try await app(auth).test(.router) { client in
            var bodies: Set<String> = []
            for token in [unknown, typo, wrongSecret.token, revoked.token, expired.token, disabled.token, "not-a-key"] {
                let reads = store.reads
                let response = try await client.execute(
                    uri: "/api/v1/products", method: .get, headers: [.authorization: "Bearer \(token)", .init("X-Request-Id")!: "r"])
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer error=\"invalid_token\"")
                bodies.insert(String(buffer: response.body))
                if token == typo || token == "not-a-key" { #expect(store.reads == reads, "a malformed key was looked up") }
            }
            #expect(bodies.count == 1, "the bodies tell the cases apart: \(bodies)")
            #expect(try await client.execute(uri: "/api/v1/products", method: .get, headers: [.authorization: "Bearer \(live.token)"]).status == .ok)
        }
        #expect(executor.reads == 1, "only the live key's request read rows")
    }

    @Test("an imported legacy token works like a key, both headers; a near miss, an unknown one and a revoked one are the same 401")
    func importedTokens() async throws {
        store.addPartner("legacy", tenants: [1])
        let token = "tf_live_8c1f0b2a9d7e4f3b6a5c"
        let imported = try #require(store.importKey(partner: "legacy", token: token, scopes: ["products:read"]))
        #expect(imported.id.hasPrefix("i-") && imported.id.count == 10)
        #expect(ApiKey.Imported(sha256: imported.hash.map { String(format: "%02x", $0) }.joined()) == imported, "--sha256 names the same key")
        let revokedToken = "tf_live_0000revokedtoken0000"
        let revoked = try #require(store.importKey(partner: "legacy", token: revokedToken, scopes: ["products:read"]))
        store.revoke(revoked.id)
        try await app(authenticator()).test(.router) { client in
            let bearer = try await client.execute(uri: "/api/v1/products?limit=1", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(bearer.status == .ok)
            let header = try await client.execute(uri: "/api/v1/products?limit=1", method: .get, headers: [.init("X-API-Key")!: token])
            #expect(header.status == .ok)
            var bodies: Set<String> = []
            for other in [token.dropLast() + "d", "tf_live_unknown-but-well-formed", revokedToken, "short"] {
                let response = try await client.execute(
                    uri: "/api/v1/products", method: .get, headers: [.authorization: "Bearer \(other)", .init("X-Request-Id")!: "r"])
                #expect(response.status == .unauthorized, "\(other)")
                bodies.insert(String(buffer: response.body))
            }
            #expect(bodies.count == 1, "\(bodies)")
        }
    }

    @Test("a revoked key works until the cache TTL has passed, then stops; a rotated pair overlaps")
    func revocationAndRotation() async throws {
        store.addPartner("rotate", tenants: [1])
        let old = store.issueKey(partner: "rotate", scopes: ["products:read"])
        let new = store.issueKey(partner: "rotate", scopes: ["products:read"])
        let clock = ManualClock()
        let auth = Authenticator(store: store, logger: UnitApp.quietLogger, clock: { clock.now })
        try await app(auth).test(.router) { client in
            func status(_ key: ApiKey) async throws -> HTTPResponse.Status {
                try await client.execute(uri: "/api/v1/products?limit=1", method: .get, headers: [.authorization: "Bearer \(key.token)"]).status
            }
            #expect(try await status(old) == .ok)
            #expect(try await status(new) == .ok)
            store.revoke(old.id)
            clock.advance(by: Authenticator.keyTTL - .milliseconds(1))
            let cached = try await status(old)
            #expect(cached == .ok, "still cached: revocation takes effect within the TTL, not at once")
            clock.advance(by: .milliseconds(2))
            let expired = try await status(old)
            #expect(expired == .unauthorized)
            #expect(try await status(new) == .ok)
        }
    }

    @Test("a missing scope is 403 naming the scope, before any read")
    func scopes() async throws {
        store.addPartner("scoped", tenants: [1])
        let key = store.issueKey(partner: "scoped", scopes: ["customers:read"])
        try await app(authenticator()).test(.router) { client in
            let denied = try await client.execute(uri: "/api/v1/products", method: .get, headers: [.authorization: "Bearer \(key.token)"])
            #expect(denied.status == .forbidden)
            #expect(denied.headers[.wwwAuthenticate] == "Bearer error=\"insufficient_scope\", scope=\"products:read\"")
        }
        #expect(executor.reads == 0)
    }

    @Test("each partner sees only its own tenants' rows; another tenant's item is the same 404 as a missing one")
    func tenancy() async throws {
        store.addPartner("one", tenants: [1])
        store.addPartner("two", tenants: [2])
        let one = store.issueKey(partner: "one", scopes: ["products:read"])
        let two = store.issueKey(partner: "two", scopes: ["products:read"])
        try await app(authenticator()).test(.router) { client in
            func ids(_ key: ApiKey) async throws -> [String] {
                let page = try PipelineTests.json(
                    try await client.execute(uri: "/api/v1/products?fields=id", method: .get, headers: [.authorization: "Bearer \(key.token)"]))
                return (page["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            #expect(try await ids(one) == ["PRD-000001", "PRD-000002", "PRD-000003"])
            #expect(try await ids(two) == ["PRD-000004"])
            let headers: HTTPFields = [.authorization: "Bearer \(two.token)", .init("X-Request-Id")!: "same"]
            let others = try await client.execute(uri: "/api/v1/products/PRD-000001", method: .get, headers: headers)
            let missing = try await client.execute(uri: "/api/v1/products/PRD-000099", method: .get, headers: headers)
            #expect(others.status == .notFound && missing.status == .notFound)
            #expect(
                String(buffer: others.body).replacingOccurrences(of: "PRD-000001", with: "X")
                    == String(buffer: missing.body).replacingOccurrences(of: "PRD-000099", with: "X"))
        }
    }

    @Test("a partner granted no tenant sees an empty list, never everyone's rows")
    func noTenants() async throws {
        store.addPartner("empty", tenants: [])
        let key = store.issueKey(partner: "empty", scopes: ["products:read"])
        try await app(authenticator()).test(.router) { client in
            let page = try PipelineTests.json(
                try await client.execute(uri: "/api/v1/products", method: .get, headers: [.authorization: "Bearer \(key.token)"]))
            #expect((page["data"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("a key record is read once and then cached; a store that is down is a 503, never a 401 or another partner's rows")
    func cachingAndOutage() async throws {
        store.addPartner("cached", tenants: [1])
        let key = store.issueKey(partner: "cached", scopes: ["products:read"])
        // The caches' clock stands still: on a loaded machine the six requests may take longer
        // than a cache lifetime, which is not what this test is about.
        let now = ContinuousClock.now
        let auth = Authenticator(store: store, logger: UnitApp.quietLogger, clock: { now })
        try await app(auth).test(.router) { client in
            let headers: HTTPFields = [.authorization: "Bearer \(key.token)"]
            #expect(try await client.execute(uri: "/api/v1/products?limit=1", method: .get, headers: headers).status == .ok)
            let reads = store.reads
            for _ in 0..<5 { #expect(try await client.execute(uri: "/api/v1/products?limit=1", method: .get, headers: headers).status == .ok) }
            #expect(store.reads == reads, "a cached key read the store again")
            store.goDown()
            let fresh = ApiKey.generate()
            let down = try await client.execute(uri: "/api/v1/products", method: .get, headers: [.authorization: "Bearer \(fresh.token)"])
            #expect(down.status == .serviceUnavailable, "\(String(buffer: down.body))")
            #expect(!String(buffer: down.body).contains("connect"), "the store's error text reached the partner")
        }
    }

    @Test(
        "with the store down, a key seen before is served from its expired entry for 5 minutes, retried once a second; a revocation lands once the store is back"
    )
    func staleIfError() async throws {
        store.addPartner("stale", tenants: [1])
        let key = store.issueKey(partner: "stale", scopes: ["products:read"])
        let clock = ManualClock()
        let auth = Authenticator(store: store, logger: UnitApp.quietLogger, clock: { clock.now })
        try await app(auth).test(.router) { client in
            func status() async throws -> HTTPResponse.Status {
                try await client.execute(uri: "/api/v1/products?limit=1", method: .get, headers: [.authorization: "Bearer \(key.token)"]).status
            }
            let before = try await status()
            #expect(before == .ok)
            store.goDown()
            store.revoke(key.id)  // as if written while this instance could not read the store
            clock.advance(by: Authenticator.keyTTL + .milliseconds(1))
            let whileDown = try await status()
            #expect(whileDown == .ok, "the expired entry answers while the store is down")
            #expect(auth.staleAnswers >= 1)
            let reads = store.reads
            clock.advance(by: .milliseconds(500))
            let withinRetry = try await status()
            #expect(withinRetry == .ok)
            #expect(store.reads == reads, "retried within a second of the failed read")
            clock.advance(by: .seconds(301))
            let pastStale = try await status()
            #expect(pastStale == .serviceUnavailable, "past 5 minutes stale, the store's absence shows")
            store.comeBack()
            let back = try await status()
            #expect(back == .unauthorized, "once the store answers, the revocation holds")
        }
    }
}

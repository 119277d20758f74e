import Foundation
import Hummingbird
import HummingbirdTesting
import JWTKit
import NIOCore
import PorticoAccess
import PorticoMySQL
import PorticoQuota
import PorticoServer
import PorticoTestSupport
import Synchronization
import Testing

/// Portico's authorization server (client credentials, RFC 9068 tokens) through the real server,
/// with Portico's schema on the private MariaDB.
@Suite("OAuth 2 client credentials (MariaDB)", .serialized)
struct OAuthTests {
    static let issuer = "http://portico.test"
    let product: MySQLConnectionPool
    let state: MySQLConnectionPool

    init() throws {
        product = MySQLConnectionPool(configuration: try TestDatabase.product(), logger: TestApp.quietLogger)
        state = MySQLConnectionPool(configuration: try TestDatabase.state(), logger: TestApp.quietLogger)
    }

    /// A fresh partner granted `tenants`, with a client holding `scopes`.
    func client(
        _ base: String, tenants: [UInt64] = [1, 2, 3], scopes: [String] = ["orders:read", "customers:read"]
    ) async throws
        -> (partner: String, client: ClientStore.Issued)
    {
        _ = try await StateSchema.migrate(state, productSchema: "tradeflow")
        let store = PartnerStore(pool: state)
        let code = "\(base)-\(UInt32.random(in: 0...UInt32.max))"
        _ = try await store.addPartner(code: code, name: nil)
        try await store.grant(partner: code, tenants: tenants)
        return (code, try await ClientStore(pool: state).add(partner: code, scopes: scopes))
    }

    /// The app with a fresh authenticator and token issuer (empty caches) on fresh pools.
    static func app(
        limits: Limits? = nil, external: [ExternalIssuer] = [], clock: ManualClock = ManualClock()
    ) throws
        -> (some ApplicationProtocol, Authenticator)
    {
        let product = MySQLConnectionPool(configuration: try TestDatabase.product(), logger: TestApp.quietLogger)
        let state = MySQLConnectionPool(configuration: try TestDatabase.state(), logger: TestApp.quietLogger)
        let store = MySQLAccessStore(statePool: state, productPool: product, tenantSource: .grants)
        let issuer = TokenIssuer(settings: TokenSettings(issuer: issuer, lifetime: 300), store: store, logger: TestApp.quietLogger)
        let auth = Authenticator(store: store, logger: TestApp.quietLogger, tokenIssuer: issuer, externalIssuers: external, clock: { clock.now })
        let read = ReadSettings(catalogs: TestApp.catalogs, cursors: TestApp.cursors, developmentPrincipal: nil, authenticator: auth, limits: limits)
        return (TestApp.application(settings: .init(port: 0), read: read, pool: product, services: [state], logger: TestApp.quietLogger), auth)
    }

    static func basic(_ id: String, _ secret: String) -> String {
        "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()
    }

    static func tokenRequest(
        _ client: some TestClientProtocol, form: String, authorization: String? = nil,
        contentType: String = "application/x-www-form-urlencoded"
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: contentType]
        if let authorization { headers[.authorization] = authorization }
        return try await client.execute(uri: "/oauth/token", method: .post, headers: headers, body: ByteBuffer(string: form))
    }

    static func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
    }

    static func decode(_ part: Substring) -> [String: Any] {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        return (try? JSONSerialization.jsonObject(with: Data(base64Encoded: text) ?? Data())) as? [String: Any] ?? [:]
    }

    /// Requests a token; returns it, or fails the test.
    static func token(_ client: some TestClientProtocol, _ issued: ClientStore.Issued, scope: String? = nil) async throws -> String {
        let form = "grant_type=client_credentials" + (scope.map { "&scope=" + $0.replacingOccurrences(of: " ", with: "+") } ?? "")
        let response = try await tokenRequest(client, form: form, authorization: basic(issued.clientID, issued.secret))
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        return try #require(json(response)["access_token"] as? String)
    }

    static func get(_ client: some TestClientProtocol, _ uri: String, token: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"])
    }

    @Test("client credentials by Basic or form give an RFC 9068 token that reads the partner's rows within its scopes")
    func roundTrip() async throws {
        let (partner, issued) = try await client("oauth")
        let (app, _) = try Self.app()
        try await app.test(.router) { client in
            let response = try await Self.tokenRequest(
                client, form: "grant_type=client_credentials&scope=orders:read",
                authorization: Self.basic(issued.clientID, issued.secret))
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            let body = Self.json(response)
            #expect(body["token_type"] as? String == "Bearer" && body["expires_in"] as? Int == 300 && body["scope"] as? String == "orders:read")
            #expect(body["refresh_token"] == nil)
            let token = try #require(body["access_token"] as? String)
            let parts = token.split(separator: ".")
            let header = Self.decode(parts[0])
            let claims = Self.decode(parts[1])
            #expect(header["typ"] as? String == "at+jwt" && header["alg"] as? String == "ES256" && (header["kid"] as? String)?.isEmpty == false)
            #expect(claims["iss"] as? String == Self.issuer && claims["aud"] as? String == Self.issuer + "/api")
            #expect(claims["sub"] as? String == partner && claims["client_id"] as? String == issued.clientID)
            #expect(claims["scope"] as? String == "orders:read" && claims["jti"] is String)
            let iat = try #require(claims["iat"] as? Int)
            #expect(claims["exp"] as? Int == iat + 300)

            let orders = try await Self.get(client, "/api/v1/orders?limit=2&fields=id", token: token)
            #expect(orders.status == .ok)
            // The token holds orders:read only, though the client could have asked for customers:read too.
            let customers = try await Self.get(client, "/api/v1/customers?limit=1", token: token)
            #expect(customers.status == .forbidden)
            #expect(customers.headers[.wwwAuthenticate] == "Bearer error=\"insufficient_scope\", scope=\"customers:read\"")

            // Form authentication, no scope: every scope the client holds.
            let form = try await Self.tokenRequest(
                client, form: "grant_type=client_credentials&client_id=\(issued.clientID)&client_secret=\(issued.secret)")
            #expect(form.status == .ok)
            #expect(Self.json(form)["scope"] as? String == "customers:read orders:read")
        }
    }

    @Test("token endpoint errors follow RFC 6749 §5.2")
    func tokenErrors() async throws {
        let (_, issued) = try await client("oauth-errors")
        let (app, _) = try Self.app()
        let good = Self.basic(issued.clientID, issued.secret)
        try await app.test(.router) { client in
            func expect(
                _ form: String, _ authorization: String?, status: HTTPResponse.Status, error: String,
                contentType: String = "application/x-www-form-urlencoded", sourceLocation: SourceLocation = #_sourceLocation
            ) async throws {
                let response = try await Self.tokenRequest(client, form: form, authorization: authorization, contentType: contentType)
                #expect(response.status == status, sourceLocation: sourceLocation)
                #expect(Self.json(response)["error"] as? String == error, "\(String(buffer: response.body))", sourceLocation: sourceLocation)
                #expect(response.headers[.cacheControl] == "no-store", sourceLocation: sourceLocation)
                if status == .unauthorized {
                    #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Basic realm=") == true, sourceLocation: sourceLocation)
                }
            }
            let wrongSecret = Self.basic(issued.clientID, ClientCredentials.generateSecret())
            try await expect("grant_type=client_credentials", wrongSecret, status: .unauthorized, error: "invalid_client")
            try await expect(
                "grant_type=client_credentials", Self.basic(ClientCredentials.generateID(), issued.secret), status: .unauthorized,
                error: "invalid_client")
            try await expect("grant_type=client_credentials", nil, status: .unauthorized, error: "invalid_client")
            try await expect("grant_type=client_credentials&client_secret=\(issued.secret)", good, status: .badRequest, error: "invalid_request")
            try await expect("grant_type=password&username=a&password=b", good, status: .badRequest, error: "unsupported_grant_type")
            try await expect("scope=orders:read", good, status: .badRequest, error: "invalid_request")
            try await expect("grant_type=client_credentials&grant_type=client_credentials", good, status: .badRequest, error: "invalid_request")
            try await expect("grant_type=client_credentials&scope=invoices:read", good, status: .badRequest, error: "invalid_scope")
            try await expect(
                #"{"grant_type":"client_credentials"}"#, good, status: .badRequest, error: "invalid_request", contentType: "application/json")
            try await expect(
                "grant_type=client_credentials&pad=" + String(repeating: "x", count: 5000), good, status: .badRequest, error: "invalid_request")
            let get = try await client.execute(uri: "/oauth/token", method: .get)
            #expect(get.status == .methodNotAllowed && get.headers[.allow] == "POST")
        }
    }

    @Test("JWKS and RFC 8414 metadata are published; a token verifies against the JWKS alone")
    func discovery() async throws {
        let (_, issued) = try await client("oauth-jwks")
        let (app, _) = try Self.app()
        try await app.test(.router) { client in
            let token = try await Self.token(client, issued)
            let jwks = try await client.execute(uri: "/.well-known/jwks.json", method: .get)
            #expect(jwks.status == .ok && jwks.headers[.contentType] == "application/jwk-set+json")
            // An independent check: jwt-kit loading only the published JWKS verifies the token.
            let keys = JWTKeyCollection()
            try await keys.add(jwksJSON: String(buffer: jwks.body))
            struct Claims: JWTPayload {
                let sub: String
                func verify(using algorithm: some JWTAlgorithm) async throws {}
            }
            _ = try await keys.verify(token, as: Claims.self)
            let metadata = Self.json(try await client.execute(uri: "/.well-known/oauth-authorization-server", method: .get))
            #expect(metadata["issuer"] as? String == Self.issuer)
            #expect(metadata["token_endpoint"] as? String == Self.issuer + "/oauth/token")
            #expect(metadata["jwks_uri"] as? String == Self.issuer + "/.well-known/jwks.json")
            #expect(metadata["grant_types_supported"] as? [String] == ["client_credentials"])
            #expect((metadata["scopes_supported"] as? [String])?.contains("orders:read") == true)
        }
    }

    @Test("the JWKS is never empty: migrate creates a signing key before any token, and a schema with none gets one on the first fetch")
    func jwksBeforeFirstToken() async throws {
        try await TestDatabase.withScratchSchema("jwks") { admin in
            let schema = try await admin.query("SELECT DATABASE()").rows[0][0].text ?? ""
            let pool = MySQLConnectionPool(configuration: TestDatabase.admin(database: schema), logger: TestApp.quietLogger)
            let report = try await StateSchema.migrate(pool, productSchema: "tradeflow")
            let kid = try #require(report.signingKeyCreated, "migrate created no signing key")
            #expect(try await StateSchema.migrate(pool, productSchema: "tradeflow").signingKeyCreated == nil, "a second migrate adds none")
            #expect(
                try await SigningKeyStore(
                    store: MySQLAccessStore(statePool: pool, productPool: product, tenantSource: .grants), logger: TestApp.quietLogger
                ).jwks().contains(#""kid":"\#(kid)""#))

            // A schema whose keys were all retired (or migrated before this rule): the first
            // fetch of the JWKS, over HTTP, creates and publishes one.
            try await admin.execute("UPDATE signing_keys SET retired_at = UTC_TIMESTAMP()")
            let store = MySQLAccessStore(statePool: pool, productPool: product, tenantSource: .grants)
            let issuer = TokenIssuer(settings: TokenSettings(issuer: Self.issuer), store: store, logger: TestApp.quietLogger)
            let auth = Authenticator(store: store, logger: TestApp.quietLogger, tokenIssuer: issuer)
            let read = ReadSettings(catalogs: TestApp.catalogs, cursors: TestApp.cursors, developmentPrincipal: nil, authenticator: auth)
            try await TestApp.application(settings: .init(port: 0), read: read, pool: product, logger: TestApp.quietLogger).test(.router) { client in
                let jwks = Self.json(try await client.execute(uri: "/.well-known/jwks.json", method: .get))
                let keys = try #require(jwks["keys"] as? [[String: Any]])
                #expect(keys.count == 1 && keys[0]["kid"] as? String != kid, "\(jwks)")
            }
            await pool.close()
        }
    }

    @Test("a revoked client's tokens stop working; a rotated secret overlaps, then only the new one works")
    func revocationAndRotation() async throws {
        let (_, issued) = try await client("oauth-revoke")
        let clients = ClientStore(pool: state)
        let (first, _) = try Self.app()
        let token = try await first.test(.router) { client in
            let token = try await Self.token(client, issued)
            #expect(try await Self.get(client, "/api/v1/orders?limit=1", token: token).status == .ok)
            return token
        }
        let newSecret = try await clients.rotateSecret(clientID: issued.clientID, overlapSeconds: 3600)
        let (second, _) = try Self.app()
        try await second.test(.router) { client in
            _ = try await Self.token(client, issued)
            _ = try await Self.token(client, .init(clientID: issued.clientID, secret: newSecret))
        }
        let newest = try await clients.rotateSecret(clientID: issued.clientID, overlapSeconds: 0)
        try await clients.revoke(clientID: issued.clientID)
        // A fresh instance (the same as any instance after the 5 s cache bound).
        let (third, _) = try Self.app()
        try await third.test(.router) { client in
            let old = try await Self.tokenRequest(
                client, form: "grant_type=client_credentials", authorization: Self.basic(issued.clientID, newSecret))
            #expect(old.status == .unauthorized)
            let revoked = try await Self.tokenRequest(
                client, form: "grant_type=client_credentials", authorization: Self.basic(issued.clientID, newest))
            #expect(revoked.status == .unauthorized)
            let api = try await Self.get(client, "/api/v1/orders?limit=1", token: token)
            #expect(api.status == .unauthorized)
            #expect(api.headers[.wwwAuthenticate] == "Bearer error=\"invalid_token\"")
        }
    }

    @Test("after a signing-key rotation old tokens still verify; after a second one they do not")
    func signingKeyRotation() async throws {
        let (_, issued) = try await client("oauth-rotate")
        var tokens: [String] = []
        for _ in 0..<3 {
            let (app, _) = try Self.app()
            tokens.append(try await app.test(.router) { client in try await Self.token(client, issued) })
            try await SigningKeyStore.rotate(state)
        }
        let signed = tokens
        let kids = signed.map { Self.decode($0.split(separator: ".")[0])["kid"] as? String ?? "" }
        #expect(Set(kids).count == 3, "each token was signed by the key current at the time: \(kids)")
        let (app, _) = try Self.app()
        try await app.test(.router) { client in
            // Live keys now: the one made by the last rotation and the one before (which signed tokens[2]).
            #expect(try await Self.get(client, "/api/v1/orders?limit=1", token: signed[2]).status == .ok)
            #expect(try await Self.get(client, "/api/v1/orders?limit=1", token: signed[1]).status == .unauthorized)
            #expect(try await Self.get(client, "/api/v1/orders?limit=1", token: signed[0]).status == .unauthorized)
            let jwks = Self.json(try await client.execute(uri: "/.well-known/jwks.json", method: .get))
            #expect((jwks["keys"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test("token requests are limited per client, and failed client authentication per address")
    func tokenLimits() async throws {
        let (_, issued) = try await client("oauth-limit")
        let limits = Limits(
            settings: LimitSettings.standard.with {
                $0.anonymous = RatePolicy(name: "anonymous", limit: 3, window: 60, burst: 3)
                $0.tokenRequests = RatePolicy(name: "token", limit: 2, window: 60, burst: 2)
            })
        let (app, _) = try Self.app(limits: limits)
        try await app.test(.router) { client in
            for _ in 0..<2 { _ = try await Self.token(client, issued) }
            let limited = try await Self.tokenRequest(
                client, form: "grant_type=client_credentials", authorization: Self.basic(issued.clientID, issued.secret))
            #expect(limited.status == .tooManyRequests && Self.json(limited)["error"] as? String == "slow_down")
            // Without the secret, the client's own limit cannot be used up by someone else.
            let guessing = Self.basic(issued.clientID, ClientCredentials.generateSecret())
            for _ in 0..<3 {
                #expect(try await Self.tokenRequest(client, form: "grant_type=client_credentials", authorization: guessing).status == .unauthorized)
            }
            let wrong = Self.basic(ClientCredentials.generateID(), ClientCredentials.generateSecret())
            let blocked = try await Self.tokenRequest(client, form: "grant_type=client_credentials", authorization: wrong)
            #expect(blocked.status == .tooManyRequests && blocked.headers[.retryAfter] != nil)
            // The address is blocked for everyone, the real client included, until it recovers.
            let alsoBlocked = try await Self.tokenRequest(
                client, form: "grant_type=client_credentials", authorization: Self.basic(issued.clientID, issued.secret))
            #expect(alsoBlocked.status == .tooManyRequests)
        }
    }
}

extension OAuthTests {
    @Test("a real OAuth client library (Authlib, from PyPI) gets a token, verifies it against the JWKS and reads the API")
    func authlibRoundTrip() async throws {
        let (_, issued) = try await client("oauth-authlib")
        let python = ProcessInfo.processInfo.environment["PORTICO_PYTHON"] ?? "\(TestDatabase.repositoryRoot)/.run/py/bin/python"
        let (app, _) = try Self.app()
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let (status, output) = await TestDatabase.run([
                python, "\(TestDatabase.repositoryRoot)/Tests/interop/oauth_roundtrip.py",
                "http://127.0.0.1:\(port)", issued.clientID, issued.secret, Self.issuer,
            ])
            #expect(status == 0 && output.contains("OK"), "Authlib round trip failed (scripts/test installs the peers): \(output)")
        }
    }
}

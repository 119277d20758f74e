import Foundation
import Hummingbird
import Logging
import NIOCore
import PorticoAccess
import PorticoQuota
import PorticoShape

/// Portico's OAuth 2 authorization server (client credentials only):
///
/// - `POST /oauth/token` (RFC 6749 §4.4): client authentication by HTTP Basic or by
///   `client_id`/`client_secret` in the form (§2.3.1), never both; errors per §5.2, with
///   `invalid_client` as a 401 carrying `WWW-Authenticate`; `Cache-Control: no-store`.
///   Limited per authenticated client (``LimitSettings/tokenRequests``, a 429 `slow_down`) and,
///   for failed authentication, per address like bad API keys.
/// - `GET /.well-known/jwks.json`: the public signing keys (current and previous).
/// - `GET /.well-known/oauth-authorization-server`: RFC 8414 metadata.
struct TokenRoutes {
    let issuer: TokenIssuer
    let limits: Limits?
    let scopes: [String]
    /// The largest form accepted (`server.max_body_bytes`).
    let maxBody: Int
    let logger: Logger

    func register(on router: Router<PorticoRequestContext>) {
        router.post("/oauth/token") { request, context in try await token(request, context) }
        for method in [HTTPRequest.Method.get, .head, .put, .patch, .delete] {
            router.on("/oauth/token", method: method) { _, _ -> Response in
                throw Problem(.methodNotAllowed, detail: "Request tokens with POST.", headers: [.allow: "POST"])
            }
        }
        router.get("/.well-known/jwks.json") { _, _ in
            let body = try await issuer.keys.jwks()
            return Response(
                status: .ok, headers: [.contentType: "application/jwk-set+json", .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("/.well-known/oauth-authorization-server") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: metadata())))
        }
    }

    func metadata() -> String {
        let base = issuer.settings.issuer
        var json = "{\"issuer\":"
        json += JSONWriter.quoted(base)
        for (name, value) in [
            ("token_endpoint", base + "/oauth/token"), ("jwks_uri", base + "/.well-known/jwks.json"),
            ("service_documentation", base + "/docs"),
        ] {
            json += ",\"\(name)\":"
            json += JSONWriter.quoted(value)
        }
        json += ",\"grant_types_supported\":[\"client_credentials\"]"
        json += ",\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\",\"client_secret_post\"]"
        json += ",\"response_types_supported\":[]"
        json +=
            ",\"scopes_supported\":["
            + scopes.map { scope -> String in
                JSONWriter.quoted(scope)
            }.joined(separator: ",") + "]}"
        return json
    }

    func token(_ request: Request, _ context: PorticoRequestContext) async throws -> Response {
        let address = limits?.clientAddress(request, context) ?? context.remoteAddress ?? "unknown"
        if let limits, !limits.rates.wouldAllow("addr:" + address, limits.settings.anonymous) {
            return Self.error(
                .init(code: "slow_down", description: "Too many failed attempts from this address; retry later."), status: .tooManyRequests)
        }
        let outcome = try await grant(request)
        switch outcome {
        case .success(let issued):
            var json = "{\"access_token\":"
            json += JSONWriter.quoted(issued.accessToken)
            json += ",\"token_type\":\"Bearer\",\"expires_in\":\(issued.expiresIn),\"scope\":"
            json += JSONWriter.quoted(issued.scopes.joined(separator: " "))
            json += "}"
            return Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store", .init("Pragma")!: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(string: json)))
        case .failure(let error):
            if error.code == "invalid_client", let limits { _ = limits.rates.acquire("addr:" + address, limits.settings.anonymous) }
            logger.info("token request refused", metadata: ["request_id": "\(context.requestID)", "error": "\(error.code)"])
            return Self.error(
                error, status: error.code == "invalid_client" ? .unauthorized : (error.code == "slow_down" ? .tooManyRequests : .badRequest))
        }
    }

    func grant(_ request: Request) async throws -> Result<TokenIssuer.Issued, OAuthError> {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            return .failure(.invalidRequest("Send the parameters as application/x-www-form-urlencoded."))
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBody)
        } catch {
            return .failure(.invalidRequest("The request body is larger than \(maxBody) bytes."))
        }
        guard let form = FormBody.parse(String(buffer: body)) else {
            return .failure(.invalidRequest("The form is malformed or repeats a parameter."))
        }
        guard let grantType = form["grant_type"] else { return .failure(.invalidRequest("grant_type is missing.")) }
        guard grantType == "client_credentials" else { return .failure(.unsupportedGrantType) }
        let credentials: (id: String, secret: String)
        switch (Self.basic(request.headers[.authorization]), form["client_id"], form["client_secret"]) {
        case (.some(let basic), let id, nil) where id == nil || id == basic.id:
            credentials = basic
        case (nil, .some(let id), .some(let secret)):
            credentials = (id, secret)
        case (.some, _, _):
            return .failure(.invalidRequest("Authenticate the client one way only: HTTP Basic or the form, not both."))
        default:
            return .failure(.invalidClient)
        }
        let requested = form["scope"].map { $0.split(separator: " ").map(String.init) }
        if let requested, requested.isEmpty { return .failure(.invalidScope("scope is empty.")) }
        return try await issuer.issue(clientID: credentials.id, secret: credentials.secret, requested: requested) { clientID in
            guard let limits else { return nil }
            let decision = limits.rates.acquire("client:" + clientID, limits.settings.tokenRequests)
            return decision.allowed
                ? nil
                : OAuthError(
                    code: "slow_down",
                    description: "Too many token requests for this client; retry in \(decision.retryAfter) s. Reuse a token until it expires.")
        }
    }

    /// `Authorization: Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 §2.3.1).
    static func basic(_ header: String?) -> (id: String, secret: String)? {
        guard let header, header.lowercased().hasPrefix("basic ") else { return nil }
        guard let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingBlanks),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return ("", "") }
        return (FormBody.decode(Substring(text[..<colon])) ?? "", FormBody.decode(text[text.index(after: colon)...]) ?? "")
    }

    static func error(_ error: OAuthError, status: HTTPResponse.Status) -> Response {
        var json = "{\"error\":"
        json += JSONWriter.quoted(error.code)
        json += ",\"error_description\":"
        json += JSONWriter.quoted(error.description)
        json += "}"
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store", .init("Pragma")!: "no-cache"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Basic realm=\"portico\", charset=\"UTF-8\"" }
        if status == .tooManyRequests { headers[.retryAfter] = "60" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}

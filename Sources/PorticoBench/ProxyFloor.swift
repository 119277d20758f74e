import AsyncHTTPClient
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// The floor under the gateway's figures: Hummingbird with its defaults and one route that
/// passes a GET on to one upstream through async-http-client configured as Portico's gateway
/// configures it (HTTP/1.1, no redirects, no decompression, no tracer), with the upstream's
/// credential set, a body up to 64 KiB read whole and a larger one streamed chunk by chunk.
/// Nothing else: no partner credential, limits, tenancy, header filtering, metrics or log.
/// What a proxied request costs at least with these two libraries on this machine;
/// `scripts/bench-gateway` runs it beside Portico and a reference proxy (nginx).
enum ProxyFloor {
    static let prefix = "/floor/"

    static func serve(port: Int, upstream: String, authorization: String, logger: Logger) async throws {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, decompression: .disabled)
        configuration.httpVersion = .http1Only
        configuration.tracing.tracer = nil
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let router = Router()
        router.get(RouterPath(prefix + "**")) { request, _ in
            try await exchange(client, url: upstream + request.uri.path.dropFirst(prefix.count - 1), authorization: authorization)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        do {
            try await app.runService()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    static func exchange(_ client: HTTPClient, url: String, authorization: String) async throws -> Response {
        var upstream = HTTPClientRequest(url: url)
        upstream.headers.add(name: "Authorization", value: authorization)
        let response = try await client.execute(upstream, deadline: .now() + .seconds(60))
        var headers = HTTPFields()
        if let type = response.headers.first(name: "content-type") { headers[.contentType] = type }
        let length = response.headers.first(name: "content-length").flatMap(Int.init)
        let status = HTTPResponse.Status(code: Int(response.status.code))
        if let length, length <= 64 * 1024 {
            return Response(status: status, headers: headers, body: .init(byteBuffer: try await response.body.collect(upTo: length)))
        }
        let body = response.body
        return Response(
            status: status, headers: headers,
            body: ResponseBody(contentLength: length) { writer in
                for try await chunk in body { try await writer.write(chunk) }
                try await writer.finish(nil)
            })
    }
}

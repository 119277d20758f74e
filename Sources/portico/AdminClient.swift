import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A tiny client for the admin listener.
enum AdminClient {
    static func post(_ url: String) async throws -> (Int, String) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), String(buffer: body))
        } catch {
            FileHandle.standardError.write(Data("error: cannot reach the admin listener at \(url): \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

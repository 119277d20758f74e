import ArgumentParser
import Foundation
import PorticoAccess
import PorticoMySQL

/// Runs `body` with Portico's state pool, turning an ``AccessError`` into a clean failure.
func withStatePool(_ body: (MySQLConnectionPool) async throws -> Void) async throws {
    try await withStore { try await body($0.pool) }
}

/// `portico client add|list|rotate-secret|revoke`: OAuth 2 clients (client credentials).
struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client", abstract: "Manage OAuth 2 clients (client credentials grant).",
        subcommands: [Add.self, List.self, RotateSecret.self, Revoke.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a client for a partner; the client secret is printed once and cannot be shown again.")
        @Argument(help: "The partner's code.") var partner: String
        @Option(help: "Comma-separated scopes the client may request, such as orders:read,customers:read.") var scopes: String
        func run() async throws {
            try await withStatePool { pool in
                let issued = try await ClientStore(pool: pool).add(partner: partner, scopes: scopes.split(separator: ",").map(String.init))
                FileHandle.standardError.write(Data("registered client for \(partner); store the secret now, it is not shown again:\n".utf8))
                print("client_id=\(issued.clientID)")
                print("client_secret=\(issued.secret)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List clients (ids and scopes, never secrets).")
        @Argument(help: "Only this partner's clients.") var partner: String?
        func run() async throws {
            try await withStatePool { pool in
                for client in try await ClientStore(pool: pool).clients(partner: partner) {
                    let state =
                        client.revokedAt.map { "revoked \($0)" } ?? client.previousSecretValidUntil.map { "live (old secret until \($0))" } ?? "live"
                    print("\(client.clientID)\t\(client.partner)\t\(state)\t\(client.scopes.joined(separator: " "))")
                }
            }
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret",
            abstract: "Give a client a new secret (printed once); the old one keeps working for --overlap.")
        @Argument var clientID: String
        @Option(help: "How long the old secret stays valid, in seconds (0: it stops now).") var overlap: Int = 86_400
        func validate() throws {
            guard (0...2_592_000).contains(overlap) else { throw ValidationError("--overlap must be 0 to 2592000 seconds (30 days)") }
        }
        func run() async throws {
            try await withStatePool { pool in
                let secret = try await ClientStore(pool: pool).rotateSecret(clientID: clientID, overlapSeconds: overlap)
                FileHandle.standardError.write(Data("new secret for \(clientID); the old one works for \(overlap) s more:\n".utf8))
                print("client_secret=\(secret)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a client: no new tokens; its tokens stop working within 5 s.")
        @Argument var clientID: String
        func run() async throws {
            try await withStatePool {
                try await ClientStore(pool: $0).revoke(clientID: clientID)
                print("revoked \(clientID)")
            }
        }
    }
}

/// `portico signing-key rotate`: a new token-signing key.
struct SigningKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signing-key", abstract: "Manage the keys that sign OAuth access tokens.", subcommands: [Rotate.self]
    )

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a signing key; the previous one stays published, older ones are retired.",
            discussion: """
                Instances start signing with the new key within 30 s. Tokens signed by the previous key keep \
                verifying; tokens signed by a retired key stop, so rotate less often than the token lifetime.
                """)
        func run() async throws {
            try await withStatePool { pool in
                let (kid, retired) = try await SigningKeyStore.rotate(pool)
                print("signing with \(kid ?? "?")" + (retired.isEmpty ? "" : "; retired \(retired.joined(separator: ", "))"))
            }
        }
    }
}

import ArgumentParser
import Foundation
import PorticoAccess
import PorticoMySQL

/// Runs `body` with Portico's state store, turning an ``AccessError`` into a clean failure.
func withStore(_ body: (PartnerStore) async throws -> Void) async throws {
    do {
        try await CommandDatabase.state.withPool { try await body(PartnerStore(pool: $0)) }
    } catch let error as AccessError {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

/// `portico migrate`: creates or upgrades Portico's own schema.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade Portico's own schema (PORTICO_STATE_DB_*); safe to run twice.",
        discussion: """
            Creates the schema itself when it does not exist (the user needs CREATE on it, as GRANT ALL ON portico.* gives),             then its tables and a token-signing key. Refuses to run against the product schema (PORTICO_PRODUCT_DB_DATABASE)             or a schema holding other tables.
            """
    )

    func run() async throws {
        let product = ProcessInfo.processInfo.environment["PORTICO_PRODUCT_DB_DATABASE"]
        do {
            let configuration = try CommandDatabase.state.configuration()
            if let product, product.lowercased() == configuration.database?.lowercased() {
                throw AccessError.configuration(
                    "refusing to migrate: '\(product)' is the product schema; Portico keeps its state in a schema of its own")
            }
            if try await StateSchema.createSchemaIfMissing(configuration) { print("created schema '\(configuration.database ?? "")'") }
            let report = try await CommandDatabase.state.withPool { try await StateSchema.migrate($0, productSchema: product) }
            print(
                report.applied.isEmpty
                    ? "up to date at version \(report.current)"
                    : "applied \(report.applied.map(String.init).joined(separator: ", ")); now at version \(report.current)")
            if let kid = report.signingKeyCreated { print("created token-signing key \(kid) (published at /.well-known/jwks.json)") }
        } catch let error as AccessError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        } catch let error as MySQLError {
            FileHandle.standardError.write(Data("error: Portico's state database: \(error.serverMessage ?? "\(error.kind)")\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// `portico partner add|list|show|disable|enable`.
struct PartnerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partner", abstract: "Manage partners.",
        subcommands: [Add.self, List.self, Show.self, Disable.self, Enable.self, AssignPlan.self]
    )

    struct AssignPlan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "plan", abstract: "Put a partner on a plan (takes effect within 5 s).")
        @Argument var code: String
        @Argument(help: "The plan's name; omit with --default to use the server's defaults.") var plan: String?
        @Flag(name: .customLong("default"), help: "Back to the server's default limits.") var useDefault = false
        func validate() throws {
            guard (plan == nil) == useDefault else { throw ValidationError("give a plan name, or --default") }
        }
        func run() async throws {
            try await withStore {
                try await $0.assignPlan(partner: code, plan: plan)
                print("\(code) is on \(plan ?? "the default limits")")
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a partner.")
        @Argument(help: "Partner code: lower-case letters, digits, - and _.") var code: String
        @Option(help: "Display name.") var name: String?
        func run() async throws {
            try await withStore { store in
                let partner = try await store.addPartner(code: code, name: name)
                print("added partner \(partner.code) (\(partner.name))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List partners.")
        func run() async throws {
            try await withStore { store in
                for partner in try await store.partners() {
                    print("\(partner.code)\t\(partner.active ? "active" : "disabled")\t\(partner.name)")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a partner and its keys.")
        @Argument var code: String
        func run() async throws {
            try await withStore { store in
                guard let partner = try await store.partner(code) else { throw AccessError.notFound("no partner '\(code)'") }
                print("\(partner.code)\t\(partner.active ? "active" : "disabled")\t\(partner.name)")
                for key in try await store.keys(partner: code) {
                    let state = key.revokedAt.map { "revoked \($0)" } ?? key.expiresAt.map { "expires \($0)" } ?? "live"
                    print("  key \(key.id)\t\(state)\t\(key.scopes.joined(separator: " "))")
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a partner: all its keys stop working within 5 s.")
        @Argument var code: String
        func run() async throws {
            try await withStore {
                try await $0.setActive(code, false)
                print("disabled \(code)")
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled partner again.")
        @Argument var code: String
        func run() async throws {
            try await withStore {
                try await $0.setActive(code, true)
                print("enabled \(code)")
            }
        }
    }
}

extension PartnerStore.KeySummary {
    var id: String { publicID }
}

/// `portico key issue|list|revoke`.
struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Manage API keys.", subcommands: [Issue.self, Import.self, Rotate.self, List.self, Revoke.self]
    )

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue an API key; it is printed once and cannot be shown again.",
            discussion: "Several live keys per partner are allowed: issue the new key, move the partner over, revoke the old one."
        )
        @Argument(help: "The partner's code.") var partner: String
        @Option(help: "Comma-separated scopes, such as orders:read,customers:read.") var scopes: String
        @Option(help: "Expiry as RFC 3339, such as 2027-01-01T00:00:00Z.") var expires: String?

        func validate() throws {
            if let expires, MySQLDateTime(rfc3339: expires) == nil {
                throw ValidationError("--expires must be RFC 3339, such as 2027-01-01T00:00:00Z")
            }
        }

        func run() async throws {
            try await withStore { store in
                let key = try await store.issueKey(
                    partner: partner, scopes: scopes.split(separator: ",").map(String.init),
                    expires: expires.flatMap(MySQLDateTime.init(rfc3339:)))
                FileHandle.standardError.write(Data("issued key \(key.id) for \(partner); store it now, it is not shown again:\n".utf8))
                print(key.token)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a partner's keys (ids and scopes, never secrets).")
        @Argument var partner: String
        func run() async throws {
            try await withStore { store in
                for key in try await store.keys(partner: partner) {
                    let state = key.revokedAt.map { "revoked \($0)" } ?? key.expiresAt.map { "expires \($0)" } ?? "live"
                    print("\(key.id)\t\(state)\t\(key.scopes.joined(separator: " "))\(key.origin == "imported" ? "\timported" : "")")
                }
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import partners' existing credentials, so they keep working against Portico.",
            discussion: """
                One token is read from standard input (one line), or given as its SHA-256 with --sha256 when the
                product never kept the token itself. Any format of 16 to 512 printable characters is taken; only its
                SHA-256 is stored. It is then accepted like a Portico key (Authorization: Bearer or X-API-Key),
                listed as imported by 'key list', and revoked with 'key revoke' by the id this prints (i-…).

                With --from-table TABLE:TOKEN_COLUMN:TENANT_COLUMN (such as users:api_token:acct_id), every token of
                a product table is imported, each for the partner that holds its tenant (--tenants-from, as for
                serve; with PARTNER given, for that partner's tenants only). Clear the column afterwards.
                """
        )
        @Argument(help: "The partner's code (with --from-table: only this partner's tenants).") var partner: String?
        @Option(help: "Comma-separated scopes, such as orders:read,customers:read.") var scopes: String
        @Option(help: "Expiry as RFC 3339, such as 2027-01-01T00:00:00Z.") var expires: String?
        @Option(help: "The token's SHA-256 (64 hex digits) instead of the token on standard input.") var sha256: String?
        @Option(name: .customLong("from-table"), help: "A product table of tokens: TABLE:TOKEN_COLUMN:TENANT_COLUMN.") var fromTable: String?
        @Option(
            name: .customLong("tenants-from"), help: "Which partner holds a tenant: grants (default) or table:TABLE:PARTNER_COLUMN:TENANT_COLUMN.")
        var tenantsFrom: String = "grants"

        func validate() throws {
            if let expires, MySQLDateTime(rfc3339: expires) == nil {
                throw ValidationError("--expires must be RFC 3339, such as 2027-01-01T00:00:00Z")
            }
            if let sha256, ApiKey.Imported(sha256: sha256) == nil { throw ValidationError("--sha256 must be 64 hex digits") }
            if let fromTable {
                guard LegacyTokenImport.Source(fromTable) != nil else {
                    throw ValidationError("--from-table must be TABLE:TOKEN_COLUMN:TENANT_COLUMN, such as users:api_token:acct_id")
                }
                guard TenantSource(tenantsFrom) != nil else {
                    throw ValidationError("--tenants-from must be grants or table:TABLE:PARTNER_COLUMN:TENANT_COLUMN")
                }
                if sha256 != nil || expires != nil { throw ValidationError("--from-table takes neither --sha256 nor --expires") }
            } else if partner == nil {
                throw ValidationError("name the partner the token belongs to (or use --from-table)")
            }
        }

        func run() async throws {
            let scopes = scopes.split(separator: ",").map(String.init)
            if let fromTable, let source = LegacyTokenImport.Source(fromTable), let tenants = TenantSource(tenantsFrom) {
                try await withStore { store in
                    let rows = try await CommandDatabase.product.withPool { product in
                        try await LegacyTokenImport(product: product, store: store, tenants: tenants).run(source, scopes: scopes, partner: partner)
                    }
                    rows.forEach { print($0) }
                    let imported = rows.filter { if case .imported = $0.outcome { true } else { false } }.count
                    print("\(imported) of \(rows.count) token(s) imported.")
                    print(
                        "The tokens still sit in \(source.table).\(source.tokenColumn) in plain text. Once the product no longer reads them, clear the column:"
                    )
                    print("  UPDATE `\(source.table)` SET `\(source.tokenColumn)` = NULL WHERE `\(source.tokenColumn)` IS NOT NULL;")
                }
                return
            }
            let credential: ApiKey.Imported
            if let sha256, let given = ApiKey.Imported(sha256: sha256) {
                credential = given
            } else {
                let line = (readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .whitespaces)
                guard let given = ApiKey.Imported(token: line) else {
                    throw ValidationError(
                        "the token on standard input must be 16 to 512 printable characters without spaces (and not a ptc_ key, which needs no import)"
                    )
                }
                credential = given
            }
            try await withStore { store in
                let id = try await store.importKey(
                    partner: partner ?? "", credential: credential, scopes: scopes, expires: expires.flatMap(MySQLDateTime.init(rfc3339:)))
                print("imported key \(id) for \(partner ?? "")")
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a ptc_ key in place of another (such as an imported one); the old one keeps working for the overlap.",
            discussion: "The new key has the old one's partner and scopes. Give it to the partner; the old key expires when the overlap ends."
        )
        @Argument(help: "The id of the key to replace (i-… for an imported one).") var id: String
        @Option(help: "How long the old key keeps working: 3600s, 90m, 48h or 7d.") var overlap: String = "7d"

        static func seconds(_ text: String) -> Int? {
            guard let unit = text.last, let number = Int(text.dropLast()), number >= 0 else { return nil }
            switch unit {
            case "s": return number
            case "m": return number * 60
            case "h": return number * 3600
            case "d": return number * 86_400
            default: return nil
            }
        }

        func validate() throws {
            guard let seconds = Self.seconds(overlap), seconds <= 365 * 86_400 else {
                throw ValidationError("--overlap must be a duration such as 3600s, 90m, 48h or 7d (at most 365d)")
            }
        }

        func run() async throws {
            try await withStore { store in
                let (key, expires) = try await store.rotateKey(id, overlapSeconds: Self.seconds(overlap) ?? 0)
                FileHandle.standardError.write(
                    Data("issued key \(key.id) in place of \(id), which stops working at \(expires); store it now, it is not shown again:\n".utf8))
                print(key.token)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id; it stops working within 5 s.")
        @Argument(help: "The key id (the 10 characters after ptc_, or i-… for an imported key).") var id: String
        func run() async throws {
            try await withStore {
                try await $0.revokeKey(id)
                print("revoked \(id)")
            }
        }
    }
}

/// `portico grant PARTNER TENANT… [--revoke]`.
struct GrantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant", abstract: "Grant (or with --revoke, withdraw) tenants to a partner; takes effect within 30 s."
    )
    @Argument var partner: String
    @Argument(help: "Tenant (account) ids.") var tenants: [UInt64]
    @Flag(help: "Withdraw the grants instead.") var revoke = false

    func run() async throws {
        try await withStore { store in
            if revoke {
                try await store.revokeGrant(partner: partner, tenants: tenants)
            } else {
                try await store.grant(partner: partner, tenants: tenants)
            }
            print("\(revoke ? "withdrew" : "granted") \(tenants.map(String.init).joined(separator: ", ")) \(revoke ? "from" : "to") \(partner)")
        }
    }
}

/// `portico plan set|list`: named limits assignable to partners.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Manage plans.", subcommands: [Set.self, List.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create or replace a plan.")
        @Argument var name: String
        @Option(help: "Requests per --rate-window seconds.") var rateLimit: Int
        @Option(help: "Window of --rate-limit, in seconds.") var rateWindow: Int = 60
        @Option(help: "Burst size.") var rateBurst: Int
        @Option(help: "Requests in flight at once.") var maxInFlight: Int = 16
        @Option(help: "What an export costs, in requests.") var exportCost: Int = 10
        @Option(help: "Requests per UTC day.") var dailyQuota: Int?
        @Option(help: "Requests per UTC month.") var monthlyQuota: Int?
        func run() async throws {
            try await withStore { store in
                try await store.setPlan(
                    Plan(
                        name: name, rateLimit: rateLimit, rateWindow: rateWindow, rateBurst: rateBurst,
                        maxInFlight: maxInFlight, exportCost: exportCost, dailyQuota: dailyQuota, monthlyQuota: monthlyQuota))
                print("plan \(name) set")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List plans.")
        func run() async throws {
            try await withStore { store in
                for plan in try await store.plans() { print(PlanCommand.describe(plan)) }
            }
        }
    }

    static func describe(_ plan: Plan) -> String {
        "\(plan.name)\t\(plan.rateLimit)/\(plan.rateWindow)s burst \(plan.rateBurst)\tin-flight \(plan.maxInFlight)\texport cost \(plan.exportCost)"
            + "\tdaily \(plan.dailyQuota.map(String.init) ?? "-")\tmonthly \(plan.monthlyQuota.map(String.init) ?? "-")"
    }
}

/// `portico usage PARTNER`: the partner's plan and its shared quota use today and this month.
struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Show a partner's plan and quota use (shared counters; rate state lives in each instance, see /api/<version>/usage)."
    )
    @Argument var partner: String

    func run() async throws {
        try await withStore { store in
            let now = MySQLDateTime(epochSeconds: Int(Date().timeIntervalSince1970))
            let usage = try await store.usage(partner: partner, now: now)
            print("partner\t\(partner)")
            print("plan\t" + (usage.plan.map(PlanCommand.describe) ?? "server defaults"))
            print("today\t\(usage.daily)\(usage.plan?.dailyQuota.map { " of \($0)" } ?? "")")
            print("this month\t\(usage.monthly)\(usage.plan?.monthlyQuota.map { " of \($0)" } ?? "")")
        }
    }
}

import Foundation
public import PorticoMySQL

/// Brings the product's own integration tokens across in bulk (`portico key import --from-table`):
/// a product table holding a token per row and the account (tenant) it belongs to, such as
/// Tradeflow's `users (api_token, acct_id)`, where the tokens sit in plain text.
///
/// Each token becomes an imported key (only its SHA-256 kept) of the partner the account
/// belongs to: the one partner whose tenants include it (``TenantSource``), or, with `partner`
/// given, that partner for the accounts it holds. A token whose account has no partner, or
/// several when none was named, is left out and reported; so is one imported already. Tokens
/// are never printed: rows are named by their account and position.
public struct LegacyTokenImport: Sendable {
    /// `TABLE:TOKEN_COLUMN:TENANT_COLUMN`, such as `users:api_token:acct_id`.
    public struct Source: Sendable, Equatable {
        public let table: String
        public let tokenColumn: String
        public let tenantColumn: String

        public init?(_ text: String) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, parts.allSatisfy({ $0.wholeMatch(of: /[A-Za-z_][A-Za-z0-9_]{0,63}/) != nil }) else { return nil }
            (table, tokenColumn, tenantColumn) = (parts[0], parts[1], parts[2])
        }
    }

    public enum Outcome: Sendable, Equatable {
        case imported(id: String, partner: String)
        case importedAlready(id: String)
        case noPartner
        case severalPartners([String])
        case notThePartners
        case notAPorticoPartner(String)
        case unusable
    }

    public struct Row: Sendable, Equatable, CustomStringConvertible {
        public let position: Int
        public let tenant: String
        public let outcome: Outcome

        public var description: String {
            let row = "row \(position) (tenant \(tenant))"
            switch outcome {
            case .imported(let id, let partner): return "\(row): imported as key \(id) for \(partner)"
            case .importedAlready(let id): return "\(row): imported already (key \(id)); left as it is"
            case .noPartner: return "\(row): no partner holds this tenant; left out"
            case .severalPartners(let codes):
                return "\(row): several partners hold this tenant (\(codes.joined(separator: ", "))); left out: name one with --partner"
            case .notThePartners: return "\(row): the named partner does not hold this tenant; left out"
            case .notAPorticoPartner(let code):
                return "\(row): '\(code)' holds this tenant but is not a Portico partner (portico partner add \(code)); left out"
            case .unusable: return "\(row): the token is not 16 to 512 printable characters; left out"
            }
        }
    }

    let product: MySQLConnectionPool
    let store: PartnerStore
    let tenants: TenantSource

    public init(product: MySQLConnectionPool, store: PartnerStore, tenants: TenantSource) {
        self.product = product
        self.store = store
        self.tenants = tenants
    }

    /// Imports every token of `source`, each with `scopes`.
    public func run(_ source: Source, scopes: [String], partner: String?) async throws -> [Row] {
        let rows = try await product.query(
            "SELECT `\(source.tokenColumn)`, `\(source.tenantColumn)` FROM `\(source.table)` WHERE `\(source.tokenColumn)` IS NOT NULL ORDER BY 2"
        ).rows
        var report: [Row] = []
        for (index, row) in rows.enumerated() {
            let tenant = row[1].text ?? row[1].int64.map(String.init) ?? ""
            func add(_ outcome: Outcome) { report.append(Row(position: index + 1, tenant: tenant, outcome: outcome)) }
            guard let token = row[0].text, let credential = ApiKey.Imported(token: token.trimmingCharacters(in: .whitespaces)) else {
                add(.unusable)
                continue
            }
            let owners = try await self.owners(of: row[1])
            let chosen: String
            if let partner {
                guard owners.contains(partner) else {
                    add(.notThePartners)
                    continue
                }
                chosen = partner
            } else {
                guard let only = owners.first else {
                    add(.noPartner)
                    continue
                }
                guard owners.count == 1 else {
                    add(.severalPartners(owners))
                    continue
                }
                chosen = only
            }
            do {
                let id = try await store.importKey(partner: chosen, credential: credential, scopes: scopes, expires: nil)
                add(.imported(id: id, partner: chosen))
            } catch let error as AccessError where error.description.contains("imported already") {
                add(.importedAlready(id: credential.id))
            } catch let error as AccessError where error.description.hasPrefix("no partner") {
                add(.notAPorticoPartner(chosen))
            }
        }
        return report
    }

    /// The partners whose tenants include `tenant`, by code.
    func owners(of tenant: MySQLValue) async throws -> [String] {
        switch tenants {
        case .grants:
            return try await store.partners(holding: tenant)
        case .productTable(let table, let partnerColumn, let tenantColumn):
            return try await product.query(
                "SELECT DISTINCT `\(partnerColumn)` FROM `\(table)` WHERE `\(tenantColumn)` = ? ORDER BY 1", [tenant]
            ).rows.compactMap { $0[0].text }
        }
    }
}

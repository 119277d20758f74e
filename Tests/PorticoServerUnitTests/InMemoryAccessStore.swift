import Foundation
import PorticoAccess
import PorticoMySQL
import PorticoServer
import PorticoValues
import Synchronization

/// Portico's state held in memory: keys, partners, tenants and clients a test sets up itself.
///
/// It answers the ``AccessStore`` questions the way ``MySQLAccessStore`` does over Portico's
/// schema (whose own reading is tested against MariaDB in `PorticoServerTests`), so the
/// authenticator, the key directory and the middleware run in process. It counts its reads, and
/// a key can be hidden from it to stand for a row not committed yet. It holds no OAuth clients
/// and no signing keys: the token grant is tested end to end against MariaDB (`OAuthTests`).
final class InMemoryAccessStore: AccessStore {
    private struct StoredKey {
        let keyID: UInt64
        var publicID: String
        var record: KeyRecord
    }

    private struct State {
        var keys: [StoredKey] = []
        var hidden: Set<String> = []
        var partners: [String: PartnerRecord] = [:]
        var tenants: [String: [MySQLValue]] = [:]
        var reads = 0
        var down = false
    }

    private let state = Mutex(State())

    /// Reads the store answered (or failed), of every kind.
    var reads: Int { state.withLock { $0.reads } }

    /// Adds an active partner, without a plan unless one is given, granted `tenants`.
    func addPartner(_ code: String, tenants: [UInt64], plan: Plan? = nil) {
        state.withLock {
            $0.partners[code] = PartnerRecord(active: true, plan: plan)
            $0.tenants[code] = tenants.map { .uint($0) }
        }
    }

    /// Disables a partner: its keys stop working (once the authenticator's caches expire).
    func disable(_ code: String) {
        state.withLock { state in
            state.partners[code] = state.partners[code].map { PartnerRecord(active: false, plan: $0.plan) }
            state.keys = state.keys.map { key in
                guard key.record.partner == code else { return key }
                var key = key
                key.record = Self.record(key.record, revoked: key.record.revoked, partnerActive: false)
                return key
            }
        }
    }

    /// A new key of `partner`'s, as `portico key issue` makes it; `storedHash` replaces the hash
    /// of its secret, for a key presented with the wrong secret.
    func issueKey(partner: String, scopes: Set<String>, expires: MySQLDateTime? = nil, storedHash: [UInt8]? = nil) -> ApiKey {
        let key = ApiKey.generate()
        state.withLock { state in
            let partnerRecord = state.partners[partner]
            let record = KeyRecord(
                secretHash: storedHash ?? key.secretHash, partner: partner, scopes: scopes, expiresAt: expires, revoked: false,
                partnerActive: partnerRecord?.active ?? false, plan: partnerRecord?.plan)
            state.keys.append(StoredKey(keyID: UInt64(state.keys.count + 1), publicID: key.id, record: record))
        }
        return key
    }

    /// Stores an existing credential as `portico key import` does: only its hash, under its derived id.
    func importKey(partner: String, token: String, scopes: Set<String>) -> ApiKey.Imported? {
        guard let imported = ApiKey.Imported(token: token) else { return nil }
        state.withLock { state in
            let partnerRecord = state.partners[partner]
            let record = KeyRecord(
                secretHash: imported.hash, partner: partner, scopes: scopes, expiresAt: nil, revoked: false,
                partnerActive: partnerRecord?.active ?? false, plan: partnerRecord?.plan)
            state.keys.append(StoredKey(keyID: UInt64(state.keys.count + 1), publicID: imported.id, record: record))
        }
        return imported
    }

    /// Marks a key revoked, as `portico key revoke` does.
    func revoke(_ publicID: String) {
        state.withLock { state in
            state.keys = state.keys.map { key in
                guard key.publicID == publicID else { return key }
                var key = key
                key.record = Self.record(key.record, revoked: true, partnerActive: key.record.partnerActive)
                return key
            }
        }
    }

    /// Hides a key from every read, or shows it again: a row inserted but not committed yet.
    func hide(_ publicID: String, _ hidden: Bool) {
        state.withLock { if hidden { $0.hidden.insert(publicID) } else { $0.hidden.remove(publicID) } }
    }

    /// Makes every read fail as a store that cannot be reached does.
    func goDown() { state.withLock { $0.down = true } }

    /// Makes reads succeed again.
    func comeBack() { state.withLock { $0.down = false } }

    private static func record(_ r: KeyRecord, revoked: Bool, partnerActive: Bool) -> KeyRecord {
        KeyRecord(
            secretHash: r.secretHash, partner: r.partner, scopes: r.scopes, expiresAt: r.expiresAt, revoked: revoked,
            partnerActive: partnerActive, plan: r.plan)
    }

    private func read<T>(_ body: (State) -> T) throws -> T {
        try state.withLock { state in
            state.reads += 1
            if state.down { throw MySQLError.unreachable }
            return body(state)
        }
    }

    // MARK: - AccessStore

    func key(_ publicID: String) async throws -> KeyRecord? {
        try read { state in state.hidden.contains(publicID) ? nil : state.keys.first { $0.publicID == publicID }?.record }
    }

    func keyIDs(after keyID: UInt64) async throws -> [(keyID: UInt64, publicID: String)] {
        try read { state in
            state.keys.filter { $0.keyID > keyID && !state.hidden.contains($0.publicID) }.map { ($0.keyID, $0.publicID) }
        }
    }

    func partner(_ code: String) async throws -> PartnerRecord? { try read { $0.partners[code] } }

    func tenants(of partner: String) async throws -> [MySQLValue] { try read { $0.tenants[partner] ?? [] } }

    func client(_ clientID: String) async throws -> ClientRecord? { try read { _ in nil } }

    func liveSigningKeys() async throws -> [StoredSigningKey] { try read { _ in [] } }

    func createSigningKeyIfNone() async throws { throw MySQLError.unreachable }
}

/// Quota counters held in memory, shared by the ``QuotaStore``s given the same instance: the
/// fleet's counters as the unit tests see them.
final class InMemoryQuotaCounters: QuotaCounters {
    private let counters = Mutex<[String: Int]>([:])
    private let reachable = Atomic<Bool>(true)

    /// The shared count of a partner in a period.
    func used(_ partner: String, _ period: String) -> Int { counters.withLock { $0["\(partner) \(period)"] ?? 0 } }

    /// Makes adds and reads fail (`false`) or work again (`true`).
    func setReachable(_ up: Bool) { reachable.store(up, ordering: .relaxed) }

    func add(_ counts: [(partner: String, period: String, count: Int)]) async throws {
        guard reachable.load(ordering: .relaxed) else { throw MySQLError.unreachable }
        counters.withLock { for (partner, period, count) in counts { $0["\(partner) \(period)", default: 0] += count } }
    }

    func totals(periods: [String]) async throws -> [(partner: String, period: String, used: Int)] {
        guard reachable.load(ordering: .relaxed) else { throw MySQLError.unreachable }
        return counters.withLock { counters in
            counters.compactMap { entry in
                let parts = entry.key.split(separator: " ", maxSplits: 1).map(String.init)
                guard parts.count == 2, periods.contains(parts[1]) else { return nil }
                return (parts[0], parts[1], entry.value)
            }
        }
    }
}

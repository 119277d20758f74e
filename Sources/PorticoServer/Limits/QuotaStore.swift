public import Foundation
public import Logging
import PorticoValues
public import ServiceLifecycle
import Synchronization

/// Daily and monthly quotas, shared by every instance through Portico's schema.
///
/// Each instance counts locally and, every `flushInterval`, adds its count to `quota_counters`
/// and reads back the shared totals. A request is refused when the last known shared total plus
/// this instance's unflushed count would pass the quota. So N instances can overshoot a quota
/// by at most what N−1 others accept in one flush interval (plus one request each).
///
/// If the shared store cannot be reached, quotas fail open: requests go on, each failed flush is
/// logged as a warning and counted in ``flushFailures``, and the counts are kept for the next flush.
public final class QuotaStore: Service, Sendable {
    public struct Quota: Sendable, Equatable {
        public let name: String
        public let limit: Int
        let daily: Bool
        public static func daily(_ limit: Int) -> Quota { Quota(name: "daily", limit: limit, daily: true) }
        public static func monthly(_ limit: Int) -> Quota { Quota(name: "monthly", limit: limit, daily: false) }
    }

    public enum Decision: Sendable, Equatable {
        case allowed
        /// Over `quota` until the period ends in `retryAfter` seconds.
        case exceeded(quota: String, retryAfter: Int)
    }

    struct State {
        /// Counted here, not yet added to the shared counter; keyed by partner and period.
        var pending: [Key: Int] = [:]
        /// The shared totals as last read.
        var shared: [Key: Int] = [:]
        var flushFailures = 0
    }

    struct Key: Hashable, Sendable {
        let partner: String
        let period: String
    }

    public let quotas: [Quota]
    let counters: any QuotaCounters
    let flushInterval: Duration
    let logger: Logger
    private let state = Mutex(State())

    /// - Parameters:
    ///   - quotas: the quotas of partners without a plan of their own.
    ///   - counters: the fleet's shared counters.
    ///   - flushInterval: how often this instance's counts are added to them.
    ///   - logger: where failed flushes are reported.
    public init(quotas: [Quota], counters: any QuotaCounters, flushInterval: Duration = .seconds(1), logger: Logger) {
        self.quotas = quotas
        self.counters = counters
        self.flushInterval = flushInterval
        self.logger = logger
    }

    public var flushFailures: Int { state.withLock { $0.flushFailures } }

    static func period(_ quota: Quota, _ now: Date) -> (name: String, secondsLeft: Int) {
        let seconds = Int(now.timeIntervalSince1970)
        let days = seconds / 86_400
        let (y, m, d) = CivilTime.date(days: days)
        let today = MySQLDate(year: y, month: m, day: d)
        if quota.daily {
            return ("D\(today)", (days + 1) * 86_400 - seconds)
        }
        let next = m == 12 ? CivilTime.days(year: y + 1, month: 1, day: 1) : CivilTime.days(year: y, month: m + 1, day: 1)
        return ("M\(today.description.prefix(7))", next * 86_400 - seconds)
    }

    /// Seconds until the current UTC day ends (the daily quota's reset).
    public static func secondsLeftToday(_ now: Date = Date()) -> Int { period(.daily(1), now).secondsLeft }

    /// Counts `cost` against every quota (the given ones, else the store's defaults), or refuses without counting.
    public func acquire(_ partner: String, cost: Int = 1, quotas: [Quota]? = nil, now: Date = Date()) -> Decision {
        let quotas = quotas ?? self.quotas
        return state.withLock { state in
            var keys: [Key] = []
            for quota in quotas {
                let (period, left) = Self.period(quota, now)
                let key = Key(partner: partner, period: period)
                if (state.shared[key] ?? 0) + (state.pending[key] ?? 0) + cost > quota.limit {
                    return .exceeded(quota: quota.name, retryAfter: max(1, left))
                }
                keys.append(key)
            }
            for key in keys { state.pending[key, default: 0] += cost }
            return .allowed
        }
    }

    /// What a partner has used of each quota, as this instance knows it.
    public func usage(_ partner: String, quotas: [Quota]? = nil, now: Date = Date()) -> [(quota: Quota, used: Int, resetSeconds: Int)] {
        let quotas = quotas ?? self.quotas
        return state.withLock { state in
            quotas.map { quota in
                let (period, left) = Self.period(quota, now)
                let key = Key(partner: partner, period: period)
                return (quota, (state.shared[key] ?? 0) + (state.pending[key] ?? 0), left)
            }
        }
    }

    /// Adds this instance's counts to the shared counters and reads the totals back.
    public func flush() async {
        let pending = state.withLock { state -> [Key: Int] in
            let taken = state.pending
            state.pending.removeAll()
            return taken
        }
        do {
            try await counters.add(pending.filter { $0.value > 0 }.map { ($0.key.partner, $0.key.period, $0.value) })
            // Every partner's totals for the current periods, including partners this instance
            // has not served yet: another instance may have used their quota already.
            let current = [Self.period(.daily(1), Date()).name, Self.period(.monthly(1), Date()).name]
            var totals: [Key: Int] = [:]
            for total in try await counters.totals(periods: current) {
                totals[Key(partner: total.partner, period: total.period)] = total.used
            }
            state.withLock { $0.shared = totals }
        } catch {
            state.withLock { state in
                for (key, count) in pending { state.pending[key, default: 0] += count }
                state.flushFailures += 1
            }
            logger.warning("quota flush failed; quotas fail open until the store is back", metadata: ["error": "\(error)"])
        }
    }

    /// Flushes every `flushInterval` until graceful shutdown, then once more.
    public func run() async throws {
        let interval = flushInterval
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await self.flush()
            }
        }
        await flush()
    }
}

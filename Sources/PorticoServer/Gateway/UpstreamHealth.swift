import Synchronization

/// Passive health of the gateway's upstream targets (Envoy's outlier detection, in small): a
/// target that fails `threshold` times in a row (refused, reset, timed out, or a 502/503/504)
/// is ejected for `cooldown`, so requests go to the route's other targets first instead of
/// waiting on it. After the cooldown it gets requests again; one failure ejects it again for
/// twice as long (up to 16 times the cooldown), one success restores it. When every target of
/// a route is ejected, requests still try them (a guess beats a certain 502), and readiness can
/// say so (`gateway.readiness_includes_upstreams`).
public final class UpstreamHealth: Sendable {
    struct Target {
        var failures = 0
        var ejections = 0
        var ejectedUntil: ContinuousClock.Instant?
    }

    let threshold: Int
    let cooldown: Duration
    let clock: @Sendable () -> ContinuousClock.Instant
    private let targets = Mutex<[String: Target]>([:])
    /// Each route's targets, as last resolved, for readiness.
    private let routes = Mutex<[String: [String]]>([:])

    public init(threshold: Int = 3, cooldown: Duration = .seconds(30), clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.threshold = threshold
        self.cooldown = cooldown
        self.clock = clock
    }

    /// `targets` in the order to try them: the healthy ones first, as given, then the ejected.
    func order(_ targets: [String], route: String) -> [String] {
        routes.withLock { $0[route] = targets }
        let now = clock()
        let ejected = self.targets.withLock { state in Set(targets.filter { state[$0]?.ejectedUntil.map { $0 > now } ?? false }) }
        guard !ejected.isEmpty else { return targets }
        return targets.filter { !ejected.contains($0) } + targets.filter { ejected.contains($0) }
    }

    func succeeded(_ target: String) {
        targets.withLock { state in
            guard state[target] != nil else { return }
            state[target] = nil
        }
    }

    /// Records a failure; true when it ejects the target.
    func failed(_ target: String) -> Bool {
        let now = clock()
        return targets.withLock { state in
            var entry = state[target] ?? Target()
            defer { state[target] = entry }
            entry.failures += 1
            // An ejected target that fails its first request after the cooldown goes straight back out.
            let probing = entry.ejections > 0 && (entry.ejectedUntil.map { $0 <= now } ?? false)
            guard probing || entry.failures >= threshold else { return false }
            if let until = entry.ejectedUntil, until > now { return false }
            entry.ejections += 1
            entry.ejectedUntil = now + cooldown * (1 << min(entry.ejections - 1, 4))
            entry.failures = 0
            return true
        }
    }

    public func isEjected(_ target: String) -> Bool {
        let now = clock()
        return targets.withLock { $0[target]?.ejectedUntil.map { $0 > now } ?? false }
    }

    /// Routes (`version/name`) every one of whose targets is ejected now.
    public var unavailableRoutes: [String] {
        let known = routes.withLock { $0 }
        return known.filter { _, targets in !targets.isEmpty && targets.allSatisfy(isEjected) }.map(\.key).sorted()
    }
}

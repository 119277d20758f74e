import Synchronization

/// How many instances share every rate (`limits.fleet_rates: shared`): each instance enforces
/// 1/N of a rate, with the steady rate divided exactly and the burst rounded up, so the fleet
/// admits at most the rate plus N − 1 of burst, whichever instances the requests reach.
/// ``FleetMembership`` keeps N current from the instances' heartbeats.
public final class RateShare: Sendable {
    private let size = Atomic<Int>(1)

    public init(instances: Int = 1) { size.store(max(1, instances), ordering: .relaxed) }

    /// The live instances last counted (1 until counted).
    public var instances: Int { size.load(ordering: .relaxed) }

    public func set(_ instances: Int) { size.store(max(1, instances), ordering: .relaxed) }
}

extension RatePolicy {
    /// The part of this policy one of `instances` enforces: the emission interval N times as
    /// long, the burst divided and rounded up (at least 1).
    public func share(of instances: Int) -> RatePolicy {
        guard instances > 1 else { return self }
        var copy = self
        copy.instances = instances
        return copy
    }
}

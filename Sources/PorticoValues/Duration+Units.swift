extension Duration {
    /// The duration in whole nanoseconds (truncated), as metrics and logs count time.
    public var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }

    /// The duration in seconds, as a `Double` (rates, benchmarks).
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

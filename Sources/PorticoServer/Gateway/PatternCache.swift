import Synchronization

/// Parameter patterns of proxied routes, compiled once each: a `Regex` built from text is
/// parsed and compiled anew at every construction.
final class PatternCache: Sendable {
    static let shared = PatternCache()
    private let compiled = Mutex<[String: Regex<AnyRegexOutput>]>([:])

    /// Whether `value` matches `pattern` as a whole; a pattern that does not compile matches
    /// nothing (the mapping compiler refuses such patterns, so this does not happen).
    func matches(_ pattern: String, _ value: String) -> Bool {
        compiled.withLock { compiled in
            if compiled[pattern] == nil, compiled.count < 10_000, let made = try? Regex(pattern) { compiled[pattern] = made }
            guard let regex = compiled[pattern] else { return false }
            return (try? regex.wholeMatch(in: value)) != nil
        }
    }
}

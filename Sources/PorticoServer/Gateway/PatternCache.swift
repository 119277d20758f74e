import Synchronization

/// Parameter patterns of proxied routes, compiled once each: a `Regex` built from text is
/// parsed and compiled anew at every construction.
final class PatternCache: @unchecked Sendable {
    static let shared = PatternCache()
    /// Compiled regexes are only read after they are stored; the lock guards the dictionary.
    private let lock = Mutex<Void>(())
    private nonisolated(unsafe) var compiled: [String: Regex<AnyRegexOutput>] = [:]

    /// Whether `value` matches `pattern` as a whole; a pattern that does not compile matches
    /// nothing (the mapping compiler refuses such patterns, so this does not happen).
    func matches(_ pattern: String, _ value: String) -> Bool {
        let regex: Regex<AnyRegexOutput>? = lock.withLock { _ in
            if let found = compiled[pattern] { return found }
            guard let made = try? Regex(pattern) else { return nil }
            if compiled.count < 10_000 { compiled[pattern] = made }
            return made
        }
        guard let regex else { return false }
        return (try? regex.wholeMatch(in: value)) != nil
    }
}

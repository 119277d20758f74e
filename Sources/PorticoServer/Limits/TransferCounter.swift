public import Foundation
import Synchronization

/// Response bytes each partner received from this instance today (UTC), for `/usage`: what a
/// partner pulling exports and legacy files through the gateway can check against its own
/// counts. In memory and per instance, like the in-flight count; it restarts at UTC midnight.
public final class TransferCounter: Sendable {
    private struct Day {
        var day: Int
        var bytes: Int
    }

    private let days = Mutex<[String: Day]>([:])
    let clock: @Sendable () -> Date

    public init(clock: @escaping @Sendable () -> Date = { Date() }) { self.clock = clock }

    private var today: Int { Int(clock().timeIntervalSince1970) / 86_400 }

    func add(_ partner: String, bytes: Int) {
        guard bytes > 0 else { return }
        let day = today
        days.withLock { days in
            if days[partner]?.day == day { days[partner]!.bytes += bytes } else { days[partner] = Day(day: day, bytes: bytes) }
        }
    }

    /// Bytes sent to `partner` today, and the seconds until the count restarts.
    public func today(_ partner: String) -> (bytes: Int, resetSeconds: Int) {
        let now = Int(clock().timeIntervalSince1970)
        let day = now / 86_400
        let bytes = days.withLock { days in days[partner].flatMap { $0.day == day ? $0.bytes : nil } ?? 0 }
        return (bytes, (day + 1) * 86_400 - now)
    }
}

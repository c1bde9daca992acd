import Foundation
import Synchronization

/// Failed sign-ins counted per key (a login, or the address they came from): `free` failures
/// cost nothing, then each further one makes the next attempt wait 1, 2, 4 … seconds, at most
/// `maximum` (five minutes unless said). A key with no failure for 15 minutes starts again from nothing, so a person who
/// mistypes now and then is never slowed down for it later.
///
/// ```swift
/// let logins = Throttle(free: 5)
/// if let seconds = logins.wait("ada") { print("try again in \(seconds) s") }
/// logins.failed("ada")
/// ```
public final class Throttle: Sendable {
    /// Failures that cost nothing.
    public let free: Int
    /// The longest wait, in seconds.
    public let maximum: Int
    /// After this long without a failure, a key's count starts again.
    public static let forgetAfter: Duration = .seconds(900)
    private let table = Mutex<[String: Entry]>([:])

    private struct Entry {
        var count: Int
        var until: ContinuousClock.Instant
        var last: ContinuousClock.Instant
    }

    /// A throttle letting `free` failures of a key cost nothing, then waits of at most `maximum`
    /// seconds.
    public init(free: Int, maximum: Int = 300) {
        self.free = free
        self.maximum = maximum
    }

    /// Seconds `key` must still wait before its next attempt, or `nil` when it may try now.
    public func wait(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        guard let entry = table.withLock({ $0[key] }), entry.until > now else { return nil }
        // Whole seconds, rounded up: a client told to wait that long may try again.
        let left = (entry.until - now).components
        return Int(left.seconds) + (left.attoseconds > 0 ? 1 : 0)
    }

    /// Counts a failure of `key`.
    public func failed(_ key: String, now: ContinuousClock.Instant = .now) {
        table.withLock { table in
            // Old entries go, so that made-up logins cannot grow the table without end.
            if table.count > 10_000 { table = table.filter { now - $0.value.last < Self.forgetAfter } }
            var entry = table[key] ?? Entry(count: 0, until: now, last: now)
            if now - entry.last >= Self.forgetAfter { entry.count = 0 }
            entry.count += 1
            entry.last = now
            let wait = entry.count < free ? 0 : min(maximum, 1 << min(entry.count - free, 9))
            entry.until = now + .seconds(wait)
            table[key] = entry
        }
    }

    /// Forgets the failures of `key` (a login that signed in with the right password).
    public func succeeded(_ key: String) {
        table.withLock { _ = $0.removeValue(forKey: key) }
    }
}

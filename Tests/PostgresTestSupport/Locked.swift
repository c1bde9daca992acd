import Foundation

/// A value behind a lock, for tests that count or collect from several threads.
public final class LockedValue<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T

    /// A lock around `value`.
    public init(_ value: T) { self.value = value }

    /// Runs `body` with the value, holding the lock.
    public func withLock<R>(_ body: (inout T) throws -> R) rethrows -> R {
        try lock.withLock { try body(&value) }
    }
}

/// A thread-safe counter: `next()` returns 1, 2, 3, …
public final class Counter: Sendable {
    private let value = LockedValue(0)

    /// A counter at 0.
    public init() {}

    /// The next number.
    public func next() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}

/// Counts occurrences of values from several threads.
public final class Tally<Key: Hashable & Sendable>: Sendable {
    private let counts = LockedValue<[Key: Int]>([:])

    /// An empty tally.
    public init() {}

    /// Counts `key` once more.
    public func add(_ key: Key) { counts.withLock { $0[key, default: 0] += 1 } }

    /// How often `key` was added.
    public func count(_ key: Key) -> Int { counts.withLock { $0[key] ?? 0 } }
}

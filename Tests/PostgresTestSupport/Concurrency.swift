import Foundation

/// Runs `body` on `count` threads at once (not tasks: libpq calls block, and the test must not
/// depend on how many threads the cooperative pool has) and rethrows the first error.
public func runConcurrently(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
    let group = DispatchGroup()
    let failures = LockedValue<[any Error]>([])
    for worker in 0..<count {
        group.enter()
        Thread.detachNewThread {
            defer { group.leave() }
            do { try body(worker) } catch { failures.withLock { $0.append(error) } }
        }
    }
    group.wait()
    if let first = failures.withLock({ $0.first }) { throw first }
}

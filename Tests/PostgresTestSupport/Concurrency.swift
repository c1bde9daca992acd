import Foundation

/// Runs `body` on `count` threads at once (not tasks: libpq calls block, and the test must not
/// depend on how many threads the cooperative pool has) and rethrows the first error.
public func runConcurrently(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
    let group = DispatchGroup()
    let failures = Failures()
    for worker in 0..<count {
        group.enter()
        Thread.detachNewThread {
            defer { group.leave() }
            do { try body(worker) } catch { failures.add(error) }
        }
    }
    group.wait()
    if let first = failures.first { throw first }
}

private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [any Error] = []
    func add(_ error: any Error) { lock.withLock { errors.append(error) } }
    var first: (any Error)? { lock.withLock { errors.first } }
}

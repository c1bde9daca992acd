import Foundation
public import Testing

/// A trait that runs each test of a suite on a thread of its own, a few such tests at a time.
///
/// Tests that touch storage block: libpq waits on its socket, `cfit` runs as a child process,
/// a test sleeps while a server restarts. Swift Testing runs tests as tasks on the cooperative
/// pool — on Linux a few dispatch threads for the whole run (two cores: about four) that the
/// in-process web servers of other suites need too. A handful of blocking tests on those threads
/// starve every in-process server of the run: a full CI run once saw 14 s answers, a schemathesis
/// read time out and a sign-in session test fail. Under this trait a test's body runs on its own
/// thread (a task executor preference), so it blocks only that thread; a gate lets
/// ``OwnThread/width`` such tests run at once, waiting without holding any thread.
///
/// ```swift
/// @Suite("Stock through cfit", .ownThread)
/// struct StockCommandTests { … }
/// ```
public struct OwnThread: TestTrait, SuiteTrait, TestScoping {
    /// How many tests under this trait run at once: the blocking work of the whole run, which
    /// before ran on about four pool threads.
    public static let width = 5

    /// Applies to every test of a suite that has it.
    public var isRecursive: Bool { true }

    /// Runs one test case on a thread of its own once the gate lets it in.
    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard testCase != nil else { return try await function() }
        await Self.gate.enter()
        let executor = ThreadExecutor()
        defer {
            executor.stop()
            Task { await Self.gate.leave() }
        }
        try await withTaskExecutorPreference(executor) { try await function() }
    }

    static let gate = Gate(width: width)

    /// A counting semaphore that waits by suspending.
    actor Gate {
        private var free: Int
        private var waiting: [CheckedContinuation<Void, Never>] = []

        init(width: Int) { free = width }

        func enter() async {
            if free > 0 {
                free -= 1
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        func leave() {
            if waiting.isEmpty {
                free += 1
            } else {
                waiting.removeFirst().resume()
            }
        }
    }
}

extension Trait where Self == OwnThread {
    /// Each test on a thread of its own, a few at a time: see ``OwnThread``.
    public static var ownThread: OwnThread { OwnThread() }
}

/// A task executor with one thread of its own, which runs the jobs given to it in order.
final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopped = false
    private var finished = false

    init() {
        let thread = Thread { [self] in run() }
        thread.stackSize = 8 << 20
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let late = condition.withLock {
            if finished { return true }
            jobs.append(unowned)
            condition.signal()
            return false
        }
        // A job after the thread has ended (none is expected) still runs, on a thread of its own.
        if late { Thread.detachNewThread { unowned.runSynchronously(on: self.asUnownedTaskExecutor()) } }
    }

    /// Ends the thread once the jobs given so far have run.
    func stop() {
        condition.withLock {
            stopped = true
            condition.signal()
        }
    }

    private func run() {
        // Its name as ps and /proc show it (a new thread otherwise inherits its creator's).
        try? "test-own-thread".write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
        while true {
            let next: UnownedJob? = condition.withLock {
                while jobs.isEmpty && !stopped { condition.wait() }
                if jobs.isEmpty { finished = true }
                return jobs.isEmpty ? nil : jobs.removeFirst()
            }
            guard let next else { return }
            next.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

import Foundation
import Glibc
import PostgresTestSupport
import Testing

/// The test run's own helpers for blocking work: a test on a thread of its own, a child process
/// waited for without Foundation's dispatch sources.
@Suite("Blocking tests keep off the shared threads", .ownThread)
struct OwnThreadTests {
    @Test("a synchronous test under .ownThread runs on its own thread, not one of the pool's")
    func ownThread() {
        #expect(Self.threadName() == "test-own-thread".prefix(15))
    }

    /// The current thread's name, as the system knows it.
    static func threadName() -> String {
        let comm = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
        return comm.trimmingCharacters(in: .newlines)
    }

    @Test("an asynchronous one too, after an await")
    func ownThreadAfterAwait() async throws {
        try await Task.sleep(for: .milliseconds(10))
        #expect(Self.threadName() == "test-own-thread".prefix(15))
    }

    @Test("a child's output, input, environment, folder and exit status; a signal is 128 + its number")
    func childProcess() async throws {
        let echoed = try await ChildProcess.run(
            "/bin/sh", ["-c", "cat; echo \"$CFIT_CHILD_TEST\"; pwd; echo oops >&2; exit 3"],
            environment: ["CFIT_CHILD_TEST": "seen"], input: "typed\n", directory: "/tmp")
        #expect(echoed.status == 3)
        #expect(echoed.stdout == "typed\nseen\n/tmp\n")
        #expect(echoed.stderr == "oops\n")
        let unset = try ChildProcess("/bin/sh", ["-c", "echo \"[$HOME]\""], unset: ["HOME"])
        #expect(unset.waitBlocking() == 0)
        #expect(unset.stdout == "[]\n")
        let sleeper = try ChildProcess("/bin/sleep", ["30"])
        #expect(sleeper.isRunning)
        sleeper.send(SIGKILL)
        #expect(await sleeper.exit() == 128 + SIGKILL)
        #expect(!sleeper.isRunning)
    }
}

import Foundation
import PostgresTestSupport
import Testing

@testable import Postgres

/// Issue 21, item 8: a child started with the parent's blocked signals ignores SIGTERM, so a
/// daemon the test run starts (PgBouncer, a server) could be stopped only with SIGKILL and was
/// left running. Every child now starts with a clean signal mask.
@Suite("Children start with a clean signal mask", .ownThread)
struct SpawnedSignalsTests {
    /// The blocked-signal mask of process `pid`, as /proc shows it (hexadecimal).
    static func blocked(_ pid: String) -> String? {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").first { $0.hasPrefix("SigBlk:") }.map {
            $0.dropFirst("SigBlk:".count).trimmingCharacters(in: .whitespaces)
        }
    }

    @Test("a program the server tools run blocks no signal, even when the caller blocks SIGTERM and SIGINT")
    func serverTools() throws {
        var blocking = sigset_t()
        sigemptyset(&blocking)
        sigaddset(&blocking, SIGTERM)
        sigaddset(&blocking, SIGINT)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &blocking, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        let output = try Subprocess.run("/bin/sh", ["-c", "grep SigBlk /proc/self/status"])
        #expect(output.stdout.contains("0000000000000000"), "\(output.stdout)")
    }

    @Test("the test run's PgBouncer blocks neither SIGTERM nor SIGINT, so it can be stopped")
    func pgBouncer() throws {
        let bouncer = try PgBouncer(poolSize: 1)
        let pid = try #require(bouncer.pid)
        let mask = try #require(Self.blocked(String(pid)))
        let bits = try #require(UInt64(mask, radix: 16))
        #expect(bits & (1 << (UInt64(SIGTERM) - 1)) == 0, "SigBlk \(mask)")
        #expect(bits & (1 << (UInt64(SIGINT) - 1)) == 0, "SigBlk \(mask)")
    }
}

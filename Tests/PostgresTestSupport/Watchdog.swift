import Foundation
import Postgres

/// Servers a test starts as child processes (`cfit serve`) are stopped when the test process
/// ends, however it ends — a crash or a kill runs no `defer` — by a small detached watcher.
public enum Watchdog {
    /// Once this test process has ended, sends SIGTERM to process `pid` (and SIGKILL 5 s later),
    /// provided it is still the program whose command line contains `marker` (a pid may be reused).
    public static func stopWhenTestsEnd(_ pid: Int32, marker: String) throws {
        let quoted = "'\(marker.replacingOccurrences(of: "'", with: "'\\''"))'"
        let alive = "tr '\\0' ' ' < /proc/\(pid)/cmdline 2>/dev/null | grep -qF -- \(quoted)"
        try Subprocess.spawnDetached([
            "/bin/sh", "-c",
            "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; if \(alive); then kill -TERM \(pid); sleep 5; if \(alive); then kill -KILL \(pid); fi; fi",
        ])
    }

    /// Removes `folder` once this test process has ended (after its servers' own watchdogs, which
    /// check every second, have stopped them).
    public static func removeWhenTestsEnd(_ folder: String) throws {
        let quoted = "'\(folder.replacingOccurrences(of: "'", with: "'\\''"))'"
        try Subprocess.spawnDetached([
            "/bin/sh", "-c", "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; sleep 3; rm -rf \(quoted)",
        ])
    }
}

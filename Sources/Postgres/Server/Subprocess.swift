import Foundation
public import Glibc

/// Runs a program to completion and captures its output, for the server tools (initdb, pg_ctl).
///
/// Every child starts with a clean signal mask and the default actions for the signals that stop
/// it: a child otherwise inherits its parent's blocked signals (a test runner blocks SIGINT and
/// SIGTERM), and a server or daemon started that way can then be stopped only with SIGKILL.
public enum Subprocess {
    /// How a program ended and what it wrote.
    public struct Output: Sendable {
        /// Its exit status (128 + the signal when a signal ended it).
        public let status: Int32
        /// What it wrote to standard output.
        public let stdout: String
        /// What it wrote to standard error.
        public let stderr: String
    }

    /// Runs `executable` with `arguments`; `user`, when given, runs it as that system user through
    /// `runuser` (we are root then).
    ///
    /// Output goes to temporary files, not pipes: a server the program starts in the background
    /// could inherit a pipe and keep it open, so reading it would never end. The child is spawned
    /// and reaped directly (posix_spawn, waitpid).
    public static func run(_ executable: String, _ arguments: [String], as user: String? = nil) throws -> Output {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        cleanSignals(&attributes)
        var argv = [executable] + arguments
        if let user { argv = [Self.find("runuser") ?? "/usr/sbin/runuser", "-u", user, "--"] + argv }
        let folder = NSTemporaryDirectory()
        let outPath = "\(folder)/cfit-\(UUID().uuidString).out"
        let errPath = "\(folder)/cfit-\(UUID().uuidString).err"
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, environ)
        guard spawned == 0 else {
            throw PostgresError(.connection, "cannot run \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        let exited = status & 0x7F == 0
        return Output(
            status: exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F),
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        )
    }

    /// Starts `argv` in its own session with stdio on /dev/null and does not wait for it (for a
    /// watchdog that must outlive the caller).
    public static func spawnDetached(_ argv: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in 0...2 {
            posix_spawn_file_actions_addopen(
                &actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (glibc 0x80, hidden behind _GNU_SOURCE): a session of its own, so the
        // watchdog is not stopped with the caller's process group.
        cleanSignals(&attributes, extraFlags: 0x80)
        let cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, environ)
        guard spawned == 0 else {
            throw PostgresError(.connection, "cannot run \(argv[0]): \(String(cString: strerror(spawned)))")
        }
    }

    /// Sets `attributes` so the child starts with no signal blocked and SIGHUP, SIGINT, SIGQUIT and
    /// SIGTERM at their default actions (plus `extraFlags`).
    public static func cleanSignals(_ attributes: inout posix_spawnattr_t, extraFlags: Int32 = 0) {
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var stopping = sigset_t()
        sigemptyset(&stopping)
        for signal in [SIGHUP, SIGINT, SIGQUIT, SIGTERM] { sigaddset(&stopping, signal) }
        posix_spawnattr_setsigdefault(&attributes, &stopping)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) | Int16(extraFlags))
    }

    /// The first executable named `name` on PATH or in the usual system folders.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

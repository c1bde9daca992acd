import Foundation
public import Glibc
import Postgres

/// A program a test starts, spawned and reaped directly (posix_spawn, waitpid).
///
/// Foundation's `Process` learns that its child ended from a dispatch source, and reading a pipe
/// in the background takes another dispatch thread: on Linux both come from the same few threads
/// (two per core) that run every test and every in-process server of the test run. Tests that
/// wait on a child while holding such a thread could then wait for each other forever — a full
/// CI run once hung so. Nothing here needs any thread but the caller's, and ``exit()`` waits on a
/// thread of its own, leaving the shared ones free.
///
/// ```swift
/// let child = try ChildProcess("/bin/echo", ["hello"])
/// let status = await child.exit()   // 0
/// child.stdout                      // "hello\n"
/// ```
public final class ChildProcess: @unchecked Sendable {
    /// Its process id.
    public let pid: pid_t
    private let outPath: String?
    private let errPath: String?
    private let state = LockedValue<Int32?>(nil)

    /// Where a stream of the child goes.
    public enum Stream: Sendable {
        /// A temporary file, read back by ``stdout`` / ``stderr``.
        case captured
        /// Nowhere.
        case discarded
        /// Appended to this file.
        case file(String)
    }

    /// Starts `executable` with `arguments`, the test process's environment overlaid with
    /// `environment` and without the variables `unset`, `input` as its standard input, in
    /// `directory` when given (through `/bin/sh`).
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], unset: [String] = [],
        input: String = "", stdout: Stream = .captured, stderr: Stream = .captured, directory: String? = nil
    ) throws {
        let folder = NSTemporaryDirectory()
        let id = UUID().uuidString
        let inPath = "\(folder)/cfit-child-\(id).in"
        try Data(input.utf8).write(to: URL(fileURLWithPath: inPath))
        defer { unlink(inPath) }
        func path(_ stream: Stream, _ suffix: String) -> (open: String, read: String?) {
            switch stream {
            case .captured: return ("\(folder)/cfit-child-\(id).\(suffix)", "\(folder)/cfit-child-\(id).\(suffix)")
            case .discarded: return ("/dev/null", nil)
            case .file(let file): return (file, nil)
            }
        }
        let out = path(stdout, "out")
        let err = path(stderr, "err")
        outPath = out.read
        errPath = err.read
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out.open, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, err.open, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        Subprocess.cleanSignals(&attributes)
        var argv = [executable] + arguments
        if let directory {
            argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + argv
        }
        let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            .filter { !unset.contains($0.key) }
        let cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnvironment: [UnsafeMutablePointer<CChar>?] = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in cArguments { free(pointer) }
            for pointer in cEnvironment { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
        guard spawned == 0 else {
            throw PostgresError(.connection, "cannot run \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
    }

    deinit {
        for path in [outPath, errPath].compactMap({ $0 }) { unlink(path) }
    }

    /// Its exit status (128 + the signal when a signal ended it) once reaped; `nil` while it runs.
    public var status: Int32? {
        state.withLock { known in
            if known == nil {
                var raw: Int32 = 0
                if waitpid(pid, &raw, WNOHANG) == pid { known = Self.decode(raw) }
            }
            return known
        }
    }

    /// Whether it is still running.
    public var isRunning: Bool { status == nil }

    /// Waits for it to end on the calling thread and returns its exit status.
    public func waitBlocking() -> Int32 {
        if let known = status { return known }
        var raw: Int32 = 0
        var reaped: pid_t = -1
        repeat { reaped = waitpid(pid, &raw, 0) } while reaped == -1 && errno == EINTR
        return state.withLock { known in
            if known == nil { known = reaped == pid ? Self.decode(raw) : 255 }
            return known ?? 255
        }
    }

    /// Waits for it to end on a thread of its own and returns its exit status.
    public func exit() async -> Int32 {
        if let known = status { return known }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            Thread.detachNewThread { continuation.resume(returning: self.waitBlocking()) }
        }
    }

    /// Sends `signal`.
    public func send(_ signal: Int32) { if isRunning { kill(pid, signal) } }

    /// What it wrote to standard output so far, when captured.
    public var stdout: String { outPath.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? "" }

    /// What it wrote to standard error so far, when captured.
    public var stderr: String { errPath.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? "" }

    private static func decode(_ raw: Int32) -> Int32 {
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        raw & 0x7F == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
    }

    /// Runs `executable` to its end on a thread of its own, leaving the shared threads free.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String = "",
        directory: String? = nil
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try ChildProcess(
            executable, arguments, environment: environment, input: input, directory: directory)
        let status = await child.exit()
        return (status, child.stdout, child.stderr)
    }
}

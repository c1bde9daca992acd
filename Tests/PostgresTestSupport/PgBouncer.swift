import Foundation
import Postgres

/// A real PgBouncer (Debian's `pgbouncer`) in transaction pooling mode in front of the test
/// cluster, listening on 127.0.0.1 only; stopped when the value is released. As root it runs as
/// the `postgres` system user, as PgBouncer refuses to run as root.
public final class PgBouncer: @unchecked Sendable {
    /// The port it listens on (127.0.0.1).
    public let port: Int
    private let folder: String

    /// Starts PgBouncer with `poolSize` server connections per database, forwarding every
    /// database to the test cluster's Unix socket and logging in there as its superuser.
    public init(poolSize: Int = 8) throws {
        guard let server = try TestDatabase.localServer() else {
            throw PostgresError(
                .usage, "the PgBouncer tests need the throwaway test cluster (no CFIT_TEST_DATABASE_URL)")
        }
        guard
            let binary = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"].first(
                where: FileManager.default.isExecutableFile)
        else {
            throw PostgresError(.usage, "pgbouncer is not installed: run .ci/setup (apt-get install pgbouncer)")
        }
        folder = NSTemporaryDirectory() + "cfit-pgbouncer-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder)
        port = try Self.freePort()
        let configuration = """
            [databases]
            * = host=\(server.socketDirectory) user=\(server.role)

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = \(port)
            unix_socket_dir =
            auth_type = any
            pool_mode = transaction
            default_pool_size = \(poolSize)
            max_client_conn = 500
            ignore_startup_parameters = extra_float_digits,options
            logfile = \(folder)/pgbouncer.log
            pidfile = \(folder)/pgbouncer.pid
            """
        try configuration.write(toFile: "\(folder)/pgbouncer.ini", atomically: true, encoding: .utf8)
        var argv = [binary, "-d", "\(folder)/pgbouncer.ini"]
        if geteuid() == 0 { argv = ["/usr/sbin/runuser", "-u", "postgres", "--"] + argv }
        // Not Foundation's Process: the daemon would inherit the descriptor it watches, and
        // waiting for it would never end.
        guard Self.spawnAndWait(argv) == 0 else {
            let log = (try? String(contentsOfFile: "\(folder)/pgbouncer.log", encoding: .utf8)) ?? ""
            throw PostgresError(.connection, "pgbouncer did not start: \(log.suffix(400))")
        }
        // Stopped when the test process ends, which never runs `deinit`: a watchdog outlives it.
        let quoted = { (text: String) in "'\(text.replacingOccurrences(of: "'", with: "'\\''"))'" }
        try Subprocess.spawnDetached([
            "/bin/sh", "-c",
            "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; kill -TERM \"$(cat \(quoted("\(folder)/pgbouncer.pid")))\"; rm -rf \(quoted(folder))",
        ])
        // Wait until it accepts connections.
        for _ in 0..<50 {
            if (try? Connection(url(database: "postgres")))?.serverVersion ?? 0 > 0 { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw PostgresError(.connection, "pgbouncer did not accept connections on 127.0.0.1:\(port)")
    }

    /// A URL for `database` through PgBouncer.
    public func url(database: String) -> String {
        "postgresql://cfit@127.0.0.1:\(port)/\(database)"
    }

    /// The same database as `url` (a test database), reached through PgBouncer.
    public func url(for url: String) throws -> String {
        let connection = try Connection(url)
        defer { connection.close() }
        return self.url(database: try connection.query("SELECT current_database() AS d")[0].decode(String.self, "d"))
    }

    deinit {
        if let pid = try? String(contentsOfFile: "\(folder)/pgbouncer.pid", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines), let number = Int32(pid)
        {
            kill(number, SIGTERM)
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The daemon's process id, from its pid file.
    public var pid: Int32? {
        (try? String(contentsOfFile: "\(folder)/pgbouncer.pid", encoding: .utf8))
            .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Runs `argv` with its standard streams on /dev/null and a clean signal mask (so the daemon
    /// it starts can be stopped with SIGTERM), and returns its exit status.
    private static func spawnAndWait(_ argv: [String]) -> Int32 {
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
        Subprocess.cleanSignals(&attributes)
        let arguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for argument in arguments { free(argument) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, &attributes, arguments, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status >> 8) & 0xff
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        guard bound == 0 else { throw PostgresError(.usage, "no free port on 127.0.0.1") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

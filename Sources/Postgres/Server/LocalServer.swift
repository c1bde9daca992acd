import Foundation

/// The embedded default database: a PostgreSQL cluster of `cfit`'s own, in a folder of its own,
/// listening only on a Unix socket.
///
/// `start()` creates the cluster on first use (initdb), starts it (pg_ctl) and makes sure the
/// `cfit` database exists; later calls find it running and do nothing. PostgreSQL refuses to run
/// as root, so when `cfit` runs as root the server runs as the `postgres` system user.
///
/// ```swift
/// let server = LocalServer()          // ~/.local/share/cfit, or /var/lib/cfit as root
/// try server.start()
/// let connection = try Connection(server.url)
/// ```
public struct LocalServer: Sendable {
    /// Whether the cluster exists and runs.
    public enum Status: Sendable, Hashable, CustomStringConvertible {
        /// No cluster has been created in the folder yet.
        case notCreated
        /// The cluster exists but no server runs on it.
        case stopped
        /// A server runs on the cluster, with this process id.
        case running(pid: Int)

        /// `"running (pid 123)"`, `"stopped"`, `"not created"`.
        public var description: String {
            switch self {
            case .notCreated: "not created"
            case .stopped: "stopped"
            case .running(let pid): "running (pid \(pid))"
            }
        }
    }

    /// The folder holding everything: `pgdata/`, `run/` (the socket) and `server.log`.
    public let home: String
    /// Extra server settings written into the cluster's configuration when it is created.
    public let settings: [String: String]
    /// The database `cfit` uses in the cluster.
    public let database: String
    /// The role `cfit` connects as (the cluster's superuser).
    public let role = "cfit"

    /// The cluster's data folder.
    public var dataDirectory: String { "\(home)/pgdata" }
    /// The folder where the server's Unix socket lives.
    public var socketDirectory: String { "\(home)/run" }
    /// The server's log file.
    public var logFile: String { "\(home)/server.log" }

    /// The connection URI for the cluster's database (Unix socket, no TCP).
    public var url: String { url(database: database) }

    /// The connection URI for another database in the cluster.
    public func url(database name: String) -> String {
        // The socket folder goes in the query string: escape everything but unreserved characters and '/'.
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "/-._~")
        let host = socketDirectory.addingPercentEncoding(withAllowedCharacters: allowed) ?? socketDirectory
        // A cluster configured with another port has its socket file named after that port.
        let port = settings["port"].map { "&port=\($0)" } ?? ""
        return "postgresql:///\(name)?host=\(host)&user=\(role)\(port)"
    }

    /// A server in `home` (default: `CFIT_HOME`, else `/var/lib/cfit` as root, else
    /// `$XDG_DATA_HOME/cfit` or `~/.local/share/cfit`).
    public init(home: String? = nil, database: String = "cfit", settings: [String: String] = [:]) {
        self.home = home ?? Self.defaultHome()
        self.database = database
        self.settings = settings
    }

    /// The default folder of the embedded cluster for the current user.
    public static func defaultHome() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let home = environment["CFIT_HOME"], !home.isEmpty { return home }
        if geteuid() == 0 { return "/var/lib/cfit" }
        if let data = environment["XDG_DATA_HOME"], !data.isEmpty { return "\(data)/cfit" }
        return "\(NSHomeDirectory())/.local/share/cfit"
    }

    /// The system user the server runs as: `postgres` when we are root, ourselves otherwise.
    var serverUser: String? { geteuid() == 0 ? "postgres" : nil }

    /// Whether the cluster exists and whether its server runs.
    public func status() throws -> Status {
        guard FileManager.default.fileExists(atPath: "\(dataDirectory)/PG_VERSION") else { return .notCreated }
        let binaries = try ServerBinaries.locate()
        let output = try Subprocess.run(binaries.path("pg_ctl"), ["-D", dataDirectory, "status"], as: serverUser)
        guard output.status == 0 else { return .stopped }
        let pid = output.stdout.split(whereSeparator: { !$0.isNumber }).first.flatMap { Int($0) } ?? 0
        return .running(pid: pid)
    }

    /// Creates the cluster if needed, starts its server if it is not running, and makes sure the
    /// database exists. Safe to call from several processes at once.
    public func start() throws {
        try withFileLock {
            let binaries = try ServerBinaries.locate()
            if case .notCreated = try status() { try create(binaries) }
            if case .stopped = try status() {
                try makeLogPrivate()
                let output = try Subprocess.run(
                    binaries.path("pg_ctl"),
                    ["-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "-o", Self.privateLogging, "start"],
                    as: serverUser
                )
                guard output.status == 0 else {
                    throw PostgresError(
                        .connection,
                        "the local database server did not start: \(Self.lastLine(output.stderr + output.stdout)) (see \(logFile))"
                    )
                }
            }
            try ensureDatabase(database)
        }
    }

    /// Server options that keep patient data out of the log: errors are logged tersely (no
    /// DETAIL such as "Failing row contains (…, C50.9, …)", no CONTEXT), never with the statement
    /// that failed, and any log file the server makes itself is readable by its user only. The
    /// price: the log says which constraint failed but not the row; the client still gets the
    /// whole error.
    static let privateLogging =
        "-c log_error_verbosity=terse -c log_min_error_statement=panic -c log_file_mode=0600"

    /// Creates the log file readable and writable by the server's user only (or tightens an
    /// existing one), before `pg_ctl -l` appends to it.
    private func makeLogPrivate() throws {
        if !FileManager.default.fileExists(atPath: logFile) {
            guard FileManager.default.createFile(atPath: logFile, contents: nil, attributes: [.posixPermissions: 0o600])
            else { throw PostgresError(.connection, "cannot create \(logFile)") }
        }
        guard chmod(logFile, 0o600) == 0 else {
            throw PostgresError(.connection, "cannot make \(logFile) private: \(String(cString: strerror(errno)))")
        }
        if let user = serverUser, let account = getpwnam(user) {
            _ = chown(logFile, account.pointee.pw_uid, account.pointee.pw_gid)
        }
    }

    /// Stops the server (fast shutdown: open transactions are rolled back).
    public func stop() throws {
        try withFileLock {
            guard case .running = try status() else { return }
            let binaries = try ServerBinaries.locate()
            let output = try Subprocess.run(
                binaries.path("pg_ctl"), ["-D", dataDirectory, "-m", "fast", "-w", "stop"], as: serverUser)
            guard output.status == 0 else {
                throw PostgresError(
                    .connection, "the local database server did not stop: \(Self.lastLine(output.stderr))")
            }
        }
    }

    /// Stops the server at once (no clean shutdown) and, when `removingFiles`, deletes `home`; also
    /// arranges, through a small watchdog process, for the same to happen as soon as process
    /// `owner` ends — so a throwaway cluster never outlives the test run that made it.
    public func stopWhenProcessEnds(_ owner: Int32, removingFiles: Bool) throws {
        let binaries = try ServerBinaries.locate()
        let stop = ([binaries.path("pg_ctl"), "-D", dataDirectory, "-m", "immediate", "stop"])
        let asUser = serverUser.map { ["runuser", "-u", $0, "--"] } ?? []
        let quoted = (asUser + stop).map { "'\($0.replacingOccurrences(of: "'", with: "'\\''"))'" }.joined(
            separator: " ")
        let remove = removingFiles ? "; rm -rf '\(home.replacingOccurrences(of: "'", with: "'\\''"))'" : ""
        let script = "while kill -0 \(owner) 2>/dev/null; do sleep 1; done; \(quoted)\(remove)"
        try Subprocess.spawnDetached(["/bin/sh", "-c", script])
    }

    /// Stops the server immediately (no checkpoint), for throwaway clusters.
    public func stopImmediately() {
        guard let binaries = try? ServerBinaries.locate() else { return }
        _ = try? Subprocess.run(
            binaries.path("pg_ctl"), ["-D", dataDirectory, "-m", "immediate", "-w", "stop"], as: serverUser)
    }

    /// Creates database `name` in the cluster if it does not exist (optionally from a template).
    public func ensureDatabase(_ name: String, template: String? = nil) throws {
        let admin = try Connection(url(database: "postgres"))
        defer { admin.close() }
        try Self.createDatabase(name, template: template, on: admin)
    }

    /// Creates database `name` on the server `admin` is connected to, unless it exists.
    /// Names are limited to lowercase letters, digits and `_` (they cannot be bound parameters).
    public static func createDatabase(_ name: String, template: String? = nil, on admin: Connection) throws {
        for identifier in [name] + (template.map { [$0] } ?? []) {
            guard !identifier.isEmpty,
                identifier.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 })
            else {
                throw PostgresError(.usage, "database name \"\(identifier)\": expected lowercase letters, digits and _")
            }
        }
        let exists = try admin.query("SELECT 1 FROM pg_database WHERE datname = \(name)").count > 0
        guard !exists else { return }
        do {
            // Quoted: a valid name may still be a keyword (`user`, `full`).
            try admin.executeScript("CREATE DATABASE \"\(name)\"" + (template.map { " TEMPLATE \"\($0)\"" } ?? ""))
        } catch {
            // Another process may have created it at the same moment.
            guard error.sqlState == .uniqueViolation || error.sqlState == SQLState("42P04") else { throw error }
        }
    }

    private func create(_ binaries: ServerBinaries) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: home, withIntermediateDirectories: true)
        try manager.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        try manager.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dataDirectory)
        try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: socketDirectory)
        if let user = serverUser {
            // The server's own folders belong to its user; `home` stays ours but must be traversable.
            try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: home)
            guard let account = getpwnam(user) else {
                throw PostgresError(
                    .connection,
                    "running as root needs the \(user) system user for the server: run `apt-get install postgresql`"
                )
            }
            for path in [dataDirectory, socketDirectory] {
                guard chown(path, account.pointee.pw_uid, account.pointee.pw_gid) == 0 else {
                    throw PostgresError(
                        .connection, "cannot hand \(path) to the \(user) user: \(String(cString: strerror(errno)))")
                }
            }
        }
        let output = try Subprocess.run(
            binaries.path("initdb"),
            ["-D", dataDirectory, "-U", role, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-instructions"],
            as: serverUser
        )
        guard output.status == 0 else {
            throw PostgresError(
                .connection, "could not create the local database cluster: \(Self.lastLine(output.stderr))")
        }
        var configuration = """

            # Written by cfit: the embedded cluster listens only on its own Unix socket.
            listen_addresses = ''
            unix_socket_directories = '\(socketDirectory.replacingOccurrences(of: "'", with: "''"))'
            unix_socket_permissions = 0700

            """
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) {
            configuration += "\(key) = \(value)\n"
        }
        let confPath = "\(dataDirectory)/postgresql.conf"
        guard let handle = FileHandle(forWritingAtPath: confPath) else {
            throw PostgresError(.connection, "cannot write \(confPath)")
        }
        handle.seekToEndOfFile()
        handle.write(Data(configuration.utf8))
        handle.closeFile()
    }

    /// Serialises creation, start and stop between processes with a lock file in `home`.
    private func withFileLock<T>(_ body: () throws -> T) throws -> T {
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let descriptor = open("\(home)/.lock", O_CREAT | O_RDWR, 0o644)
        guard descriptor >= 0 else {
            throw PostgresError(.connection, "cannot open \(home)/.lock: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else {
            throw PostgresError(.connection, "cannot lock \(home)/.lock: \(String(cString: strerror(errno)))")
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    static func lastLine(_ text: String) -> String {
        text.split(separator: "\n").last.map { String($0).trimmingCharacters(in: .whitespaces) } ?? "no output"
    }
}

import Foundation
import Inventory

@testable public import Postgres

/// A primary and a streaming hot standby of it, each listening only on its own Unix socket, for
/// failover tests with real parts: the standby is a `pg_basebackup` of the primary that replays
/// its WAL, synchronously (`synchronous_standby_names = '*'`, `synchronous_commit = on`: a commit
/// is acknowledged only once the standby has it) or not. Both are stopped and their folders
/// removed when the test process ends, however it ends.
///
/// ```swift
/// let pair = try ReplicatedPair(synchronous: true)
/// let url = pair.multiHostURL          // both sockets, target_session_attrs=read-write
/// pair.primary.stopImmediately()
/// try pair.promote()
/// ```
public final class ReplicatedPair: Sendable {
    /// The primary (created, started and migrated).
    public let primary: LocalServer
    /// The standby (a copy of the primary's cluster, in recovery until ``promote()``).
    public let standby: LocalServer
    /// The folder both live in.
    public let folder: String

    /// A primary with the schema migrated and a standby streaming from it; waits until the standby
    /// replicates (synchronously, when asked).
    public init(synchronous: Bool) throws {
        folder = NSTemporaryDirectory() + "cfit-pair-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
        primary = LocalServer(
            home: "\(folder)/primary", database: "cfit",
            settings: [
                "fsync": "off", "full_page_writes": "off", "max_wal_senders": "4", "wal_keep_size": "'256MB'",
                "synchronous_commit": "on", "max_connections": "100",
            ])
        standby = LocalServer(home: "\(folder)/standby", database: "cfit")
        try Watchdog.removeWhenTestsEnd(folder)
        try primary.start()
        try primary.stopWhenProcessEnds(getpid(), removingFiles: true)
        try InventorySchema.migrator.migrate(Connection(primary.url, lockTimeout: nil))
        try makeStandby()
        try standby.stopWhenProcessEnds(getpid(), removingFiles: true)
        if synchronous {
            // Only now: with no standby yet, every commit would wait for one.
            let admin = try Connection(primary.url(database: "postgres"))
            try admin.executeScript("ALTER SYSTEM SET synchronous_standby_names = '*'")
            try admin.executeScript("SELECT pg_reload_conf()")
            admin.close()
        }
        try waitForReplication(synchronous: synchronous)
    }

    /// Both servers, the primary first, choosing the one that takes writes — what a chain's
    /// counters are given (`connect_timeout` 2 s).
    public var multiHostURL: String {
        "postgresql:///cfit?host=\(primary.socketDirectory),\(standby.socketDirectory)&user=\(primary.role)"
            + "&target_session_attrs=read-write&connect_timeout=2"
    }

    /// Promotes the standby to a primary and waits until it takes writes.
    public func promote() throws {
        let binaries = try ServerBinaries.locate()
        let output = try Subprocess.run(
            binaries.path("pg_ctl"), ["-D", standby.dataDirectory, "-w", "-t", "60", "promote"],
            as: standby.serverUser)
        guard output.status == 0 else {
            throw PostgresError(.connection, "the standby was not promoted: \(output.stderr)\(output.stdout)")
        }
    }

    /// Stops both servers now and removes their folder.
    public func tearDown() {
        primary.stopImmediately()
        standby.stopImmediately()
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func makeStandby() throws {
        try Self.baseBackup(
            of: primary, into: standby, standby: true,
            settings: ["synchronous_standby_names": "''", "hot_standby": "on"])
        try standby.start()
    }

    /// Copies `source`'s running cluster into `target`'s folders with `pg_basebackup` (WAL
    /// streamed along), as a standby of it when `standby` (`-R`), listening on `target`'s own
    /// socket, with `settings` added; does not start it.
    public static func baseBackup(
        of source: LocalServer, into target: LocalServer, standby: Bool, settings: [String: String] = [:]
    ) throws {
        let manager = FileManager.default
        for path in [target.home, target.socketDirectory, target.dataDirectory] {
            try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: target.home)
        for path in [target.socketDirectory, target.dataDirectory] {
            try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
            if let user = target.serverUser, let account = getpwnam(user) {
                chown(path, account.pointee.pw_uid, account.pointee.pw_gid)
            }
        }
        let binaries = try ServerBinaries.locate()
        let copied = try Subprocess.run(
            binaries.path("pg_basebackup"),
            ["-D", target.dataDirectory, "-h", source.socketDirectory, "-U", source.role, "-X", "stream", "-c", "fast"]
                + (standby ? ["-R"] : []), as: target.serverUser)
        guard copied.status == 0 else {
            throw PostgresError(.connection, "pg_basebackup failed: \(copied.stderr)")
        }
        // The copy carries the source's settings: the copy listens on its own socket.
        var lines = "unix_socket_directories = '\(target.socketDirectory)'\n"
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) { lines += "\(key) = \(value)\n" }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(target.dataDirectory)/postgresql.auto.conf"))
        handle.seekToEndOfFile()
        handle.write(Data(lines.utf8))
        try handle.close()
    }

    private func waitForReplication(synchronous: Bool) throws {
        let connection = try Connection(primary.url(database: "postgres"))
        defer { connection.close() }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let rows = try connection.query("SELECT sync_state FROM pg_stat_replication WHERE state = 'streaming'")
            if rows.count > 0, try !synchronous || rows[0].decode(String.self, "sync_state") == "sync" {
                return
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw PostgresError(.connection, "the standby did not start replicating within 60 s")
    }
}

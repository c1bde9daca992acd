import Crypto
public import Foundation
import Inventory
public import Postgres

/// What a backup file holds, written beside it as `FILE.manifest.json`: the schema's version,
/// every table's row count in the snapshot the file was dumped from, what `check` found at the
/// time, and the file's size and SHA-256 — what a restore verifies before it replaces anything.
public struct BackupManifest: Codable, Sendable, Hashable {
    /// The manifest's own format.
    public var format: Int
    /// When the snapshot was taken.
    public var createdAt: Date
    /// The newest migration applied in the database backed up.
    public var schemaVersion: Int
    /// The PostgreSQL server's version number (e.g. 150018).
    public var serverVersion: Int
    /// Rows per table (`public` schema), in the dumped snapshot.
    public var tables: [String: Int]
    /// What `cfit check` found just before the snapshot (empty: the books added up).
    public var checkProblems: [String]
    /// The backup file's size.
    public var bytes: Int64
    /// The backup file's SHA-256, hex.
    public var sha256: String
}

/// A backup taken: the file, its manifest, and what rotation removed.
public struct BackupSummary: Sendable {
    /// The backup file.
    public let file: String
    /// Its manifest.
    public let manifest: BackupManifest
    /// Whether the file was read back whole (`pg_restore --list`) and its checksum recomputed.
    public let verified: Bool
    /// Older backups removed by `--keep`.
    public let removed: [String]
}

/// A restore done: where, how much, and what the shop still has to do.
public struct RestoreSummary: Sendable {
    /// The database restored into.
    public let database: String
    /// Tables and rows restored (as the manifest counted them).
    public let tables: Int
    /// Rows in all.
    public let rows: Int
    /// The database the restore replaced, renamed and kept until someone drops it.
    public let keptAside: String?
    /// Migrations applied after the restore (a backup from an older cfit).
    public let migrated: [String]
    /// Logins the restored records name (actors, fitters, staff) that this server lacks.
    public let missingLogins: [String]
}

/// Backups a pharmacy can restore, with PostgreSQL's own tools: `pg_dump` in its custom format
/// from one snapshot (the row counts of the manifest come from the same snapshot), written 0600
/// with a manifest; restored with `pg_restore` into a new database, verified (checksum, every
/// table's rows, `check`) and only then put in place.
///
/// ```swift
/// let taken = try Backups.take(url: nil, file: "/var/backups/cfit/" + Backups.defaultFileName())
/// let restored = try Backups.restore(url: nil, file: taken.file, replace: true)
/// ```
public enum Backups {
    /// What a manifest's file name adds to its backup's.
    public static let manifestSuffix = ".manifest.json"
    /// The manifest format this program writes and reads.
    public static let format = 1

    /// `cfit-YYYY-MM-DDTHHMMSS.dump` in the counter's time zone.
    public static func defaultFileName(at date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd'T'HHmmss"
        return "cfit-\(formatter.string(from: date)).dump"
    }

    /// Backs up the database `url` names (the embedded default, started if needed, when `nil`)
    /// to `file`, which must not exist; `progress` is told the bytes written so far about once a
    /// second. Needs the schema owner's rights (every table is read).
    public static func take(
        url: String?, file: String, progress: @escaping @Sendable (Int64) -> Void = { _ in }
    ) throws -> BackupSummary {
        let target = try resolve(url)
        let manager = FileManager.default
        guard !manager.fileExists(atPath: file), !manager.fileExists(atPath: file + manifestSuffix) else {
            throw CounterError.badInput("FILE", expected: "a new file", typed: file)
        }
        let folder = (file as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard manager.fileExists(atPath: folder.isEmpty ? "." : folder, isDirectory: &isFolder), isFolder.boolValue,
            manager.isWritableFile(atPath: folder.isEmpty ? "." : folder)
        else {
            throw CounterError.plain(
                .unreadable, "FILE: expected a folder that exists and may be written, found '\(folder)'")
        }
        let binaries = try ServerBinaries.locate()
        let connection = try Connection(target, lockTimeout: nil)
        defer { connection.close() }
        let problems = try Checks(connection: connection).run().problems
        let partial = file + ".partial"
        guard manager.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CounterError.plain(.unreadable, "FILE: cannot create '\(partial)'")
        }
        var finished = false
        defer { if !finished { try? manager.removeItem(atPath: partial) } }
        let (tables, schemaVersion) = try connection.transaction(isolation: .repeatableRead) {
            tx -> ([String: Int], Int) in
            let snapshot = try tx.query("SELECT pg_export_snapshot() AS s")[0].decode(String.self, "s")
            let counts = try Self.rowCounts(tx)
            let version = try tx.query("SELECT coalesce(max(version), 0)::int AS v FROM cfit_schema_migrations")[0]
                .decode(Int.self, "v")
            // pg_dump reads the same snapshot, so the counts describe the file exactly.
            let watcher = Progress(file: partial, report: progress)
            let output = try Subprocess.run(
                binaries.path("pg_dump"),
                ["--format=custom", "--file=\(partial)", "--snapshot=\(snapshot)", "--dbname=\(target)"])
            watcher.stop()
            guard output.status == 0 else {
                let said = ConnectionString.redacting(Self.lastLine(output.stderr), from: target)
                let denied = said.contains("permission denied")
                throw CounterError.plain(
                    denied ? .notPermitted : .unavailable,
                    "database: pg_dump failed: \(said)\(denied ? " (a backup needs the schema owner's login)" : "")")
            }
            return (counts, version)
        }
        let (bytes, digest) = try Self.digest(partial)
        // Read back: the file is a whole custom-format archive.
        let listed = try Subprocess.run(binaries.path("pg_restore"), ["--list", partial])
        let verified = listed.status == 0
        let manifest = BackupManifest(
            format: format, createdAt: Date(), schemaVersion: schemaVersion, serverVersion: connection.serverVersion,
            tables: tables, checkProblems: problems, bytes: bytes, sha256: digest)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let manifestData = try encoder.encode(manifest)
        guard
            manager.createFile(
                atPath: file + manifestSuffix, contents: manifestData, attributes: [.posixPermissions: 0o600])
        else {
            throw CounterError.plain(.unreadable, "FILE: cannot write '\(file + manifestSuffix)'")
        }
        try manager.moveItem(atPath: partial, toPath: file)
        finished = true
        _ = try? connection.query(
            """
            INSERT INTO backup_log (file, bytes, sha256, schema_version, verified)
            VALUES (\(file), \(bytes), \(digest), \(schemaVersion), \(verified))
            """)
        return BackupSummary(file: file, manifest: manifest, verified: verified, removed: [])
    }

    /// Removes the oldest `cfit-….dump` backups in `folder` (and their manifests) beyond the
    /// newest `keep`; returns the files removed.
    public static func rotate(folder: String, keep: Int) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter {
            $0.range(of: #"^cfit-\d{4}-\d{2}-\d{2}T\d{6}\.dump$"#, options: .regularExpression) != nil
        }.sorted()
        let old = names.dropLast(keep)
        for name in old {
            try FileManager.default.removeItem(atPath: "\(folder)/\(name)")
            try? FileManager.default.removeItem(atPath: "\(folder)/\(name)\(manifestSuffix)")
        }
        return old.map { "\(folder)/\($0)" }
    }

    /// The last backup recorded in the database `url` names: when, where, and whether it was
    /// read back whole; `nil` when none is.
    public static func last(url: String?) throws -> (takenAt: Date, file: String, verified: Bool)? {
        let connection = try Connection(try resolve(url))
        defer { connection.close() }
        return try last(on: connection)
    }

    static func last(on connection: Connection) throws -> (takenAt: Date, file: String, verified: Bool)? {
        let exists = try connection.query("SELECT to_regclass('public.backup_log') IS NOT NULL AS e")[0]
            .decode(Bool.self, "e")
        guard exists else { return nil }
        let rows = try connection.query(
            "SELECT taken_at, file, verified FROM backup_log ORDER BY taken_at DESC, id DESC LIMIT 1")
        guard rows.count == 1 else { return nil }
        return (
            try rows[0].decode(Date.self, "taken_at"), try rows[0].decode(String.self, "file"),
            try rows[0].decode(Bool.self, "verified")
        )
    }

    /// Says so when the database on `connection` has no backup recorded in the last day (`nil`
    /// when one is): records a pharmacy must keep for years have one copy until then.
    public static func staleWarning(on connection: Connection, now: Date = Date()) throws -> String? {
        guard let last = try last(on: connection) else {
            return "no backup of this database is recorded: take one with cfit db backup (and schedule it)"
        }
        let hours = Int(now.timeIntervalSince(last.takenAt) / 3600)
        guard hours >= 24 else { return nil }
        return
            "the last backup was taken \(hours / 24) days \(hours % 24) hours ago (\(last.file)): take one with cfit db backup"
    }

    /// Restores `file` into the database `url` names (the embedded default when `nil`): checks
    /// the file against its manifest, restores into a new database, verifies every table's rows
    /// and `check`, and only then puts it in place — the old database, when `replace` allows one
    /// that is not empty, renamed and kept. Refused, with nothing changed, when anything differs.
    public static func restore(url: String?, file: String, replace: Bool) throws -> RestoreSummary {
        let manifest = try readManifest(file)
        let (bytes, digest) = try Self.digest(file)
        guard bytes == manifest.bytes, digest == manifest.sha256 else {
            throw CounterError.plain(
                .badData,
                "FILE: expected the backup its manifest describes (\(manifest.bytes) bytes, sha256 \(manifest.sha256.prefix(12))…), found \(bytes) bytes, sha256 \(digest.prefix(12))…: damaged or truncated; nothing restored"
            )
        }
        let latest = InventorySchema.migrations.last?.version ?? 0
        guard manifest.schemaVersion <= latest else {
            throw CounterError.plain(
                .badData,
                "FILE: expected a backup of schema version \(latest) or older, found \(manifest.schemaVersion): made by a newer cfit; restore it with that one"
            )
        }
        let target = try resolve(url, migrating: false)
        let current = try Connection(target, lockTimeout: nil)
        let name = try current.query("SELECT current_database() AS d")[0].decode(String.self, "d")
        // A database with the schema and nothing else (a new embedded default) counts as empty:
        // the migrations' own rows (their record, the shop's default guideline) are not records.
        let there = try current.transaction(isolation: .repeatableRead) { try Self.rowCounts($0) }
        current.close()
        let records = there.filter { !$0.key.hasPrefix("cfit_schema_") && $0.key != "shop_setting" }.values
            .reduce(0, +)
        let tablesThere = records > 0 ? there.count : 0
        if records > 0 && !replace {
            throw CounterError.plain(
                .refused,
                "database \(name): expected an empty database, found \(records) rows in \(there.count) tables; give --replace to restore over it (the database there now is kept aside under another name)"
            )
        }
        let admin = try Connection(ConnectionString.replacingDatabase(in: target, with: "postgres"), lockTimeout: nil)
        defer { admin.close() }
        let staging = "\(name)_restoring"
        try admin.executeScript("DROP DATABASE IF EXISTS \"\(staging)\"")
        try LocalServer.createDatabase(staging, on: admin)
        var staged = true
        defer { if staged { _ = try? admin.executeScript("DROP DATABASE IF EXISTS \"\(staging)\"") } }
        // Group roles are the cluster's, not the database's: made here when this server lacks them.
        try admin.executeScript(
            """
            DO $$
            BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cfit_fitter') THEN CREATE ROLE cfit_fitter NOLOGIN; END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cfit_pharmacy') THEN CREATE ROLE cfit_pharmacy NOLOGIN; END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cfit_admin') THEN CREATE ROLE cfit_admin NOLOGIN; END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cfit_gatekeeper') THEN CREATE ROLE cfit_gatekeeper NOLOGIN; END IF;
            END
            $$;
            GRANT cfit_fitter TO cfit_pharmacy;
            GRANT cfit_pharmacy TO cfit_admin;
            """)
        let stagingURL = ConnectionString.replacingDatabase(in: target, with: staging)
        let binaries = try ServerBinaries.locate()
        let output = try Subprocess.run(
            binaries.path("pg_restore"), ["--exit-on-error", "--no-owner", "--dbname=\(stagingURL)", file])
        guard output.status == 0 else {
            throw CounterError.plain(
                .badData,
                "FILE: pg_restore refused it: \(ConnectionString.redacting(Self.lastLine(output.stderr), from: target)); nothing restored"
            )
        }
        let restored = try Connection(stagingURL, lockTimeout: nil)
        let counts = try restored.transaction(isolation: .repeatableRead) { try Self.rowCounts($0) }
        let differences = Set(counts.keys).union(manifest.tables.keys).sorted().compactMap { table -> String? in
            counts[table] == manifest.tables[table]
                ? nil
                : "\(table): \(manifest.tables[table].map(String.init) ?? "none") in the backup, \(counts[table].map(String.init) ?? "none") restored"
        }
        let problems = try Checks(connection: restored).run().problems
        let missing = try Self.missingLogins(restored)
        restored.close()
        guard differences.isEmpty else {
            throw CounterError.plain(
                .badData,
                "FILE: expected every table's rows as backed up, found \(differences.joined(separator: "; ")); nothing restored"
            )
        }
        guard problems == manifest.checkProblems else {
            throw CounterError.plain(
                .badData,
                "FILE: expected check to find what it found at backup time, found \(problems.joined(separator: "; ")); nothing restored"
            )
        }
        // In place: the old database renamed and kept (or dropped when it held nothing).
        let swapped = Result { () throws -> String? in
            var aside: String?
            if tablesThere > 0 {
                let stamp = Self.defaultFileName().dropFirst("cfit-".count).dropLast(".dump".count)
                    .replacingOccurrences(of: "-", with: "").lowercased()
                aside = "\(name)_before_\(stamp)"
                try admin.executeScript("ALTER DATABASE \"\(name)\" RENAME TO \"\(aside!)\"")
            } else {
                try admin.executeScript("DROP DATABASE \"\(name)\"")
            }
            do {
                try admin.executeScript("ALTER DATABASE \"\(staging)\" RENAME TO \"\(name)\"")
            } catch {
                // Put back what was there: the old database under its name, or an empty one.
                if let aside {
                    _ = try? admin.executeScript("ALTER DATABASE \"\(aside)\" RENAME TO \"\(name)\"")
                } else {
                    _ = try? LocalServer.createDatabase(name, on: admin)
                }
                throw error
            }
            return aside
        }
        if case .failure(let error) = swapped, (error as? PostgresError)?.sqlState == SQLState("55006") {
            throw CounterError.plain(
                .busy,
                "database \(name): other sessions are using it (cfit serve, counters, psql): stop them and restore again; nothing restored"
            )
        }
        let keptAside = try swapped.get()
        staged = false
        let final = try Connection(target, lockTimeout: nil)
        defer { final.close() }
        let migrated = try InventorySchema.migrator.apply(final).names
        // The backup it came from is this database's last backup.
        _ = try? final.query(
            """
            INSERT INTO backup_log (taken_at, file, bytes, sha256, schema_version, verified)
            VALUES (\(manifest.createdAt), \(file), \(manifest.bytes), \(manifest.sha256), \(manifest.schemaVersion), true)
            """)
        return RestoreSummary(
            database: name, tables: counts.count, rows: counts.values.reduce(0, +), keptAside: keptAside,
            migrated: migrated, missingLogins: missing)
    }

    /// The manifest beside `file`.
    public static func readManifest(_ file: String) throws -> BackupManifest {
        guard FileManager.default.fileExists(atPath: file) else {
            throw CounterError.plain(.unreadable, "FILE: expected a backup file, found no file '\(file)'")
        }
        guard let data = FileManager.default.contents(atPath: file + manifestSuffix) else {
            throw CounterError.plain(
                .badData, "FILE: expected its manifest \(file + manifestSuffix) beside it, found none")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let manifest = try? decoder.decode(BackupManifest.self, from: data), manifest.format == format else {
            throw CounterError.plain(
                .badData,
                "FILE: expected a manifest of format \(format) in \(file + manifestSuffix), found something else")
        }
        return manifest
    }

    /// Every table's rows in the `public` schema, counted by the server (names quoted there).
    private static func rowCounts(_ connection: Connection) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try connection.query(
            """
            SELECT c.relname AS name,
                   (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM public.%I', c.relname),
                                                        false, true, '')))[1]::text::int8 AS n
            FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
            WHERE s.nspname = 'public' AND c.relkind IN ('r', 'p')
            """)
        {
            counts[try row.decode(String.self, "name")] = Int(try row.decode(Int64.self, "n"))
        }
        return counts
    }

    /// Logins the records name that this server has no role for.
    private static func missingLogins(_ connection: Connection) throws -> [String] {
        try connection.query(
            """
            SELECT DISTINCT who FROM (
                SELECT actor AS who FROM stock_movement UNION SELECT actor FROM reservation
                UNION SELECT actor FROM dispense UNION SELECT actor FROM dispense_return
                UNION SELECT fitter FROM fitting UNION SELECT actor FROM lot_event
                UNION SELECT login FROM staff_credential
            ) named WHERE NOT EXISTS (SELECT FROM pg_roles r WHERE r.rolname = named.who) ORDER BY who
            """
        ).map { try $0.decode(String.self, "who") }
    }

    /// The URL to use: `url` (never migrated here), or the embedded default's once it runs and
    /// is migrated, as every command finds it.
    private static func resolve(_ url: String?, migrating: Bool = true) throws -> String {
        if let url { return url }
        let server = LocalServer()
        try server.start()
        guard migrating else { return server.url }
        let connection = try Connection(server.url, lockTimeout: nil)
        defer { connection.close() }
        if try !InventorySchema.migrator.plan(connection).isEmpty { try InventorySchema.migrator.apply(connection) }
        return server.url
    }

    private static func digest(_ path: String) throws -> (Int64, String) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CounterError.plain(.unreadable, "FILE: cannot read '\(path)'")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var total: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            total += Int64(chunk.count)
        }
        return (total, hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }

    private static func lastLine(_ text: String) -> String {
        text.split(separator: "\n").last.map(String.init) ?? "no output"
    }

    /// Reports a growing file's size about once a second until stopped.
    private final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private var running = true

        init(file: String, report: @escaping @Sendable (Int64) -> Void) {
            Thread.detachNewThread { [self] in
                while isRunning {
                    Thread.sleep(forTimeInterval: 1)
                    guard isRunning else { break }
                    let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int64
                    report(size ?? 0)
                }
            }
        }

        private var isRunning: Bool { lock.withLock { running } }

        func stop() { lock.withLock { running = false } }
    }
}

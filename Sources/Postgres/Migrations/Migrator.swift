import Crypto
public import Foundation

/// One numbered schema change, applied once and recorded with a checksum of its text.
public struct Migration: Sendable, Hashable {
    /// The number that orders migrations (the file's `NNNN_` prefix).
    public let version: Int
    /// The file's name, e.g. `0001_catalog.sql`.
    public let name: String
    /// The SQL script.
    public let sql: String

    /// A migration.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// A file of function definitions (`CREATE OR REPLACE FUNCTION …`) that is applied after the
/// numbered migrations, and again whenever its text changes: a function's live body is kept in
/// one file per noun instead of being copied into a new migration for every change.
public struct RepeatableScript: Sendable, Hashable {
    /// The file's name, e.g. `functions/stock.sql`.
    public let name: String
    /// The SQL script.
    public let sql: String
    /// SHA-256 of the text, in hexadecimal: what the database records once it is applied.
    public let checksum: String

    /// A repeatable script.
    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
        self.checksum = SHA256.hash(data: Array(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Applies migrations in order, each in its own transaction, and records them in
/// `cfit_schema_migrations` with a SHA-256 checksum of their text; then each repeatable script
/// whose text is new or changed, recorded in `cfit_schema_functions`.
///
/// A migration that was applied and has since changed is refused (the database would no longer
/// match the files); a repeatable script that changed is applied again. Two migrate runs at once
/// are serialised by an advisory lock.
///
/// ```swift
/// let applied = try InventorySchema.migrator.migrate(connection)
/// ```
public struct Migrator: Sendable {
    /// Where one migration stands in a database.
    public struct Entry: Sendable, Hashable {
        /// The migration.
        public let migration: Migration
        /// When it was applied; `nil` while pending.
        public let appliedAt: Date?
    }

    /// What a migrate run applies, or applied.
    public struct Work: Sendable, Hashable {
        /// Numbered migrations, in version order.
        public let migrations: [Migration]
        /// Repeatable scripts that are new or changed, by name.
        public let scripts: [RepeatableScript]

        /// Whether there is nothing to apply.
        public var isEmpty: Bool { migrations.isEmpty && scripts.isEmpty }
        /// The names of everything in it, migrations first.
        public var names: [String] { migrations.map(\.name) + scripts.map(\.name) }
    }

    /// The migrations, in version order.
    public let migrations: [Migration]
    /// The repeatable scripts, by name.
    public let repeatable: [RepeatableScript]

    /// A migrator for `migrations` (sorted by version here) and `repeatable` scripts (by name).
    public init(migrations: [Migration], repeatable: [RepeatableScript] = []) {
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.repeatable = repeatable.sorted { $0.name < $1.name }
    }

    /// The advisory lock key every migrate run takes.
    static let lockKey: Int64 = 0x6366_6974_6D69_6772  // "cfitmigr"

    /// Applies every pending migration and changed repeatable script; returns the migrations
    /// applied now (empty when up to date).
    @discardableResult
    public func migrate(_ connection: Connection) throws -> [Migration] {
        try apply(connection).migrations
    }

    /// Applies every pending migration, then every repeatable script that is new or changed, each
    /// in its own transaction, and returns what it applied.
    @discardableResult
    public func apply(_ connection: Connection) throws -> Work {
        try connection.query("SELECT pg_advisory_lock(\(Self.lockKey))")
        defer { _ = try? connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))") }
        try ensureTable(connection)
        let applied = try appliedVersions(connection)
        try verify(applied, connection)
        var done: [Migration] = []
        for migration in migrations where applied[migration.version] == nil {
            try connection.transaction { transaction in
                try transaction.executeScript(migration.sql)
                try transaction.execute(
                    """
                    INSERT INTO cfit_schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), encode(sha256(convert_to(\(migration.sql), 'UTF8')), 'hex'))
                    """
                )
            }
            done.append(migration)
        }
        let stored = try storedChecksums(connection)
        var scripts: [RepeatableScript] = []
        for script in repeatable where stored[script.name] != script.checksum {
            try connection.transaction { transaction in
                try transaction.executeScript(script.sql)
                try transaction.execute(
                    """
                    INSERT INTO cfit_schema_functions (name, checksum) VALUES (\(script.name), \(script.checksum))
                    ON CONFLICT (name) DO UPDATE SET checksum = excluded.checksum, applied_at = now(), applied_by = current_user
                    """
                )
            }
            scripts.append(script)
        }
        return Work(migrations: done, scripts: scripts)
    }

    /// Whether the database's schema is exactly these migrations and scripts, in one read-only
    /// query and without DDL — so it works for a login that may only read, on a hot standby and
    /// through PgBouncer. Returns the migrations still to apply (empty when up to date); throws a
    /// `.schema` error when the database has migrations this program does not know (a newer cfit
    /// migrated it). Checksums of migrations are verified by ``migrate(_:)`` and ``status(_:)``.
    public func pending(_ connection: Connection) throws -> [Migration] {
        try plan(connection).migrations
    }

    /// What ``apply(_:)`` would do, read in one read-only query: the migrations not applied and
    /// the repeatable scripts whose recorded checksum differs from the file's.
    public func plan(_ connection: Connection) throws -> Work {
        let (applied, stored) = try recorded(connection)
        let known = Set(migrations.map(\.version))
        if let unknown = applied.subtracting(known).min() {
            throw PostgresError(
                .schema,
                "database: expected migrations up to \(known.max() ?? 0), found migration \(unknown) applied by a newer cfit; upgrade cfit"
            )
        }
        return Work(
            migrations: migrations.filter { !applied.contains($0.version) },
            scripts: repeatable.filter { stored[$0.name] != $0.checksum })
    }

    /// Every migration with when it was applied (or `nil`), after checking applied ones are unchanged.
    public func status(_ connection: Connection) throws -> [Entry] {
        // Read-only: a database never migrated has no table, and nothing applied.
        let applied: [Int: Applied]
        do {
            applied = try appliedVersions(connection)
        } catch let error as PostgresError where error.sqlState == .undefinedTable {
            applied = [:]
        }
        try verify(applied, connection)
        return migrations.map { Entry(migration: $0, appliedAt: applied[$0.version]?.appliedAt) }
    }

    private struct Applied {
        let name: String
        let checksum: String
        let appliedAt: Date
    }

    private func ensureTable(_ connection: Connection) throws {
        try connection.executeScript(
            """
            CREATE TABLE IF NOT EXISTS cfit_schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                applied_by text NOT NULL DEFAULT current_user
            );
            CREATE TABLE IF NOT EXISTS cfit_schema_functions (
                name text PRIMARY KEY,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                applied_by text NOT NULL DEFAULT current_user
            )
            """
        )
    }

    /// The migrations applied and the scripts' checksums, in one query; on a database migrated by
    /// a cfit without repeatable scripts (no `cfit_schema_functions`), or never migrated, what
    /// there is.
    private func recorded(_ connection: Connection) throws -> (applied: Set<Int>, stored: [String: String]) {
        let rows: [(version: Int?, name: String?, checksum: String?)]
        do {
            rows = try connection.query(
                """
                SELECT version, NULL AS name, NULL AS checksum FROM cfit_schema_migrations
                UNION ALL SELECT NULL, name, checksum FROM cfit_schema_functions
                """
            ).map {
                (
                    try $0.decode(Int?.self, "version"), try $0.decode(String?.self, "name"),
                    try $0.decode(String?.self, "checksum")
                )
            }
        } catch let error as PostgresError where error.sqlState == .undefinedTable {
            return (try appliedOnly(connection), [:])
        }
        var applied: Set<Int> = []
        var stored: [String: String] = [:]
        for row in rows {
            if let version = row.version {
                applied.insert(version)
            } else if let name = row.name {
                stored[name] = row.checksum
            }
        }
        return (applied, stored)
    }

    /// The versions in `cfit_schema_migrations`, or none when there is no such table.
    private func appliedOnly(_ connection: Connection) throws -> Set<Int> {
        do {
            return Set(
                try connection.query("SELECT version FROM cfit_schema_migrations").map {
                    try $0.decode(Int.self, "version")
                })
        } catch let error as PostgresError where error.sqlState == .undefinedTable {
            return []
        }
    }

    private func storedChecksums(_ connection: Connection) throws -> [String: String] {
        var stored: [String: String] = [:]
        for row in try connection.query("SELECT name, checksum FROM cfit_schema_functions") {
            stored[try row.decode(String.self, "name")] = try row.decode(String.self, "checksum")
        }
        return stored
    }

    private func appliedVersions(_ connection: Connection) throws -> [Int: Applied] {
        var applied: [Int: Applied] = [:]
        for row in try connection.query("SELECT version, name, checksum, applied_at FROM cfit_schema_migrations") {
            applied[try row.decode(Int.self, "version")] = Applied(
                name: try row.decode(String.self, "name"),
                checksum: try row.decode(String.self, "checksum"),
                appliedAt: try row.decode(Date.self, "applied_at")
            )
        }
        return applied
    }

    /// Refuses a database whose applied migrations differ from the files, or that knows migrations
    /// these files do not.
    private func verify(_ applied: [Int: Applied], _ connection: Connection) throws {
        for migration in migrations {
            guard let record = applied[migration.version] else { continue }
            let checksum = try connection.query(
                "SELECT encode(sha256(convert_to(\(migration.sql), 'UTF8')), 'hex') AS sum")[0]
                .decode(String.self, "sum")
            guard checksum == record.checksum else {
                throw PostgresError(
                    .schema,
                    "migration \(migration.name): expected the text that was applied on \(record.appliedAt) (checksum \(record.checksum.prefix(12))…), found a changed file (\(checksum.prefix(12))…); restore it and put the change in a new migration"
                )
            }
        }
        let known = Set(migrations.map(\.version))
        if let unknown = applied.keys.sorted().first(where: { !known.contains($0) }) {
            throw PostgresError(
                .schema,
                "database: expected migrations up to \(known.max() ?? 0), found migration \(unknown) (\(applied[unknown]!.name)) applied by a newer cfit; upgrade cfit"
            )
        }
    }
}

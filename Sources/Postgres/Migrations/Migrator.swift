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

/// Applies migrations in order, each in its own transaction, and records them in
/// `cfit_schema_migrations` with a SHA-256 checksum of their text.
///
/// A migration that was applied and has since changed is refused (the database would no longer
/// match the files); two migrate runs at once are serialised by an advisory lock.
///
/// ```swift
/// let applied = try Migrator(migrations: InventorySchema.migrations).migrate(connection)
/// ```
public struct Migrator: Sendable {
    /// Where one migration stands in a database.
    public struct Entry: Sendable, Hashable {
        /// The migration.
        public let migration: Migration
        /// When it was applied; `nil` while pending.
        public let appliedAt: Date?
    }

    /// The migrations, in version order.
    public let migrations: [Migration]

    /// A migrator for `migrations` (sorted by version here).
    public init(migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// The advisory lock key every migrate run takes.
    static let lockKey: Int64 = 0x6366_6974_6D69_6772  // "cfitmigr"

    /// Applies every pending migration and returns those applied now (empty when up to date).
    @discardableResult
    public func migrate(_ connection: Connection) throws -> [Migration] {
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
        return done
    }

    /// Whether the database's schema is exactly these migrations, in one read-only query and
    /// without DDL — so it works for a login that may only read, on a hot standby and through
    /// PgBouncer. Returns the migrations still to apply (empty when up to date); throws a
    /// `.schema` error when the database has migrations this program does not know (a newer cfit
    /// migrated it). Checksums are verified by ``migrate(_:)`` and ``status(_:)``.
    public func pending(_ connection: Connection) throws -> [Migration] {
        let applied: Set<Int>
        do {
            applied = Set(
                try connection.query("SELECT version FROM cfit_schema_migrations").map {
                    try $0.decode(Int.self, "version")
                })
        } catch let error as PostgresError where error.sqlState == .undefinedTable {
            applied = []
        }
        let known = Set(migrations.map(\.version))
        if let unknown = applied.subtracting(known).min() {
            throw PostgresError(
                .schema,
                "database: expected migrations up to \(known.max() ?? 0), found migration \(unknown) applied by a newer cfit; upgrade cfit"
            )
        }
        return migrations.filter { !applied.contains($0.version) }
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
            )
            """
        )
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

public import Postgres

/// The database schema of CompressionFit: the migrations in `Schema/`, embedded at build time.
///
/// ```swift
/// try Migrator(migrations: InventorySchema.migrations).migrate(connection)
/// ```
public enum InventorySchema {
    /// Every migration, in version order.
    public static let migrations: [Migration] = EmbeddedSchema.files.map {
        Migration(version: $0.version, name: $0.name, sql: $0.sql)
    }
}

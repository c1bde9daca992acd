public import Postgres

/// The database schema of CompressionFit: the numbered migrations in `Schema/` and the function
/// files in `Schema/functions/` (one per noun, re-applied whenever they change), embedded at
/// build time.
///
/// ```swift
/// try InventorySchema.migrator.migrate(connection)
/// ```
public enum InventorySchema {
    /// Every migration, in version order.
    public static let migrations: [Migration] = EmbeddedSchema.files.map {
        Migration(version: $0.version, name: $0.name, sql: $0.sql)
    }

    /// Every function file, by name (`functions/stock.sql`).
    public static let functions: [RepeatableScript] = EmbeddedSchema.functions.map {
        RepeatableScript(name: $0.name, sql: $0.sql)
    }

    /// The migrator of this schema: the numbered migrations, then the function files.
    public static let migrator = Migrator(migrations: migrations, repeatable: functions)
}

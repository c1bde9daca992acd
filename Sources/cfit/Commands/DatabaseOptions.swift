import ArgumentParser
import Foundation
import Inventory
import Postgres

/// How a command finds its database: `--database-url`, else `DATABASE_URL`, else the embedded
/// local cluster that `cfit` creates, starts and migrates itself.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(
            "A libpq connection string or URI (default: $DATABASE_URL, else cfit's own local server).",
            valueName: "URL"
        )
    )
    var databaseURL: String?

    /// The URL given explicitly, by flag or environment; `nil` means the embedded default.
    var explicitURL: String? {
        if let databaseURL { return databaseURL }
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty { return url }
        return nil
    }

    /// A connection to a migrated database, starting the embedded server when no URL was given.
    func connect() throws -> Connection {
        let connection: Connection
        if let url = explicitURL {
            connection = try Connection(url)
            let pending = try Migrator(migrations: InventorySchema.migrations).status(connection).filter {
                $0.appliedAt == nil
            }
            if let first = pending.first {
                throw CLIError(
                    status: .unavailable,
                    message:
                        "database: expected the schema up to migration \(InventorySchema.migrations.last?.version ?? 0), found \(first.migration.name) not applied; run `cfit db migrate`"
                )
            }
        } else {
            let server = LocalServer()
            try server.start()
            connection = try Connection(server.url)
            try Migrator(migrations: InventorySchema.migrations).migrate(connection)
        }
        return connection
    }
}

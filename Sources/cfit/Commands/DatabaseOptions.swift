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

    /// A connection to a database whose schema is up to date, starting (and, when behind,
    /// migrating) the embedded server when no URL was given. The check is one read-only query:
    /// with a URL nothing runs DDL, so read-only logins, hot standbys and PgBouncer work.
    func connect() throws -> Connection {
        if let databaseURL, !ConnectionString.secrets(in: databaseURL).isEmpty {
            Warnings.add(
                "--database-url carries a password, which every user of this machine can see (ps); keep it in ~/.pgpass or a file named by PGPASSFILE"
            )
        }
        let migrator = Migrator(migrations: InventorySchema.migrations)
        guard let url = explicitURL else {
            let server = LocalServer()
            try server.start()
            let connection = try Connection(server.url)
            if try !migrator.pending(connection).isEmpty { try migrator.migrate(connection) }
            return connection
        }
        let connection = try Connection(url)
        if let first = try migrator.pending(connection).first {
            throw CLIError(
                status: .unavailable,
                message:
                    "database: expected the schema up to migration \(InventorySchema.migrations.last?.version ?? 0), found \(first.name) not applied; run `cfit db migrate`"
            )
        }
        return connection
    }
}

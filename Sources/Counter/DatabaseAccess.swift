import Inventory
public import Postgres

/// Which database a face uses and how it gets there: the server a URL names (never started, never
/// migrated here — the schema is checked with one read-only query), or the embedded default, the
/// local cluster that is created, started and migrated on first use.
///
/// ```swift
/// let connection = try DatabaseAccess.connect(url: ProcessInfo.processInfo.environment["DATABASE_URL"])
/// ```
public enum DatabaseAccess {
    /// The schema of the server a URL names is behind this program's: someone must migrate it.
    public struct SchemaBehind: Error, Sendable, CustomStringConvertible {
        /// The newest migration this program knows.
        public let expected: Int
        /// The first migration not applied there.
        public let firstPending: String

        /// The state in words, without saying how a face fixes it.
        public var description: String {
            "expected the schema up to migration \(expected), found \(firstPending) not applied"
        }
    }

    /// A connection to a database whose schema is up to date: to `url` when given (throwing
    /// ``SchemaBehind`` when it needs migrating), else to the embedded default, migrated when behind.
    public static func connect(url: String?) throws -> Connection {
        let migrator = InventorySchema.migrator
        guard let url else {
            let server = LocalServer()
            try server.start()
            let connection = try Connection(server.url)
            if try !migrator.plan(connection).isEmpty { try migrator.apply(connection) }
            return connection
        }
        let connection = try Connection(url)
        if let first = try migrator.plan(connection).names.first {
            throw SchemaBehind(expected: InventorySchema.migrations.last?.version ?? 0, firstPending: first)
        }
        return connection
    }
}

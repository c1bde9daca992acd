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
    static func connect(url: String?) throws -> Connection {
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

extension DatabaseAccess {
    /// A desk for one person's work at a counter: on the server `url` names, else on the
    /// embedded default (see ``connect(url:)``), working at `location`.
    public static func desk(url: String?, location: String = Desk.defaultLocation()) throws -> Desk {
        Desk(connection: try connect(url: url), location: location)
    }

    /// Passwords written into a connection string, which every user of the machine can read
    /// from the process list.
    public static func secrets(in url: String) -> [String] { ConnectionString.secrets(in: url) }

    /// A connection string with its password replaced by `***`, fit to print or log.
    public static func redacted(_ url: String) -> String { ConnectionString.redacted(url) }

    /// The URL of the embedded default server (whether or not it runs).
    public static var embeddedURL: String { LocalServer().url }
}

extension DatabaseAccess {
    /// What the server `url` names (the embedded default when `nil`) says about replication:
    /// whether it is a standby, whether commits wait for a synchronous standby, how far standbys
    /// lag — what an acknowledged write is worth if this machine is lost.
    public static func replication(url: String?) throws -> ReplicationState {
        let connection = try Connection(url ?? LocalServer().url)
        defer { connection.close() }
        return try ReplicationState.read(connection)
    }
}

extension Desk {
    /// What the server this desk reached says about replication (see ``ReplicationState``).
    public func replication() throws -> ReplicationState { try ReplicationState.read(connection) }

    /// A warning when this database has no backup from the last day (see
    /// ``Backups/staleWarning(on:now:)``).
    public func backupWarning() throws -> String? { try Backups.staleWarning(on: connection) }
}

/// The embedded default server's life and the schema's migrations, as `cfit db` shows them.
public enum EmbeddedServer {
    /// The folder the embedded server keeps everything in.
    public static var home: String { LocalServer().home }
    /// Where its data lives.
    public static var dataDirectory: String { LocalServer().dataDirectory }

    /// Creates (the first time) and starts the embedded server, and migrates it; returns the
    /// names of the migrations and scripts applied and the server's state.
    public static func start() throws -> (applied: [String], status: String) {
        let server = LocalServer()
        try server.start()
        let applied = try InventorySchema.migrator.apply(Connection(server.url, lockTimeout: nil)).names
        return (applied, try server.status().description)
    }

    /// Stops the embedded server; returns its state.
    public static func stop() throws -> String {
        let server = LocalServer()
        try server.stop()
        return try server.status().description
    }

    /// The embedded server's state, and its URL when it runs.
    public static func status() throws -> (status: String, url: String?) {
        let server = LocalServer()
        let status = try server.status()
        if case .running = status { return (status.description, server.url) }
        return (status.description, nil)
    }
}

/// The schema's migrations on a server.
public enum Schema {
    /// One migration and whether it is applied.
    public struct Entry: Sendable, Hashable {
        /// Its number.
        public let version: Int
        /// Its name.
        public let name: String
        /// Whether it has been applied.
        public let applied: Bool
    }

    /// The migrations known to this program and whether the server at `url` has each.
    public static func status(url: String) throws -> [Entry] {
        try InventorySchema.migrator.status(Connection(url)).map {
            Entry(version: $0.migration.version, name: $0.migration.name, applied: $0.appliedAt != nil)
        }
    }

    /// Applies what is pending on the server at `url` (the embedded default, started first,
    /// when `nil`), waiting for locks as long as it takes; returns the names applied.
    public static func migrate(url: String?) throws -> [String] {
        let target: String
        if let url {
            target = url
        } else {
            let server = LocalServer()
            try server.start()
            target = server.url
        }
        return try InventorySchema.migrator.apply(Connection(target, lockTimeout: nil)).names
    }
}

import ArgumentParser
import Counter
import Fitting
import Foundation

/// `cfit db`: the database's server and schema.
struct DB: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start, stop and inspect the database; apply migrations.",
        discussion: """
            Without --database-url or DATABASE_URL, cfit uses its own PostgreSQL cluster in \
            $CFIT_HOME (default ~/.local/share/cfit, or /var/lib/cfit as root), listening only on a \
            Unix socket. It is created and started on first use.
            """,
        subcommands: [Start.self, Stop.self, Status.self, URLCommand.self, Migrate.self, Backup.self, Restore.self]
    )

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create (first time), start and migrate the local server.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                try refuseURL(database, "start")
                let (applied, status) = try EmbeddedServer.start()
                if json {
                    print(
                        JSONValue.object([
                            ("server", .string(status)), ("home", .string(EmbeddedServer.home)),
                            ("applied", .array(applied.map { .string($0) })),
                        ]).serialized(pretty: true)
                    )
                    return
                }
                print("local database running: \(status), data in \(EmbeddedServer.dataDirectory)")
                if !applied.isEmpty { print("applied \(applied.joined(separator: ", "))") }
            }
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the local server.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                try refuseURL(database, "stop")
                let status = try EmbeddedServer.stop()
                print(
                    json
                        ? JSONValue.object([("server", .string(status))]).serialized(pretty: true)
                        : "local database: \(status)")
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the server's state and the migrations.")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingErrors {
                var server: (status: String, home: String)?
                let url: String?
                if let explicit = database.explicitURL {
                    url = explicit
                } else {
                    let local = try EmbeddedServer.status()
                    server = (local.status, EmbeddedServer.home)
                    url = local.url
                }
                let migrations = try url.map { try Schema.status(url: $0) } ?? []
                let pending = migrations.filter { !$0.applied }.count
                let replication = try url.map { try DatabaseAccess.replication(url: $0) }
                let lastBackup = try url.flatMap { try Backups.last(url: $0) }
                if json {
                    var members: [(key: String, value: JSONValue)] = []
                    if let server {
                        members.append(("server", .string(server.status)))
                        members.append(("home", .string(server.home)))
                    } else {
                        members.append(("server", .string("external")))
                    }
                    members.append(
                        (
                            "migrations",
                            .array(
                                migrations.map { entry in
                                    .object([
                                        ("version", .integer(entry.version)),
                                        ("name", .string(entry.name)),
                                        ("applied", .bool(entry.applied)),
                                    ])
                                })
                        ))
                    if let replication {
                        let standbys = replication.standbys.map { standby in
                            JSONValue.object([
                                ("name", .string(standby.name)),
                                ("state", standby.state.map(JSONValue.string) ?? .null),
                                ("syncState", standby.syncState.map(JSONValue.string) ?? .null),
                                (
                                    "replayLagSeconds",
                                    standby.replayLagSeconds.map { .number(String(format: "%.3f", $0)) } ?? .null
                                ),
                                ("bytesBehind", standby.bytesBehind.map { .integer(Int($0)) } ?? .null),
                            ])
                        }
                        members.append(
                            (
                                "replication",
                                .object([
                                    ("standby", .bool(replication.isStandby)),
                                    (
                                        "synchronousStandby",
                                        replication.hasSynchronousStandby.map(JSONValue.bool) ?? .null
                                    ),
                                    ("synchronousStandbyNames", .string(replication.synchronousStandbyNames)),
                                    ("synchronousCommit", .string(replication.synchronousCommit)),
                                    ("standbys", .array(standbys)),
                                    ("summary", .string(replication.summary)),
                                ])
                            ))
                    }
                    if url != nil {
                        members.append(
                            (
                                "lastBackup",
                                lastBackup.map { last in
                                    JSONValue.object([
                                        ("takenAt", .string(ISO8601DateFormatter().string(from: last.takenAt))),
                                        ("file", .string(last.file)), ("verified", .bool(last.verified)),
                                    ])
                                } ?? .null
                            ))
                    }
                    print(JSONValue.object(members).serialized(pretty: true))
                    return
                }
                if let server {
                    print("local database: \(server.status) (\(server.home))")
                } else {
                    print("database: the server at --database-url / DATABASE_URL")
                }
                if let replication { print("replication: \(replication.summary)") }
                if url != nil {
                    if let last = lastBackup {
                        print(
                            "backup: last taken \(localTimeFormatter().string(from: last.takenAt)) to \(last.file)\(last.verified ? ", read back whole" : ", NOT read back whole")"
                        )
                    } else {
                        print("backup: none recorded — take one with cfit db backup")
                    }
                }
                if url == nil {
                    print("schema: unknown until the server runs (cfit db start)")
                } else if migrations.isEmpty {
                    print("schema: no migrations")
                } else {
                    print("schema: \(migrations.count - pending) of \(migrations.count) migrations applied")
                    for entry in migrations {
                        print("  \(entry.applied ? "applied" : "pending")  \(entry.name)")
                    }
                }
            }
        }
    }

    struct URLCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "url", abstract: "Print the connection URL (for psql).")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            // Never print a password: it belongs in ~/.pgpass or PGPASSFILE.
            let url = DatabaseAccess.redacted(database.explicitURL ?? DatabaseAccess.embeddedURL)
            print(json ? JSONValue.object([("url", .string(url))]).serialized(pretty: true) : url)
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending migrations.")
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let applied = try Schema.migrate(url: database.explicitURL)
                if json {
                    print(
                        JSONValue.object([("applied", .array(applied.map { .string($0) }))]).serialized(
                            pretty: true))
                } else {
                    print(
                        applied.isEmpty
                            ? "schema: up to date" : "applied \(applied.joined(separator: ", "))")
                }
            }
        }
    }
}

/// `cfit db start|stop` manage only cfit's own server.
private func refuseURL(_ database: DatabaseOptions, _ verb: String) throws {
    if database.explicitURL != nil {
        throw CLIError.badInput(
            "--database-url",
            expected: "no URL: `cfit db \(verb)` manages only cfit's own local server",
            found: "a URL (from the flag or DATABASE_URL)"
        )
    }
}

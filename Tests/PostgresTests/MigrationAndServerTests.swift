import Foundation
import Inventory
import Postgres
import PostgresTestSupport
import Testing

@Suite("Migrations and the embedded local server", .ownThread)
struct MigrationAndServerTests {
    @Test("migrating twice applies each migration once and records its checksum")
    func idempotent() throws {
        let connection = try Connection(TestDatabase.empty())
        let migrator = InventorySchema.migrator
        let first = try migrator.migrate(connection)
        #expect(first.map(\.version) == InventorySchema.migrations.map(\.version))
        #expect(try migrator.migrate(connection).isEmpty)
        let rows = try connection.query(
            "SELECT count(*) AS n, min(length(checksum)) AS len FROM cfit_schema_migrations")[0]
        #expect(try rows.decode(Int.self, "n") == InventorySchema.migrations.count)
        #expect(try rows.decode(Int.self, "len") == 64)
        #expect(try migrator.status(connection).allSatisfy { $0.appliedAt != nil })
    }

    @Test("a changed, already-applied migration is refused with a clear message")
    func checksumGuard() throws {
        let connection = try Connection(TestDatabase.empty())
        let original = Migration(version: 1, name: "0001_test.sql", sql: "CREATE TABLE t (id int);")
        try Migrator(migrations: [original]).migrate(connection)
        let changed = Migration(version: 1, name: "0001_test.sql", sql: "CREATE TABLE t (id bigint);")
        do {
            try Migrator(migrations: [changed]).migrate(connection)
            Issue.record("expected the changed migration to be refused")
        } catch let error as PostgresError {
            #expect(error.message.hasPrefix("migration 0001_test.sql: expected the text that was applied"))
            #expect(error.message.contains("put the change in a new migration"))
        }
        // A database that knows a migration these files do not is refused too.
        do {
            try Migrator(migrations: []).migrate(connection)
            Issue.record("expected an unknown applied migration to be refused")
        } catch let error as PostgresError {
            #expect(error.message.contains("applied by a newer cfit"))
        }
    }

    @Test("a function file is applied after the migrations, again only when its text changes, and plans say so")
    func repeatableScripts() throws {
        let connection = try Connection(TestDatabase.empty())
        let table = Migration(version: 1, name: "0001_t.sql", sql: "CREATE TABLE t (id int);")
        let first = RepeatableScript(
            name: "functions/t.sql",
            sql: "CREATE OR REPLACE FUNCTION t_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM t $$;")
        let migrator = Migrator(migrations: [table], repeatable: [first])
        #expect(try migrator.plan(connection).names == ["0001_t.sql", "functions/t.sql"])
        #expect(try migrator.apply(connection).names == ["0001_t.sql", "functions/t.sql"])
        #expect(try migrator.plan(connection).isEmpty)
        #expect(try migrator.apply(connection).isEmpty)
        // The file changes: only it is pending, applied once, and its new body is live.
        let changed = RepeatableScript(
            name: "functions/t.sql",
            sql:
                "CREATE OR REPLACE FUNCTION t_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) + 100 FROM t $$;"
        )
        let next = Migrator(migrations: [table], repeatable: [changed])
        #expect(try next.plan(connection).names == ["functions/t.sql"])
        #expect(try next.pending(connection).isEmpty)
        #expect(try next.apply(connection).names == ["functions/t.sql"])
        #expect(try connection.query("SELECT t_count() AS n")[0].decode(Int.self, "n") == 100)
    }

    @Test("every function of the schema is defined in exactly one function file, as it is live in the database")
    func functionsLiveInOneFile() throws {
        let connection = try Connection(TestDatabase.fresh())
        let live = try connection.query(
            """
            SELECT p.proname AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public' ORDER BY 1
            """
        ).map { try $0.decode(String.self, "name") }
        #expect(live.count > 40)
        for name in live {
            let files = InventorySchema.functions.filter {
                $0.sql.contains("CREATE OR REPLACE FUNCTION public.\(name)(")
            }
            #expect(files.count == 1, "\(name) is defined in \(files.map(\.name))")
            // The body in the file is the body in the database.
            let definition = try connection.query(
                """
                SELECT pg_get_functiondef(p.oid) AS def FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'public' AND p.proname = \(name)
                """
            )[0].decode(String.self, "def")
            // (pg_get_functiondef ends with a newline where the file has the statement's semicolon.)
            let body = definition.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(files.first?.sql.contains(body + ";") == true, "\(name): the live body differs from its file")
        }
    }

    @Test("a migration that fails leaves nothing behind and is not recorded")
    func failingMigration() throws {
        let connection = try Connection(TestDatabase.empty())
        let good = Migration(version: 1, name: "0001_good.sql", sql: "CREATE TABLE good (id int);")
        let bad = Migration(
            version: 2, name: "0002_bad.sql", sql: "CREATE TABLE half (id int); SELECT no_such_function();")
        #expect(throws: PostgresError.self) { try Migrator(migrations: [good, bad]).migrate(connection) }
        #expect(
            try connection.query("SELECT version FROM cfit_schema_migrations").map {
                try $0.decode(Int.self, "version")
            } == [1])
        #expect(try connection.query("SELECT to_regclass('half') IS NULL AS gone")[0].decode(Bool.self, "gone"))
    }

    @Test("concurrent migrate runs are serialised: each migration is applied exactly once")
    func concurrentMigrate() throws {
        let url = try TestDatabase.empty()
        try runConcurrently(6) { _ in
            try InventorySchema.migrator.migrate(Connection(url))
        }
        let connection = try Connection(url)
        #expect(
            try connection.query("SELECT count(*) AS n FROM cfit_schema_migrations")[0].decode(Int.self, "n")
                == InventorySchema.migrations.count
        )
    }

    @Test("the embedded server is created, started, stopped and restarted in its own folder")
    func localServerLifecycle() throws {
        guard try TestDatabase.localServer() != nil else { return }  // only where the tests run their own servers
        let home = NSTemporaryDirectory() + "cfit-life-\(UUID().uuidString.prefix(8).lowercased())"
        defer { try? FileManager.default.removeItem(atPath: home) }
        let server = LocalServer(home: home, settings: ["fsync": "off"])
        try server.stopWhenProcessEnds(getpid(), removingFiles: true)
        #expect(try server.status() == .notCreated)
        try server.start()
        guard case .running = try server.status() else {
            Issue.record("expected the server to run")
            return
        }
        let connection = try Connection(server.url)
        try connection.executeScript("CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)")
        connection.close()
        try server.stop()
        #expect(try server.status() == .stopped)
        try server.start()
        try server.start()  // a second start finds it running and does nothing
        let again = try Connection(server.url)
        #expect(try again.query("SELECT id FROM kept")[0].decode(Int.self, "id") == 42)
        again.close()
        try server.stop()
    }

    @Test("connection strings point at another database, URI or keywords")
    func replacingDatabase() {
        #expect(
            ConnectionString.replacingDatabase(in: "postgresql:///cfit?host=/tmp/x&user=cfit", with: "t1")
                == "postgresql:///t1?host=/tmp/x&user=cfit")
        #expect(ConnectionString.replacingDatabase(in: "postgres://u:p@h:5/db", with: "t2") == "postgres://u:p@h:5/t2")
        #expect(
            ConnectionString.replacingDatabase(in: "host=/tmp dbname=a", with: "t3") == "host=/tmp dbname=a dbname='t3'"
        )
    }
}

import Foundation
import Inventory
import PostgresTestSupport
import Testing

@testable import Postgres

/// `cfit db backup` and `cfit db restore`: an exact round trip, refusals that change nothing,
/// rotation, and what status and check say about backups.
@Suite("Backups and restores", .ownThread)
struct BackupCommandTests {
    /// Every table's rows, hashed by the server in a stable order.
    static func tableDigests(_ url: String) throws -> [String: String] {
        let connection = try Connection(url)
        defer { connection.close() }
        var digests: [String: String] = [:]
        for row in try connection.query(
            """
            SELECT c.relname AS name,
                   (xpath('/row/h/text()', query_to_xml(
                       format('SELECT md5(coalesce(string_agg(t::text, E''\\n'' ORDER BY t::text), '''')) AS h FROM public.%I t',
                              c.relname), false, true, '')))[1]::text AS h
            FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
            WHERE s.nspname = 'public' AND c.relkind = 'r'
            """)
        {
            digests[try row.decode(String.self, "name")] = try row.decode(String.self, "h")
        }
        // The one table a restore adds to: it records the backup it came from.
        digests["backup_log"] = nil
        return digests
    }

    static func scratch() throws -> String {
        let folder = NSTemporaryDirectory() + "cfit-backup-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test(
        "a seeded database with every kind of movement, returns and fittings comes back exact: every table equal, check clean"
    )
    func roundTrip() throws {
        let (url, environment) = try CFit.seededDatabase()
        func cfit(_ arguments: [String], _ env: [String: String] = environment) throws -> RunResult {
            try CFit.run(arguments, environment: env)
        }
        let fitted = try cfit([
            "fit", "--style", "AD", "--class", "2", "--cB", "22", "--cC", "36.5", "--cD", "34", "--lD", "41", "--rx",
            "RX-1001", "--record",
        ])
        #expect(fitted.status == 0, "\(fitted.stderr)")
        let reserved = try cfit(["reserve", "--rx", "RX-1001", "--sku", "NW-CL-AD2-II-R-C-BE"])
        let dispensed = try cfit(["dispense", CFit.reference("R", in: reserved)])
        #expect(dispensed.status == 0, "\(dispensed.stderr)")
        #expect(
            try cfit(["return", "--rx", "RX-1001", "--sku", "NW-CL-AD2-II-R-C-BE", "--reason", "too tight"]).status == 0
        )
        #expect(try cfit(["stock", "write-off", "NW-CL-AD2-II-R-C-BE", "1", "--reason", "returned"]).status == 0)
        #expect(
            try cfit(["stock", "transfer", "NW-CL-AD2-IV-R-C-BE", "1", "--from", "store", "--to", "shop"]).status == 0)
        #expect(try cfit(["stock", "count", "NW-CL-AD2-I-R-C-BE", "2"]).status == 0)
        #expect(try cfit(["reserve", "--rx", "RX-1001", "--sku", "NW-CL-AD2-II-R-C-BE"]).status == 0)
        let before = try Self.tableDigests(url)

        // No backup yet: check says so, without failing.
        let unchecked = try cfit(["check"])
        #expect(unchecked.status == 0 && unchecked.stderr.contains("no backup of this database is recorded"))

        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = "\(folder)/shop.dump"
        let taken = try cfit(["db", "backup", file, "--json"])
        #expect(taken.status == 0, "\(taken.stderr)")
        let summary = CFit.json(taken) as? [String: Any]
        #expect(summary?["verified"] as? Bool == true && (summary?["rows"] as? Int ?? 0) > 100, "\(taken.stdout)")
        let permissions = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        let manifestPermissions =
            try FileManager.default.attributesOfItem(atPath: file + ".manifest.json")[.posixPermissions] as? Int
        #expect(manifestPermissions == 0o600)
        #expect(try cfit(["check"]).stderr.isEmpty)
        #expect(try cfit(["db", "status"]).stdout.contains("backup: last taken"))
        let again = try cfit(["db", "backup", file])  // never over an earlier backup
        #expect(again.status == 64 && again.firstErrorLine == "error: FILE: expected a new file, found '\(file)'")

        // Into an empty database: equal, table for table.
        let empty = try TestDatabase.empty()
        let elsewhere = ["DATABASE_URL": empty, "CFIT_LOCATION": "shop"]
        let restored = try cfit(["db", "restore", file], elsewhere)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("every table matches the manifest and check agrees"), "\(restored.stdout)")
        #expect(try Self.tableDigests(empty) == before)
        let restoredCheck = try cfit(["check"], elsewhere)
        #expect(restoredCheck.status == 0 && restoredCheck.stderr.isEmpty, "\(restoredCheck.stderr)")
        #expect(try cfit(["db", "status"], elsewhere).stdout.contains("backup: last taken"))
        // It goes on working: identities continue, a new reservation gets a new reference.
        #expect(
            try cfit(
                [
                    "reserve", "--rx", "RX-1001", "--sku", "NW-CL-AD2-III-R-C-BE", "--confirm-reason",
                    "after the restore",
                ],
                elsewhere
            ).status != 64)

        // Over a database that is not empty: refused unless --replace, which keeps the old one aside.
        let refused = try cfit(["db", "restore", file], elsewhere)
        #expect(
            refused.status == 1 && refused.firstErrorLine.contains("expected an empty database"), "\(refused.stderr)")
        let replaced = try cfit(["db", "restore", file, "--replace", "--json"], elsewhere)
        #expect(replaced.status == 0, "\(replaced.stderr)")
        let aside = try #require((CFit.json(replaced) as? [String: Any])?["keptAside"] as? String)
        #expect(try Self.tableDigests(empty) == before)
        let admin = try Connection(TestDatabase.adminURL())
        #expect(
            try admin.query("SELECT count(*)::int AS n FROM pg_database WHERE datname = \(aside)")[0].decode(
                Int.self, "n") == 1)
        try admin.executeScript("DROP DATABASE \"\(aside)\"")
        admin.close()
    }

    @Test("a damaged, truncated or unknown backup is refused naming what differs, and nothing is restored")
    func refusals() throws {
        let (_, environment) = try CFit.seededDatabase()
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = "\(folder)/shop.dump"
        #expect(try CFit.run(["db", "backup", file], environment: environment).status == 0)
        let empty = try TestDatabase.empty()
        let elsewhere = ["DATABASE_URL": empty]
        func tables() throws -> Int {
            try Connection(empty).query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")[0]
                .decode(Int.self, "n")
        }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        let manifest = try Data(contentsOf: URL(fileURLWithPath: file + ".manifest.json"))

        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: "\(folder)/damaged.dump"))
        try manifest.write(to: URL(fileURLWithPath: "\(folder)/damaged.dump.manifest.json"))
        let damaged = try CFit.run(["db", "restore", "\(folder)/damaged.dump"], environment: elsewhere)
        #expect(
            damaged.status == 65 && damaged.firstErrorLine.contains("damaged or truncated; nothing restored"),
            "\(damaged.stderr)")

        try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: "\(folder)/short.dump"))
        try manifest.write(to: URL(fileURLWithPath: "\(folder)/short.dump.manifest.json"))
        let short = try CFit.run(["db", "restore", "\(folder)/short.dump"], environment: elsewhere)
        #expect(short.status == 65 && short.firstErrorLine.contains("damaged or truncated"), "\(short.stderr)")

        let original = try Data(contentsOf: URL(fileURLWithPath: file))
        try original.write(to: URL(fileURLWithPath: "\(folder)/newer.dump"))
        let newer = String(decoding: manifest, as: UTF8.self).replacingOccurrences(
            of: #""schemaVersion" : \d+"#, with: #""schemaVersion" : 999"#, options: .regularExpression)
        try newer.write(toFile: "\(folder)/newer.dump.manifest.json", atomically: true, encoding: .utf8)
        let future = try CFit.run(["db", "restore", "\(folder)/newer.dump"], environment: elsewhere)
        #expect(future.status == 65 && future.firstErrorLine.contains("made by a newer cfit"), "\(future.stderr)")

        try original.write(to: URL(fileURLWithPath: "\(folder)/alone.dump"))
        let alone = try CFit.run(["db", "restore", "\(folder)/alone.dump"], environment: elsewhere)
        #expect(alone.status == 65 && alone.firstErrorLine.contains("expected its manifest"), "\(alone.stderr)")
        #expect(try tables() == 0)
    }

    @Test("--to DIR --keep N names backups by date and time and keeps the newest N")
    func rotation() throws {
        let (_, environment) = try CFit.seededDatabase()
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for _ in 0..<3 {
            let taken = try CFit.run(["db", "backup", "--to", folder, "--keep", "2"], environment: environment)
            #expect(taken.status == 0, "\(taken.stderr)")
            Thread.sleep(forTimeInterval: 1.1)  // names tell time to the second
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names.filter { $0.hasSuffix(".dump") }.count == 2, "\(names)")
        #expect(names.filter { $0.hasSuffix(".manifest.json") }.count == 2, "\(names)")
        #expect(names.allSatisfy { $0.hasPrefix("cfit-") })
        let bad = try CFit.run(["db", "backup", "--keep", "2"], environment: environment)
        #expect(bad.status == 64 && bad.firstErrorLine.hasPrefix("error: --keep: expected --to DIR with it"))
    }

    @Test(
        "continuous archiving: restored from a base backup and the archived WAL to a moment between two receipts, the first is there and the second is not"
    )
    func pointInTime() throws {
        let folder = NSTemporaryDirectory() + "cfit-pitr-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
        try Watchdog.removeWhenTestsEnd(folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let archive = "\(folder)/archive"
        try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
        let primary = LocalServer(
            home: "\(folder)/primary", database: "cfit",
            // Copied under a temporary name and renamed: a segment never appears half-written.
            settings: [
                "fsync": "off", "archive_mode": "on",
                "archive_command": "'cp %p \(archive)/%f.part && mv \(archive)/%f.part \(archive)/%f'",
            ])
        if let user = primary.serverUser, let account = getpwnam(user) {
            chown(archive, account.pointee.pw_uid, account.pointee.pw_gid)
            chmod(folder, 0o755)
        }
        try primary.start()
        try primary.stopWhenProcessEnds(getpid(), removingFiles: true)
        defer { primary.stopImmediately() }
        let environment = ["DATABASE_URL": primary.url, "CFIT_LOCATION": "shop"]
        #expect(try CFit.run(["db", "migrate"], environment: environment).status == 0)
        try CFit.seedSamples(environment)
        // The weekly base backup, then the day's writes.
        let restored = LocalServer(home: "\(folder)/restored", database: "cfit")
        try ReplicatedPair.baseBackup(of: primary, into: restored, standby: false)
        let receive = ["stock", "receive", "NW-CL-AD2-II-R-C-BE", "1", "--idempotency-key"]
        #expect(try CFit.run(receive + ["before-the-moment"], environment: environment).status == 0)
        let owner = try Connection(primary.url)
        Thread.sleep(forTimeInterval: 1.1)
        let moment = try owner.query("SELECT clock_timestamp()::text AS t")[0].decode(String.self, "t")
        Thread.sleep(forTimeInterval: 1.1)
        #expect(try CFit.run(receive + ["after-the-moment"], environment: environment).status == 0)
        let segment = try owner.query("SELECT pg_walfile_name(pg_switch_wal()) AS w")[0].decode(String.self, "w")
        // Archived once the server says so (the archiver reports a segment after its command succeeded).
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let archived = try owner.query("SELECT coalesce(last_archived_wal, '') AS w FROM pg_stat_archiver")[0]
                .decode(String.self, "w")
            if archived >= segment { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        owner.close()
        #expect(FileManager.default.fileExists(atPath: "\(archive)/\(segment)"), "segment \(segment) not archived")
        primary.stopImmediately()

        // Restored to the moment between the two receipts.
        let handle = try FileHandle(
            forWritingTo: URL(fileURLWithPath: "\(restored.dataDirectory)/postgresql.auto.conf"))
        handle.seekToEndOfFile()
        handle.write(
            Data(
                """
                restore_command = 'cp \(archive)/%f %p'
                recovery_target_time = '\(moment)'
                recovery_target_action = 'promote'
                archive_mode = off

                """.utf8))
        try handle.close()
        let signal = "\(restored.dataDirectory)/recovery.signal"
        _ = FileManager.default.createFile(atPath: signal, contents: nil)
        if let user = restored.serverUser, let account = getpwnam(user) {
            chown(signal, account.pointee.pw_uid, account.pointee.pw_gid)
        }
        do {
            try restored.start()
        } catch {
            let log = (try? String(contentsOfFile: restored.logFile, encoding: .utf8)) ?? ""
            Issue.record("the restored server did not start: \(error)\n\(log.suffix(2000))")
            return
        }
        try restored.stopWhenProcessEnds(getpid(), removingFiles: true)
        defer { restored.stopImmediately() }
        let connection = try Connection(restored.url)
        defer { connection.close() }
        let recovered = Date().addingTimeInterval(60)
        while try connection.query("SELECT pg_is_in_recovery() AS r")[0].decode(Bool.self, "r"), Date() < recovered {
            Thread.sleep(forTimeInterval: 0.1)
        }
        let keys = try connection.query(
            "SELECT key FROM idempotent_result WHERE key IN ('before-the-moment', 'after-the-moment') ORDER BY key"
        ).map { try $0.decode(String.self, "key") }
        #expect(keys == ["before-the-moment"], "\(keys)")
        let check = try CFit.run(["check"], environment: ["DATABASE_URL": restored.url])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    @Test("a database holding only the schema counts as empty; a backup needs the schema owner's login (exit 77)")
    func emptyAndRoles() throws {
        let (url, environment) = try CFit.seededDatabase()
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pharmacy = try TestLogins.make("pharmacy", on: url)
        let denied = try CFit.run(
            ["db", "backup", "\(folder)/not-mine.dump"],
            environment: ["DATABASE_URL": TestLogins.url(url, as: pharmacy)])
        #expect(denied.status == 77 && denied.firstErrorLine.contains("permission denied"), "\(denied.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        let file = "\(folder)/shop.dump"
        #expect(try CFit.run(["db", "backup", file], environment: environment).status == 0)
        let migrated = try TestDatabase.fresh()  // the schema, no records
        let restored = try CFit.run(["db", "restore", file], environment: ["DATABASE_URL": migrated])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(!restored.stdout.contains("kept as"), "\(restored.stdout)")
    }

    @Test("a backup from an older cfit (a migration behind) is restored as it was, verified, then migrated")
    func olderSchema() throws {
        let older = try TestDatabase.empty()
        let connection = try Connection(older)
        // Today's function files over yesterday's tables: their SQL bodies may name a column the
        // last migration adds, which an older cfit's own files did not.
        try connection.execute("SET check_function_bodies = off")
        let behind = Migrator(
            migrations: Array(InventorySchema.migrations.dropLast()), repeatable: InventorySchema.functions)
        _ = try behind.apply(connection)
        try Stock(connection: connection).addLocation(code: "shop", name: "Shop")
        connection.close()
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = "\(folder)/older.dump"
        let taken = try CFit.run(["db", "backup", file], environment: ["DATABASE_URL": older])
        #expect(taken.status == 0, "\(taken.stderr)")
        let manifest = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: file + ".manifest.json")))
        #expect(
            (manifest as? [String: Any])?["schemaVersion"] as? Int == (InventorySchema.migrations.last?.version ?? 0)
                - 1)
        let target = try TestDatabase.empty()
        let restored = try CFit.run(["db", "restore", file], environment: ["DATABASE_URL": target])
        #expect(restored.status == 0, "\(restored.stderr)")
        let last = InventorySchema.migrations.last?.name ?? ""
        #expect(restored.stdout.contains("then migrated: \(last)"), "\(restored.stdout)")
        #expect(try CFit.run(["check"], environment: ["DATABASE_URL": target]).status == 0)
    }
}

import Foundation
import PostgresTestSupport
import Testing

@testable import Postgres

/// Bounded waits, passwords kept out of sight, and an error's line always first.
@Suite("No hangs, no leaks, through cfit", .ownThread)
struct ReliabilityTests {
    @Test("a password in a malformed URL never reaches the output; db url masks it; the warning comes after the error")
    func passwordsOutOfSight() throws {
        let broken = try CFit.run(["stock", "show", "--database-url", "postgresql://clerk:Pw%zz0rdX4@127.0.0.1:1/cfit"])
        #expect(broken.status == 69)
        #expect(!broken.stderr.contains("zz0rdX4") && !broken.stdout.contains("zz0rdX4"), "\(broken.stderr)")
        #expect(broken.firstErrorLine.hasPrefix("error: database: could not connect"))
        #expect(broken.stderr.contains("warning: --database-url carries a password"))
        let refused = try CFit.run([
            "stock", "show", "--database-url", "host=127.0.0.1 port=1 password=hunter2 dbname=x",
        ])
        #expect(!refused.stderr.contains("hunter2"))
        let url = try CFit.run([
            "db", "url", "--database-url", "postgresql://clerk:s3cr3t@127.0.0.1:1/cfit?sslmode=require",
        ])
        #expect(url.stdout == "postgresql://clerk:****@127.0.0.1:1/cfit?sslmode=require\n")
    }

    @Test("a stopped postmaster (SIGSTOP) is given up on after the 10 s connect timeout, exit 69")
    func stoppedPostmaster() throws {
        let home = NSTemporaryDirectory() + "cfit-frozen-\(UUID().uuidString.prefix(8))"
        let server = LocalServer(home: home, database: "frozen", settings: ["fsync": "off"])
        try server.start()
        try server.stopWhenProcessEnds(getpid(), removingFiles: true)
        defer {
            server.stopImmediately()
            try? FileManager.default.removeItem(atPath: home)
        }
        let pidText = try String(contentsOfFile: "\(server.dataDirectory)/postmaster.pid", encoding: .utf8)
        let pid = try #require(Int32(pidText.split(separator: "\n")[0]))
        kill(pid, SIGSTOP)
        defer { kill(pid, SIGCONT) }
        let start = Date()
        let result = try CFit.run(["stock", "show"], environment: ["DATABASE_URL": server.url])
        let waited = Date().timeIntervalSince(start)
        #expect(result.status == 69, "\(result.stderr)")
        #expect(waited >= 9 && waited < 16, "waited \(waited) s")
    }

    @Test("server notices never reach stderr unless asked for (CFIT_LOG)")
    func quietNotices() throws {
        let url = try TestDatabase.fresh()
        try CFit.seedSamples(["DATABASE_URL": url])
        let chatty = ["DATABASE_URL": url, "PGOPTIONS": "-c client_min_messages=debug5"]
        let quiet = try CFit.run(["stock", "receive", "NW-CL-AD2-II-R-C-BE", "1"], environment: chatty)
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr.prefix(300))")
        let loud = try CFit.run(
            ["stock", "show", "NW-CL-AD2-II-R-C-BE"],
            environment: chatty.merging(["CFIT_LOG": "debug"]) { _, new in new })
        #expect(loud.stderr.contains("DEBUG"))
    }

    @Test("the same key from 8 cfit processes at once: all exit 0 with the first result; an empty key is 64")
    func sameKeyProcesses() throws {
        let (_, environment) = try CFit.seededDatabase()
        let outputs = LockedValue<[RunResult]>([])
        try runConcurrently(8) { _ in
            let result = try CFit.run(
                ["reserve", "--rx", "RX-1001", "--sku", "NW-CL-AD2-II-R-C-BE", "--idempotency-key", "counter-7"],
                environment: environment)
            outputs.withLock { $0.append(result) }
        }
        let all = outputs.withLock { $0 }
        #expect(all.allSatisfy { $0.status == 0 }, "\(all.map(\.stderr))")
        #expect(Set(all.map(\.stdout)).count == 1)
        let empty = try CFit.run(
            ["stock", "receive", "NW-CL-AD2-II-R-C-BE", "1", "--idempotency-key", ""], environment: environment)
        #expect(
            empty.status == 64
                && empty.firstErrorLine.hasPrefix("error: --idempotency-key: expected 1 to 200 characters"))
    }

    @Test(
        "every bad value is refused with 64 before the database sees it",
        arguments: [
            (["stock", "receive", "NW-CL-AD2-II-R-C-BE", "2147483648"], "QTY: expected 1 to 2147483647 units"),
            (
                ["stock", "receive", "NW-CL-AD2-II-R-C-BE", "1", "--lot", ""],
                "--lot: expected a code of 1 to 100 characters"
            ),
            (
                ["stock", "receive", "NW-CL-AD2-II-R-C-BE", "1", "--lot", "L", "--expires", "0001-01-01"],
                "--expires: expected a date between 1900-01-01 and 2199-12-31"
            ),
            (["stock", "minimum", "NW-CL-AD2-II-R-C-BE", "99999999999"], "QTY: expected 0 to 2147483647 units"),
            (
                [
                    "rx", "new", "--arterial-assessed", "--number", "", "--patient", "P-0001", "--prescriber", "DR-01",
                    "--style", "AD",
                    "--class", "2", "--quantity", "1",
                ],
                "--number: expected a code"
            ),
            (
                [
                    "rx", "new", "--arterial-assessed", "--patient", "", "--prescriber", "DR-01", "--style", "AD",
                    "--class", "2",
                    "--quantity", "1",
                ],
                "--patient: expected a code"
            ),
            (
                [
                    "stock", "receive", "NW-CL-AD2-II-R-C-BE", "1", "--idempotency-key",
                    String(repeating: "k", count: 3000),
                ],
                "--idempotency-key: expected 1 to 200 characters, found 3000 characters"
            ),
        ])
    func badValues(arguments: [String], message: String) throws {
        let (_, environment) = try CFit.seededDatabase()
        let result = try CFit.run(arguments, environment: environment)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.firstErrorLine.hasPrefix("error: \(message)"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("a server out of connections: exit 69 with a clear line, and nothing written")
    func outOfConnections() throws {
        let home = NSTemporaryDirectory() + "cfit-full-\(UUID().uuidString.prefix(8))"
        let server = LocalServer(
            home: home, database: "full",
            settings: ["fsync": "off", "max_connections": "4", "superuser_reserved_connections": "0"])
        try server.start()
        try server.stopWhenProcessEnds(getpid(), removingFiles: true)
        defer {
            server.stopImmediately()
            try? FileManager.default.removeItem(atPath: home)
        }
        let environment = ["DATABASE_URL": server.url, "CFIT_LOCATION": "shop"]
        #expect(try CFit.run(["db", "migrate"], environment: environment).status == 0)
        try CFit.seedSamples(environment)
        var held: [Connection] = []
        while let connection = try? Connection(server.url) { held.append(connection) }
        defer {
            for connection in held { connection.close() }
        }
        let result = try CFit.run(["stock", "receive", "NW-CL-AD2-II-R-C-BE", "1"], environment: environment)
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.firstErrorLine.hasPrefix("error: database: could not connect"))
        #expect(result.stdout.isEmpty)
        held.removeLast().close()
        // The server frees the slot when that backend has exited, a moment later.
        var reader: Connection?
        for _ in 0..<300 where reader == nil {  // up to 30 s on a busy machine
            reader = try? Connection(server.url)
            if reader == nil { Thread.sleep(forTimeInterval: 0.1) }
        }
        let count = try #require(reader).query("SELECT count(*) AS n FROM stock_movement")[0].decode(Int.self, "n")
        #expect(count == 12)
    }

    @Test("a connection dropped while an operation waits on a lock: exit 69, and nothing of it half-done")
    func droppedWhileWaiting() throws {
        let (url, environment) = try CFit.seededDatabase()
        let holder = try Connection(url)
        try holder.executeScript(
            "BEGIN; SELECT * FROM stock_balance WHERE sku = 'NW-CL-AD2-II-R-C-BE' AND lot_id IS NULL FOR UPDATE")
        let killer = try Connection(url)
        let result = LockedValue<RunResult?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let run = try? CFit.run(["stock", "receive", "NW-CL-AD2-II-R-C-BE", "1"], environment: environment)
            result.withLock { $0 = run }
            done.signal()
        }
        // Wait until the receipt waits on the lock, then end its backend.
        var waiting = 0
        for _ in 0..<300 where waiting == 0 {  // up to 30 s: a busy machine starts processes slowly
            Thread.sleep(forTimeInterval: 0.1)
            waiting = try killer.query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )[0].decode(Int.self, "n")
        }
        #expect(waiting == 1)
        try killer.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        done.wait()
        try holder.executeScript("ROLLBACK")
        let run = try #require(result.withLock { $0 })
        #expect(run.status == 69, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        let movements = try killer.query("SELECT count(*) AS n FROM stock_movement")[0].decode(Int.self, "n")
        #expect(movements == 12)
        #expect(try CFit.run(["check"], environment: environment).status == 0)
    }
}

/// A password in a connection URL is a secret wherever it goes wrong: never in stdout, stderr,
/// debug logs or the server's log.
@Suite("Secrets in connection URLs", .ownThread)
struct SecretsTests {
    @Test("a URL's password is never shown or logged: wrong host, wrong password, a server that refuses the login")
    func neverShown() throws {
        let url = try TestDatabase.fresh()
        let clerk = "pwclerk_\(getpid())"
        let refused = "refusedclerk_\(getpid())"
        guard
            try TestDatabase.authenticate([
                "local all \(clerk) scram-sha-256", "local all \(refused) reject",
            ])
        else { return }
        let admin = try Connection(try TestDatabase.adminURL())
        defer { admin.close() }
        for role in [clerk, refused] {
            try admin.executeScript(
                "DO $$ BEGIN CREATE ROLE \(role) LOGIN PASSWORD 'the-right-one'; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            )
        }
        let secret = "Sekr3t-\(UUID().uuidString.prefix(8))"
        let withPassword = { (conninfo: String) in
            conninfo + (conninfo.contains("?") ? "&" : "?") + "password=\(secret)"
        }
        let cases = [
            (
                "wrong host",
                withPassword(ConnectionString.replacingUser(in: url, with: clerk)).replacing(
                    /host=[^&]*/, with: "host=/nonexistent-\(UUID().uuidString.prefix(6))")
            ),
            ("wrong password", withPassword(ConnectionString.replacingUser(in: url, with: clerk))),
            ("login refused", withPassword(ConnectionString.replacingUser(in: url, with: refused))),
        ]
        #expect(cases.allSatisfy { $0.1.contains(secret) })
        for (name, conninfo) in cases {
            for (arguments, environment) in [
                (["stock", "show", "--database-url", conninfo], ["CFIT_LOG": "debug"]),
                (["stock", "show"], ["CFIT_LOG": "trace", "DATABASE_URL": conninfo]),
                (["db", "status", "--database-url", conninfo], [:]),
                (["db", "url", "--database-url", conninfo], [:]),
            ] {
                let run = try CFit.run(arguments, environment: environment)
                #expect(
                    !run.stdout.contains(secret) && !run.stderr.contains(secret),
                    "\(name) \(arguments[0]): \(run.stderr)")
                if arguments[0] == "stock" {
                    #expect(run.status == 69, "\(name): \(run.stderr)")
                    #expect(run.firstErrorLine.hasPrefix("error: database:"), "\(name): \(run.stderr)")
                }
            }
        }
        if let server = try TestDatabase.localServer() {
            let log = (try? String(contentsOfFile: server.logFile, encoding: .utf8)) ?? ""
            #expect(!log.contains(secret))
        }
    }
}

import Foundation
import PostgresTestSupport
import Testing

@testable import Postgres

/// cfit against a server other sessions share: bounded waits, nothing kept between transactions.
@Suite("cfit on a shared server", .ownThread)
struct SharedServerCommandTests {
    @Test("a write waiting on a row another counter holds gives up after 5 s with exit status 75")
    func busyRow() throws {
        let (url, environment) = try CFit.seededDatabase()
        let holder = try Connection(url)
        try holder.executeScript(
            "BEGIN; SELECT * FROM stock_balance WHERE sku = 'NW-CL-AD2-II-R-C-BE' AND lot_id IS NULL FOR UPDATE")
        let start = Date()
        let result = try CFit.run(["stock", "receive", "NW-CL-AD2-II-R-C-BE", "1"], environment: environment)
        let waited = Date().timeIntervalSince(start)
        #expect(result.status == 75, "\(result.stderr)")
        #expect(result.firstErrorLine.hasPrefix("error: busy: another counter holds this record; try again"))
        #expect(waited >= 4.5 && waited < 9, "waited \(waited) s")
        try holder.executeScript("ROLLBACK")
        #expect(try CFit.run(["stock", "receive", "NW-CL-AD2-II-R-C-BE", "1"], environment: environment).status == 0)
    }

    @Test("logins through cfit: a fitter cannot reserve, a pharmacy cannot import, an admin manages users; exit 77")
    func rolesThroughCFit() throws {
        let url = try TestDatabase.fresh()
        try CFit.seedSamples(["DATABASE_URL": url])
        func cfit(_ user: String, _ arguments: [String], input: String = "") throws -> RunResult {
            try CFit.run(
                arguments, input: input,
                environment: ["DATABASE_URL": TestLogins.url(url, as: user), "CFIT_LOCATION": "shop"])
        }
        let fitter = try TestLogins.make("fitter", on: url)
        let pharmacy = try TestLogins.make("pharmacy", on: url)
        let admin = try TestLogins.make("admin", on: url)
        let denied = try cfit(fitter, ["reserve", "--rx", "RX-1001", "--sku", "NW-CL-AD2-II-R-C-BE"])
        #expect(denied.status == 77, "\(denied.stderr)")
        #expect(
            denied.firstErrorLine
                == "error: permission denied: your login's role may not do this (permission denied for function cfit_reserve)"
        )
        let fit = try cfit(
            fitter,
            [
                "fit", "--style", "AD", "--class", "2", "--cB", "22", "--cC", "36.5", "--cD", "34", "--lD", "41",
                "--rx", "RX-1001", "--record",
            ])
        #expect(fit.status == 0, "\(fit.stderr)")
        let reserved = try cfit(pharmacy, ["reserve", "--rx", "RX-1001", "--sku", "NW-CL-AD2-II-R-C-BE", "--json"])
        #expect(
            ((CFit.json(reserved) as? [String: Any])?["reservation"] as? [String: Any])?["actor"] as? String == pharmacy
        )
        let folder = NSTemporaryDirectory() + "cfit-role-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try String(contentsOfFile: CFit.seed("liberty.json"), encoding: .utf8).replacingOccurrences(
            of: "Sport", with: "Sporty"
        )
        .write(toFile: "\(folder)/l.json", atomically: true, encoding: .utf8)
        let imported = try cfit(pharmacy, ["catalog", "import", "\(folder)/l.json"])
        #expect(imported.status == 77, "\(imported.stderr)")
        #expect(try cfit(admin, ["catalog", "import", "\(folder)/l.json"]).status == 0)
        let name = "clerk\(getpid())\(Int.random(in: 100...999))"
        let added = try cfit(admin, ["user", "add", name, "--role", "fitter"], input: "correct horse\n")
        #expect(added.status == 0 && added.stdout == "user \(name) added as fitter\n", "\(added.stderr)")
        #expect(!added.stdout.contains("correct horse") && !added.stderr.contains("correct horse"))
        #expect(try cfit(pharmacy, ["user", "add", "x\(name)", "--role", "admin"], input: "pw\n").status == 77)
        #expect(try cfit(admin, ["user", "role", name, "pharmacy"]).stdout == "user \(name) is now pharmacy\n")
        let list = try cfit(admin, ["user", "list", "--json"])
        #expect(
            (CFit.json(list) as? [[String: Any]])?.contains {
                $0["name"] as? String == name && $0["role"] as? String == "pharmacy"
            } == true)
        #expect(try cfit(admin, ["user", "disable", name]).status == 0)
        let disabled = try cfit(name, ["stock", "show"])
        #expect(disabled.status == 69, "\(disabled.stderr)")
    }

    @Test("every read command works for a read-only login in read-only sessions, as on a hot standby")
    func readOnlyCommands() throws {
        let url = try TestDatabase.fresh()
        try CFit.seedSamples(["DATABASE_URL": url])
        let reader = try TestLogins.make("fitter", on: url)
        let owner = try Connection(url)
        try owner.executeScript("ALTER ROLE \(reader) SET default_transaction_read_only = on")
        owner.close()
        let environment = ["DATABASE_URL": TestLogins.url(url, as: reader), "CFIT_LOCATION": "shop"]
        for command in [
            ["fit", "--style", "AD", "--class", "2", "--cB", "22", "--cC", "36.5", "--cD", "34", "--lD", "41"],
            ["stock", "show"], ["stock", "show", "NW-CL-AD2-II-R-C-BE"], ["stock", "history", "NW-CL-AD2-II-R-C-BE"],
            ["stock", "low"], ["rx", "list"], ["rx", "show", "RX-1001"], ["catalog", "list"],
            ["catalog", "show", "northwind-classic"], ["check"], ["db", "status"],
        ] {
            let result = try CFit.run(command, environment: environment)
            #expect(result.status == 0, "\(command.joined(separator: " ")): \(result.stderr)")
        }
        let write = try CFit.run(["stock", "count", "NW-CL-AD2-I-R-C-BE", "1"], environment: environment)
        #expect(write.status == 77 || write.status == 69, "\(write.stderr)")
    }

    @Test("cfit through PgBouncer in transaction mode: commands one after another and 12 reserving at once")
    func throughPgBouncer() throws {
        let bouncer = try PgBouncer(poolSize: 4)
        let direct = try TestDatabase.fresh()
        try CFit.seedSamples(["DATABASE_URL": direct])
        let environment = ["DATABASE_URL": try bouncer.url(for: direct), "CFIT_LOCATION": "shop"]
        for command in [
            ["stock", "show"], ["stock", "receive", "NW-CL-AD2-II-R-C-BE", "3"],
            ["stock", "show", "NW-CL-AD2-II-R-C-BE"],
            ["fit", "--style", "AD", "--class", "2", "--cB", "22", "--cC", "36.5", "--cD", "34", "--lD", "41"],
            ["check"],
        ] {
            let result = try CFit.run(command, environment: environment)
            #expect(result.status == 0, "\(command.joined(separator: " ")): \(result.stderr)")
        }
        // RX-1001 allows 2 garments; 6 on the shop shelf: 12 counters race for it.
        let statuses = LockedValue<[Int32]>([])
        try runConcurrently(12) { worker in
            let result = try CFit.run(
                ["reserve", "--rx", "RX-1001", "--sku", "NW-CL-AD2-II-R-C-BE", "--idempotency-key", "race-\(worker)"],
                environment: environment)
            statuses.withLock { $0.append(result.status) }
        }
        let all = statuses.withLock { $0 }
        #expect(all.filter { $0 == 0 }.count == 2, "\(all)")
        #expect(all.filter { $0 == 1 }.count == 10, "\(all)")
        #expect(try CFit.run(["check"], environment: environment).status == 0)
    }
}

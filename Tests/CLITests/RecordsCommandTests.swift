import Foundation
import PostgresTestSupport
import Testing

@testable import Postgres

/// The trustworthy-records behaviour through the real program: dates in any time zone, counts by
/// lot, returns to inspection, write-offs, keys bound to requests, and errors with their statuses.
@Suite("Records a shop can trust, through cfit", .ownThread)
struct RecordsCommandTests {
    let url: String
    let environment: [String: String]

    init() throws {
        url = try TestDatabase.fresh()
        environment = ["DATABASE_URL": url, "CFIT_LOCATION": "shop"]
    }

    func cfit(_ arguments: [String], environment extra: [String: String] = [:]) throws -> RunResult {
        try CFit.run(arguments, environment: environment.merging(extra) { _, new in new })
    }

    func seeded() throws {
        let result = try cfit(["seed", "--from", "\(CFit.root)/Seeds"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// Expects `result` to have failed with `status`, nothing on stdout, and a first line starting with `prefix`.
    func expectFailure(
        _ result: RunResult, _ status: Int32, _ prefix: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.status == status, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(result.firstErrorLine.hasPrefix("error: \(prefix)"), "\(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test(
        "an expiry typed at the counter is stored and shown as that day, whatever the client's and server's zones",
        arguments: [
            ("America/Los_Angeles", "Pacific/Kiritimati"), ("Europe/Berlin", "America/Los_Angeles"),
            ("Pacific/Kiritimati", "Europe/Berlin"),
        ])
    func datesAcrossZones(server: String, client: String) throws {
        let database = try Connection(url).query("SELECT current_database() AS d")[0].decode(String.self, "d")
        let admin = try Connection(try TestDatabase.adminURL())
        try admin.executeScript("ALTER DATABASE \"\(database)\" SET timezone TO '\(server)'")
        admin.close()
        try seeded()
        let zones = ["TZ": client, "PGTZ": client]
        let received = try cfit(
            ["stock", "receive", "NW-CL-AD2-II-R-C-BE", "2", "--lot", "LEAP", "--expires", "2028-02-29"],
            environment: zones)
        #expect(received.status == 0, "\(received.stderr)")
        let json = try cfit(["stock", "show", "NW-CL-AD2-II-R-C-BE", "--json"], environment: zones)
        let rows = try #require(CFit.json(json) as? [[String: Any]])
        #expect(rows.first { $0["lot"] as? String == "LEAP" }?["expiresOn"] as? String == "2028-02-29")
        let table = try cfit(["stock", "show", "NW-CL-AD2-II-R-C-BE"], environment: zones)
        let row = table.stdout.split(separator: "\n").first { $0.contains("LEAP") }
        #expect(row?.contains(" 2028-02-29 ") == true, "\(table.stdout)")
        let stored = try Connection(url).query("SELECT expires_on::text AS d FROM lot WHERE code = 'LEAP'")[0]
        #expect(try stored.decode(String.self, "d") == "2028-02-29")
        let rx = try cfit(
            [
                "rx", "new", "--arterial-assessed", "--patient", "P-TZ", "--patient-name", "Zed", "--prescriber",
                "DR-01", "--style", "AD",
                "--class", "2", "--quantity", "1", "--valid-until", "2099-12-31", "--json",
            ], environment: zones)
        #expect(((CFit.json(rx) as? [String: Any])?["rx"] as? [String: Any])?["validUntil"] as? String == "2099-12-31")
    }

    @Test("bad values are refused with their own status before the database sees them")
    func badValues() throws {
        try seeded()
        let base = [
            "rx", "new", "--arterial-assessed", "--patient", "P-0001", "--prescriber", "DR-01", "--style", "AD",
            "--class", "2",
        ]
        expectFailure(
            try cfit(base + ["--quantity", "1", "--valid-until", "2020-01-01"]), 64, "--valid-until: expected today")
        expectFailure(
            try cfit(base + ["--quantity", "1", "--valid-until", "0001-01-01"]), 64,
            "--valid-until: expected a date between")
        expectFailure(try cfit(base + ["--quantity", "1", "--number", ""]), 64, "--number: expected a code")
        expectFailure(try cfit(base + ["--quantity", "2147483648"]), 64, "--quantity: expected 1 to 2147483647")
        expectFailure(try cfit(["stock", "receive", "NW-CL-AD2-II-R-C-BE", "2147483648"]), 64, "QTY: expected 1 to")
        expectFailure(
            try cfit(["stock", "receive", "NW-CL-AD2-II-R-C-BE", "1", "--lot", "OLD", "--expires", "2020-01-01"]), 1,
            "--expires: lot OLD expired on 2020-01-01")
        let accepted = try cfit([
            "stock", "receive", "NW-CL-AD2-II-R-C-BE", "1", "--lot", "OLD", "--expires", "2020-01-01",
            "--accept-expired",
        ])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let check = try cfit(["check"])
        #expect(check.status == 0)
        #expect(check.stdout.contains("to write off"))
        #expect(check.stdout.contains("NW-CL-AD2-II-R-C-BE at shop lot OLD: 1 on hand, expired 2020-01-01"))
    }

    @Test("seed: an unreadable folder is 66, a bad row is 65 naming file, row and column, and nothing is written")
    func seedErrors() throws {
        expectFailure(try cfit(["seed", "--from", "/nonexistent"]), 66, "--from: expected a readable folder")
        let folder = NSTemporaryDirectory() + "cfit-seeds-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: "\(CFit.root)/Seeds", toPath: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/prescriptions.csv"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        try original.replacingOccurrences(
            of: "RX-1002,P-0002,Ben Sample,DR-01,Dr. Grace Sample,AG",
            with: "RX-1002,P-0002,Ben Sample,DR-01,Dr. Grace Sample,ZZ"
        )
        .write(toFile: path, atomically: true, encoding: .utf8)
        expectFailure(
            try cfit(["seed", "--from", folder]), 65,
            "prescriptions.csv row 3, column style: expected AD, AF, AG or AT, found 'ZZ'")
        try original.replacingOccurrences(of: ",RAL:2,2,I87.2", with: ",RAL:2,x,I87.2")
            .write(toFile: path, atomically: true, encoding: .utf8)
        expectFailure(try cfit(["seed", "--from", folder]), 65, "prescriptions.csv row 2, column quantity")
        #expect(try cfit(["catalog", "list"]).stdout.hasPrefix("no catalogs yet"))
        #expect(try cfit(["rx", "list"]).stdout.hasPrefix("no prescriptions"))
    }

    @Test("the same key with another request exits 64 and posts nothing")
    func keyForAnotherRequest() throws {
        try seeded()
        let first = try cfit(["stock", "receive", "NW-CL-AD2-II-R-C-BE", "2", "--idempotency-key", "DN-1"])
        #expect(first.status == 0)
        expectFailure(
            try cfit(["stock", "receive", "NW-CL-AD2-III-R-C-BE", "4", "--idempotency-key", "DN-1"]), 64,
            "--idempotency-key: key 'DN-1' was used for a different request")
        let again = try cfit(["stock", "receive", "NW-CL-AD2-II-R-C-BE", "2", "--idempotency-key", "DN-1"])
        #expect(again.stdout == first.stdout)
        let show = try cfit(["stock", "show", "NW-CL-AD2-III-R-C-BE", "--location", "shop", "--json"])
        #expect((CFit.json(show) as? [[String: Any]])?.first?["onHand"] as? Int == 3)
    }

    @Test("a count names the lots when several are held, and a lot count posts only its difference")
    func countByLot() throws {
        try seeded()
        #expect(
            try cfit(["stock", "receive", "NW-CL-AD2-II-R-C-BE", "4", "--lot", "L2401", "--expires", "2030-01-31"])
                .status == 0)
        expectFailure(
            try cfit(["stock", "count", "NW-CL-AD2-II-R-C-BE", "3"]), 64,
            "--lot: expected the lot counted, since NW-CL-AD2-II-R-C-BE at shop is held in 2 lots: L2401 (4 on the books), (no lot) (3 on the books)"
        )
        let counted = try cfit(["stock", "count", "NW-CL-AD2-II-R-C-BE", "3", "--lot", "L2401"])
        #expect(counted.stdout.hasPrefix("count posted: -1 × NW-CL-AD2-II-R-C-BE at shop lot L2401: on hand 3"))
        #expect(try cfit(["check"]).status == 0)
    }

    @Test("a return waits for inspection, is listed apart, and is written off or released; check stays clean")
    func returnFlow() throws {
        try seeded()
        let reserve = try cfit(["reserve", "--rx", "RX-1001", "--sku", "NW-CL-AD2-II-R-C-BE", "--json"])
        let id = try #require(
            ((CFit.json(reserve) as? [String: Any])?["reservation"] as? [String: Any])?["id"] as? String)
        let dispense = try cfit(["dispense", id, "--json"])
        let dispenseID = try #require(
            ((CFit.json(dispense) as? [String: Any])?["dispense"] as? [String: Any])?["id"] as? String)
        let noReason = try cfit(["return", dispenseID])
        #expect(noReason.status == 64 && noReason.stderr.contains("Missing expected argument '--reason"))
        let back = try cfit(["return", dispenseID, "--reason", "too tight"])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(back.stdout.contains("awaiting inspection; rx RX-1001 is active"))
        let show = try cfit(["stock", "show", "NW-CL-AD2-II-R-C-BE", "--location", "shop"])
        #expect(show.stdout.contains("not available"))
        #expect(show.stdout.contains("returned"))
        expectFailure(
            try cfit(["stock", "write-off", "NW-CL-AD2-II-R-C-BE", "1", "--reason", "lost"]), 64,
            "--reason: expected expired, damaged, returned or recalled")
        let released = try cfit(["stock", "release-return", "NW-CL-AD2-II-R-C-BE", "1"])
        #expect(released.stdout.hasPrefix("released 1 × NW-CL-AD2-II-R-C-BE at shop to stock"), "\(released.stderr)")
        let history = try cfit(["stock", "history", "NW-CL-AD2-II-R-C-BE", "--json"])
        let reasons = (CFit.json(history) as? [[String: Any]])?.compactMap { $0["reason"] as? String }
        #expect(reasons?.suffix(4) == ["dispense", "return", "return_to_stock", "return_to_stock"])
        #expect(try cfit(["check"]).status == 0)
    }

    @Test(
        "re-importing the earlier catalog after another applies it; a dry run lists the stock of deactivated articles")
    func importByContent() throws {
        try seeded()
        let folder = NSTemporaryDirectory() + "cfit-cat-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let original = try String(contentsOfFile: CFit.seed("northwind.json"), encoding: .utf8)
        let changed = original.replacingOccurrences(
            of: "\"northwind-soft\"", with: "\"northwind-soft\"", options: [], range: nil
        )
        .replacingOccurrences(of: "Soft", with: "Softer")
        try changed.write(toFile: "\(folder)/b.json", atomically: true, encoding: .utf8)
        #expect(try cfit(["catalog", "import", "\(folder)/b.json"]).stdout.contains("name: Soft → Softer"))
        let back = try cfit(["catalog", "import", CFit.seed("northwind.json")])
        #expect(back.stdout.hasPrefix("imported"), "\(back.stdout)")
        #expect(try cfit(["catalog", "import", CFit.seed("northwind.json")]).stdout.hasPrefix("already up to date"))
        let articles =
            try String(contentsOfFile: CFit.seed("northwind-articles.csv"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("NW-CL-AD2-II-R-C-BE,") }.joined(separator: "\n") + "\n"
        try articles.write(toFile: "\(folder)/a.csv", atomically: true, encoding: .utf8)
        let dry = try cfit(["catalog", "import", CFit.seed("northwind.json"), "\(folder)/a.csv", "--dry-run"])
        #expect(dry.stdout.contains("deactivated: NW-CL-AD2-II-R-C-BE"), "\(dry.stdout)")
        #expect(dry.stdout.contains("NW-CL-AD2-II-R-C-BE at shop: 3"))
        #expect(dry.stdout.contains("NW-CL-AD2-II-R-C-BE at store lot LII-A: 6"))
    }
}

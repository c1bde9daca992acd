import Foundation
import Postgres
import PostgresTestSupport
import Testing

@Suite("The inventory commands, run as a program against a real server", .ownThread)
struct InventoryCommandTests {
    let environment: [String: String]

    init() throws {
        environment = ["DATABASE_URL": try TestDatabase.fresh(), "CFIT_LOCATION": "shop"]
    }

    func cfit(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> RunResult {
        try CFit.run(arguments, environment: environment, sourceLocation: sourceLocation)
    }

    func seeded() throws {
        let result = try cfit(["seed", "--from", "\(CFit.root)/Seeds"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("seed, then the walkthrough: fit with stock, record, reserve, dispense, history, check")
    func walkthrough() throws {
        try seeded()
        let again = try cfit(["seed", "--from", "\(CFit.root)/Seeds"])
        #expect(again.stdout.contains("already imported"))
        #expect(again.stdout.contains("0 receipts posted now"))

        let fit = try cfit([
            "fit", "--style", "AD", "--class", "2", "--cB", "22", "--cC", "36.5", "--cD", "34", "--lD", "41", "--json",
        ])
        #expect(fit.status == 0, "\(fit.stderr)")
        let lines = try #require(CFit.json(fit) as? [[String: Any]])
        let classic = try #require(lines.first { $0["line"] as? String == "northwind-classic" })
        let articles = try #require(classic["articles"] as? [[String: Any]])
        #expect(articles.first?["sku"] as? String == "NW-CL-AD2-II-R-C-BE")
        #expect(articles.first?["here"] as? Int == 3)

        let recorded = try cfit([
            "fit", "--style", "AD", "--class", "2", "--cB", "22", "--cC", "36.5", "--cD", "34", "--lD", "41", "--rx",
            "RX-1001", "--record",
        ])
        #expect(recorded.status == 0)
        #expect(
            recorded.stderr.range(
                of: "fitting F-[0-9A-Z]{7}-[0-9A-Z]{7} recorded for rx RX-1001", options: .regularExpression)
                != nil, "\(recorded.stderr)")

        let reserve = try cfit(["reserve", "--rx", "RX-1001", "--sku", "NW-CL-AD2-II-R-C-BE", "--json"])
        #expect(reserve.status == 0, "\(reserve.stderr)")
        let reservation = try #require((CFit.json(reserve) as? [String: Any])?["reservation"] as? [String: Any])
        let id = try #require(reservation["id"] as? String)
        let dispense = try cfit(["dispense", id])
        #expect(dispense.status == 0, "\(dispense.stderr)")
        let history = try cfit(["stock", "history", "NW-CL-AD2-II-R-C-BE"])
        #expect(history.stdout.contains("dispense"))
        #expect(try cfit(["check"]).status == 0)
        let rx = try cfit(["rx", "show", "RX-1001", "--json"])
        #expect(((CFit.json(rx) as? [String: Any])?["rx"] as? [String: Any])?["quantityDispensed"] as? Int == 1)
    }

    @Test("rx new creates named patients, refuses unknown ones, and prints {\"rx\": …}")
    func rxNew() throws {
        try seeded()
        let created = try cfit([
            "rx", "new", "--arterial-assessed", "--patient", "P-9", "--patient-name", "Nine", "--prescriber", "DR-01",
            "--style", "AD",
            "--class", "RAL:2",
            "--quantity", "2", "--json",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        #expect((CFit.json(created) as? [String: Any])?["rx"] != nil)
        let unknown = try cfit([
            "rx", "new", "--arterial-assessed", "--patient", "P-404", "--prescriber", "DR-01", "--style", "AD",
            "--class", "2", "--quantity",
            "2",
        ])
        #expect(unknown.status == 64)
        #expect(unknown.stdout.isEmpty)
        #expect(unknown.firstErrorLine.hasPrefix("error: --patient: expected a known patient reference"))
    }

    @Test("refusals by a rule exit 1, bad input 64, and an unreachable database 69")
    func exitStatuses() throws {
        try seeded()
        let wrongClass = try cfit(["reserve", "--rx", "RX-1001", "--sku", "LB-SP-AD2030-M-S-C-BE"])
        #expect(wrongClass.status == 1)
        #expect(wrongClass.firstErrorLine.contains("prescribes AD RAL:2"))
        let unknownSKU = try cfit(["stock", "receive", "NOPE", "3"])
        #expect(unknownSKU.status == 64)
        #expect(unknownSKU.firstErrorLine == "error: SKU: expected a known SKU or GTIN, found 'NOPE'")
        let badQuantity = try cfit(["stock", "receive", "NW-CL-AD2-II-R-C-BE", "three"])
        #expect(badQuantity.status == 64)
        #expect(badQuantity.firstErrorLine == "error: QTY: expected a whole number, found 'three'")
        // Values ArgumentParser reads for the command are worded the same way, and name the field.
        let badCount = try cfit(["stock", "count", "NW-CL-AD2-II-R-C-BE", "three"])
        #expect(badCount.status == 64 && badCount.stdout.isEmpty)
        #expect(badCount.firstErrorLine == "error: QTY: expected a whole number, found 'three'")
        let badDay = try cfit(["stock", "receive", "NW-CL-AD2-II-R-C-BE", "1", "--lot", "L", "--expires", "2027-02-30"])
        #expect(badDay.status == 64 && badDay.stdout.isEmpty)
        #expect(
            badDay.firstErrorLine == "error: --expires: expected a real calendar day YYYY-MM-DD, found '2027-02-30'")
        let badNumber = try cfit(["dispense", "first"])
        #expect(
            badNumber.firstErrorLine
                == "error: RESERVATION: expected a reservation reference such as R-0MZ4K8D-3QX7T2A, found 'first'")
        // A number names a record only together with its prescription; one that does not exist is not found.
        let alone = try cfit(["dispense", "520"])
        #expect(alone.status == 64 && alone.firstErrorLine.contains("found the number 520 alone"), "\(alone.stderr)")
        let missing = try cfit(["dispense", "520", "--rx", "RX-1001"])
        #expect(missing.firstErrorLine == "error: RESERVATION: no reservation 520", "\(missing.stderr)")
        let unknownReference = try cfit(["dispense", "r-0mz4k8d 3qx7t2a"])
        #expect(unknownReference.firstErrorLine == "error: RESERVATION: no reservation R-0MZ4K8D-3QX7T2A")
        #expect(try cfit(["fitting", "show", "7", "--rx", "RX-1001"]).firstErrorLine == "error: FITTING: no fitting 7")
        let badDays = try cfit(["due", "--within", "soon"])
        #expect(
            badDays.firstErrorLine == "error: --within: expected a whole number of days from 0 to 36500, found 'soon'")
        let down = try CFit.run(
            ["stock", "show"], environment: ["DATABASE_URL": "postgresql:///x?host=/nonexistent-dir"])
        #expect(down.status == 69)
        #expect(down.firstErrorLine.hasPrefix("error: database: could not connect"))
    }

    @Test("many concurrent cfit reserve processes against 10 units give exactly 10 reservations and check stays clean")
    func concurrentProcesses() throws {
        try seeded()
        let sku = "NW-CL-AD2-III-R-C-BE"
        // 3 at the shop from the seeds; make it exactly 10.
        #expect(try cfit(["stock", "receive", sku, "7"]).status == 0)
        for index in 0..<16 {
            let made = try cfit([
                "rx", "new", "--arterial-assessed", "--number", "RX-C\(index)", "--patient", "P-C\(index)",
                "--patient-name", "C\(index)",
                "--prescriber", "DR-01", "--style", "AD", "--class", "RAL:2", "--quantity", "2",
            ])
            #expect(made.status == 0, "\(made.stderr)")
        }
        let statuses = Tally<Int32>()
        try runConcurrently(16) { index in
            let result = try CFit.run(["reserve", "--rx", "RX-C\(index)", "--sku", sku], environment: environment)
            statuses.add(result.status)
        }
        #expect(statuses.count(0) == 10)
        #expect(statuses.count(1) == 6)
        #expect(try cfit(["check"]).status == 0)
    }
}

/// The box in the hand, scanned at hand-over, is checked against the reservation: the same rule on
/// the command line as on the pages and the API (the layer's `Desk.dispense(…, scan:)`).
@Suite("cfit dispense --scan", .ownThread)
struct HandOverScanTests {
    @Test(
        "another article's box is refused naming the reserved one, nothing handed over; the reserved box is handed over"
    )
    func scanAtHandOver() throws {
        let (_, environment) = try CFit.seededDatabase()
        func cfit(_ arguments: [String]) throws -> RunResult { try CFit.run(arguments, environment: environment) }
        let reserved = try cfit(["reserve", "--rx", "RX-1001", "--sku", "NW-CL-AD2-II-R-C-BE"])
        #expect(reserved.status == 0, "\(reserved.stderr)")
        let reference = CFit.reference("R", in: reserved)
        let wrong = try cfit(["dispense", reference, "--scan", "2000000000466"])
        #expect(wrong.status == 1 && wrong.stdout.isEmpty, "\(wrong.stderr)")
        #expect(
            wrong.stderr.hasPrefix("error: scan: expected the reserved box, NW-CL-AD2-II-R-C-BE"), "\(wrong.stderr)")
        let shown = try cfit(["rx", "show", "RX-1001"])
        #expect(shown.stdout.contains("reserved \(reference): NW-CL-AD2-II-R-C-BE"), "\(shown.stdout)")
        let garbled = try cfit(["dispense", reference, "--scan", "]d20104012345\u{1B}"])
        #expect(garbled.status == 64 && garbled.stderr.hasPrefix("error: --scan: expected"), "\(garbled.stderr)")
        let right = try cfit(["dispense", reference, "--scan", "(01)02000000000459"])
        #expect(right.status == 0, "\(right.stderr)")
        #expect(try cfit(["rx", "show", "RX-1001"]).stdout.contains("handed over D-"))
    }
}

/// Returned units named without `--lot` (the README's own `stock write-off SKU 1 --reason
/// returned`) in a shop whose stock has lots.
@Suite("Returned units without --lot", .ownThread)
struct ReturnedLotTests {
    @Test("one lot of returned units: taken without --lot; several: refused naming the lots, taken with --lot")
    func returnedWithoutLot() throws {
        let (_, environment) = try CFit.seededDatabase()
        func cfit(_ arguments: [String]) throws -> RunResult { try CFit.run(arguments, environment: environment) }
        let sku = "NW-CL-AD2-III-R-C-BE"
        #expect(try cfit(["location", "add", "lots", "--name", "Lot room"]).status == 0)
        /// Receives `lot` into the lot room, hands it over and takes it back: a returned unit of it.
        func returnedUnit(_ lot: String) throws {
            #expect(
                try cfit(["stock", "receive", sku, "1", "--location", "lots", "--lot", lot, "--expires", "2031-01-31"])
                    .status == 0)
            let held = try cfit(["reserve", "--rx", "RX-1001", "--sku", sku, "--location", "lots"])
            #expect(held.stdout.contains("(lot \(lot))"), "\(held.stdout)\(held.stderr)")
            #expect(try cfit(["dispense", CFit.reference("R", in: held)]).status == 0)
            let back = try cfit([
                "return", "--rx", "RX-1001", "--sku", sku, "--reason", "too tight", "--location", "lots",
            ])
            #expect(back.status == 0, "\(back.stderr)")
        }
        try returnedUnit("RET-A")
        let one = try cfit(["stock", "write-off", sku, "1", "--reason", "returned", "--location", "lots"])
        #expect(one.status == 0 && one.stdout.contains("RET-A"), "\(one.stdout)\(one.stderr)")

        try returnedUnit("RET-B")
        try returnedUnit("RET-C")
        let several = try cfit(["stock", "write-off", sku, "1", "--reason", "returned", "--location", "lots"])
        #expect(several.status == 64, "\(several.stdout)\(several.stderr)")
        #expect(
            several.stderr.hasPrefix("error: --lot: expected the lot of the returned units")
                && several.stderr.contains("RET-B, RET-C"), "\(several.stderr)")
        let named = try cfit([
            "stock", "write-off", sku, "1", "--reason", "returned", "--location", "lots", "--lot", "RET-B",
        ])
        #expect(named.status == 0, "\(named.stderr)")
        let released = try cfit(["stock", "release-return", sku, "1", "--location", "lots"])
        #expect(released.status == 0 && released.stdout.contains("RET-C"), "\(released.stdout)\(released.stderr)")
    }
}

/// A name given with a known reference must be the one on record (issue 24: a patient named on
/// `rx new` differently from the record was silently ignored).
@Suite("A known reference with another name", .ownThread)
struct ContradictingNameTests {
    @Test("rx new naming P-0001 otherwise than its record is refused naming both; the same name, in any case, is taken")
    func contradictingName() throws {
        let (_, environment) = try CFit.seededDatabase()
        func cfit(_ arguments: [String]) throws -> RunResult { try CFit.run(arguments, environment: environment) }
        let base = [
            "rx", "new", "--patient", "P-0001", "--prescriber", "DR-01", "--style", "AD", "--class", "RAL:2",
            "--quantity", "2",
        ]
        let other = try cfit(base + ["--patient-name", "Adam Sampler", "--number", "RX-NAME-1"])
        #expect(other.status == 64 && other.stdout.isEmpty, "\(other.stdout)\(other.stderr)")
        #expect(
            other.stderr.hasPrefix(
                "error: --patient-name: expected the name on record for patient P-0001, 'Ada Sample', found 'Adam Sampler'"
            ),
            "\(other.stderr)")
        #expect(try cfit(["rx", "show", "RX-NAME-1"]).status != 0, "nothing was recorded")
        let same = try cfit(base + ["--patient-name", " ada sample ", "--number", "RX-NAME-2"])
        #expect(same.status == 0, "\(same.stderr)")
    }
}

/// Lots expiring soon, on the command line (the API's and the page's in `ExpiringLotsPageTests`).
@Suite("cfit lot expiring", .ownThread)
struct ExpiringLotsTests {
    @Test("a lot expiring within the days asked is listed, soonest first; a later one is not; a bad --within is named")
    func expiring() throws {
        let (_, environment) = try CFit.seededDatabase()
        func cfit(_ arguments: [String]) throws -> RunResult { try CFit.run(arguments, environment: environment) }
        let today = CalendarDay.today()
        let soon = "\(today.adding(days: 10))"
        let late = "\(today.adding(days: 200))"
        #expect(
            try cfit(["stock", "receive", "NW-CL-AD2-I-R-C-BE", "2", "--lot", "EXP-SOON", "--expires", soon]).status
                == 0)
        #expect(
            try cfit(["stock", "receive", "NW-CL-AD2-I-R-C-BE", "1", "--lot", "EXP-LATE", "--expires", late]).status
                == 0)
        let listed = try cfit(["lot", "expiring", "--within", "30"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("EXP-SOON") && !listed.stdout.contains("EXP-LATE"), "\(listed.stdout)")
        #expect(listed.stdout.contains(soon) && listed.stdout.contains(" 10 "), "\(listed.stdout)")
        let json = try cfit(["lot", "expiring", "--within", "365", "--json"])
        let lots = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]] ?? []
        let codes = lots.compactMap { $0["lot"] as? String }
        #expect(
            codes.firstIndex(of: "EXP-SOON").map { $0 < (codes.firstIndex(of: "EXP-LATE") ?? 0) } == true, "\(codes)")
        let bad = try cfit(["lot", "expiring", "--within", "soon"])
        #expect(
            bad.status == 64 && bad.stderr.hasPrefix("error: --within: expected a whole number of days from 0 to 3650"),
            "\(bad.stderr)")
    }
}

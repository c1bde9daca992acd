import Foundation
import Postgres
import PostgresTestSupport
import Testing

/// A busy counter's records (issue 24): a cancelled prescription says why and what it released,
/// an expired one is shown so everywhere until `cfit expire` releases what it held, a reservation
/// that departs from the last fitting needs its reason, a fitting recorded in error is voided.
@Suite("A counter's day: cancel, expire, confirm, void", .ownThread)
struct CounterDayCommandTests {
    let url: String
    let environment: [String: String]

    init() throws {
        (url, environment) = try CFit.seededDatabase()
    }

    func cfit(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> RunResult {
        try CFit.run(arguments, environment: environment, sourceLocation: sourceLocation)
    }

    /// A prescription for AD RAL 2 whose arterial status the prescriber assessed.
    func prescription(_ number: String) throws {
        let made = try cfit([
            "rx", "new", "--patient", "P-0100", "--patient-name", "Dana Sample", "--prescriber", "DR-01", "--style",
            "AD", "--class", "RAL:2", "--quantity", "2", "--number", number, "--arterial-assessed",
        ])
        #expect(made.status == 0, "\(made.stderr)")
    }

    /// Records a fitting for `rx` that chooses Northwind Classic size II regular (calf `calf`).
    func fitting(_ rx: String, calf: String = "34", sourceLocation: SourceLocation = #_sourceLocation) throws -> String
    {
        let fit = try cfit(
            ["fit", "--style", "AD", "--class", "RAL:2", "--cB", "22", "--cC", calf, "--cD", "32", "--lD", "42"]
                + ["--rx", rx, "--record"], sourceLocation: sourceLocation)
        #expect(fit.status == 0, "\(fit.stderr)", sourceLocation: sourceLocation)
        return CFit.reference("F", in: fit)
    }

    @Test("cancelling asks why, keeps it, and lists the reservations it released")
    func cancel() throws {
        try prescription("RX-7001")
        let held = try cfit(["reserve", "--rx", "RX-7001", "--sku", "NW-CL-AD2-II-R-C-BE"])
        let reference = CFit.reference("R", in: held)
        let silent = try cfit(["rx", "cancel", "RX-7001"])
        #expect(silent.status == 64 && silent.stderr.contains("--reason"), "\(silent.stderr)")
        let blank = try cfit(["rx", "cancel", "RX-7001", "--reason", "  "])
        #expect(blank.status == 64 && blank.firstErrorLine == "error: --reason: expected text, found only blanks")
        let cancelled = try cfit(["rx", "cancel", "RX-7001", "--reason", "the prescriber changed the class"])
        #expect(cancelled.status == 0, "\(cancelled.stderr)")
        #expect(
            cancelled.stdout
                == """
                rx RX-7001: revoked (the prescriber changed the class)
                released 1 reservation:
                  \(reference): NW-CL-AD2-II-R-C-BE at shop back in stock

                """)
        let shown = try cfit(["rx", "show", "RX-7001"])
        #expect(shown.stdout.contains("cancelled: the prescriber changed the class"), "\(shown.stdout)")
        let json = try #require(CFit.json(try cfit(["rx", "show", "RX-7001", "--json"])) as? [String: Any])
        let rx = try #require(json["rx"] as? [String: Any])
        #expect(rx["statusReason"] as? String == "the prescriber changed the class")
        #expect(try cfit(["stock", "show", "NW-CL-AD2-II-R-C-BE", "--json"]).stdout.contains("\"reserved\" : 0"))
        #expect(try cfit(["check"]).status == 0)
    }

    @Test(
        "a prescription past its last day is expired in lists, due and check; cfit expire releases what it held, once"
    )
    func expire() throws {
        try prescription("RX-7002")
        let held = try cfit(["reserve", "--rx", "RX-7002", "--sku", "NW-CL-AD2-II-R-C-BE"])
        let reference = CFit.reference("R", in: held)
        let owner = try Connection(url)
        defer { owner.close() }
        try owner.execute(
            "UPDATE prescription SET valid_from = current_date - 40, valid_until = current_date - 2 WHERE number = 'RX-7002'"
        )
        let listed = try cfit(["rx", "list", "--status", "expired"])
        #expect(listed.stdout.contains("RX-7002") && listed.stdout.contains("expired"), "\(listed.stdout)")
        #expect(!(try cfit(["rx", "list", "--status", "active"])).stdout.contains("RX-7002"))
        let due = try cfit(["due"])
        #expect(
            due.stdout.contains("prescription-expired")
                && due.stdout.contains("1 reserved unit(s) held until cfit expire releases them"), "\(due.stdout)")
        let check = try cfit(["check"])
        #expect(check.status == 0 && check.stdout.contains("rx RX-7002 (patient P-0100)"), "\(check.stdout)")
        let refused = try cfit(["reserve", "--rx", "RX-7002", "--sku", "NW-CL-AD2-II-R-C-BE"])
        #expect(refused.status == 1 && refused.stderr.contains("has expired"), "\(refused.stderr)")

        let expired = try cfit(["expire"])
        #expect(
            expired.stdout
                == "rx RX-7002 (Dana Sample, P-0100): expired, valid until \(CalendarDay.today().adding(days: -2)); released \(reference)\n",
            "\(expired.stdout)\(expired.stderr)")
        let again = try cfit(["expire"])
        #expect(again.stdout.hasPrefix("no prescription past its last valid day"), "\(again.stdout)")
        let reservation = try #require(CFit.json(try cfit(["rx", "show", "RX-7002", "--json"])) as? [String: Any])
        #expect((reservation["rx"] as? [String: Any])?["status"] as? String == "expired")
        let status = try owner.query(
            "SELECT r.status FROM reservation r JOIN prescription_item i ON i.id = r.prescription_item_id JOIN prescription p ON p.id = i.prescription_id WHERE p.number = 'RX-7002'"
        )[0].decode(String.self, "status")
        #expect(status == "expired")
        #expect(!(try cfit(["due"])).stdout.contains("prescription-expired"))
        #expect(!(try cfit(["check"])).stdout.contains("RX-7002"))
        #expect(try cfit(["check"]).status == 0)
    }

    @Test("another size than the last fitting chose is reserved only with a reason, kept with the reservation")
    func confirmAgainstFitting() throws {
        try prescription("RX-7003")
        let fitted = try fitting("RX-7003")
        // The size the fitting chose needs no reason.
        let matching = try cfit(["reserve", "--rx", "RX-7003", "--sku", "NW-CL-AD2-II-R-C-BE", "--json"])
        #expect(matching.status == 0, "\(matching.stderr)")
        #expect(
            ((CFit.json(matching) as? [String: Any])?["reservation"] as? [String: Any])?["confirmedReason"] == nil)
        let other = try cfit(["reserve", "--rx", "RX-7003", "--sku", "NW-CL-AD2-III-R-C-BE"])
        #expect(
            other.status == 64
                && other.firstErrorLine
                    == "error: --confirm-reason: NW-CL-AD2-III-R-C-BE is size III regular; fitting \(fitted) for rx RX-7003 chose size II regular in line northwind-classic: give the reason to reserve it anyway",
            "\(other.stderr)")
        let confirmed = try cfit([
            "reserve", "--rx", "RX-7003", "--sku", "NW-CL-AD2-III-R-C-BE", "--confirm-reason",
            "looser calf, checked with the patient", "--json",
        ])
        #expect(confirmed.status == 0, "\(confirmed.stderr)")
        let record = try #require((CFit.json(confirmed) as? [String: Any])?["reservation"] as? [String: Any])
        #expect(record["confirmedReason"] as? String == "looser calf, checked with the patient")
        let shown = try cfit(["rx", "show", "RX-7003"])
        #expect(shown.stdout.contains("confirmed against the last fitting: looser calf"), "\(shown.stdout)")
        #expect(try cfit(["check"]).status == 0)
    }

    @Test("a ready-made garment where the last fitting said made-to-measure needs its reason too")
    func madeToMeasureFitting() throws {
        try prescription("RX-7005")
        let fit = try cfit(
            ["fit", "--style", "AD", "--class", "RAL:2", "--cB", "45", "--cB1", "50", "--cC", "52", "--cD", "40"]
                + ["--lD", "41", "--rx", "RX-7005", "--record"])
        #expect(fit.status == 0, "\(fit.stderr)")
        let fitting = CFit.reference("F", in: fit)
        let ready = try cfit(["reserve", "--rx", "RX-7005", "--sku", "NW-CL-AD2-II-R-C-BE"])
        #expect(
            ready.status == 64
                && ready.firstErrorLine
                    == "error: --confirm-reason: NW-CL-AD2-II-R-C-BE is size II regular; fitting \(fitting) for rx RX-7005 chose made-to-measure in line northwind-classic: give the reason to reserve it anyway",
            "\(ready.stderr)")
    }

    @Test("a fitting voided with a reason is kept and marked, never ordered from, compared with or checked against")
    func void() throws {
        try prescription("RX-7004")
        let first = try fitting("RX-7004", calf: "34")
        let mistaken = try fitting("RX-7004", calf: "38")
        let silent = try cfit(["fitting", "void", mistaken])
        #expect(silent.status == 64 && silent.stderr.contains("--reason"))
        let voided = try cfit(["fitting", "void", mistaken, "--reason", "measured over the bandage"])
        #expect(voided.stdout == "fitting \(mistaken): voided (measured over the bandage)\n", "\(voided.stderr)")
        let twice = try cfit(["fitting", "void", mistaken, "--reason", "again"])
        #expect(
            twice.status == 1
                && twice.firstErrorLine == "error: fitting \(mistaken): already voided (measured over the bandage)")
        let shown = try cfit(["fitting", "show", mistaken])
        #expect(shown.stdout.contains("VOIDED") && shown.stdout.contains("measured over the bandage"))
        let order = try cfit(["fitting", "order", mistaken, "--line", "northwind-classic"])
        #expect(order.status == 1 && order.firstErrorLine.contains("voided (measured over the bandage)"))
        // What a reservation is checked against is the last fitting that stands: size II.
        let reserved = try cfit(["reserve", "--rx", "RX-7004", "--sku", "NW-CL-AD2-II-R-C-BE"])
        #expect(reserved.status == 0, "\(reserved.stderr)")
        // The next fitting is compared with the first, not the voided one.
        let third = try fitting("RX-7004", calf: "35")
        let changes = try #require(
            (CFit.json(try cfit(["fitting", "show", third, "--json"])) as? [String: Any])?["fitting"]
                as? [String: Any])
        #expect(((changes["changes"] as? [String: Any])?["leg"] as? [String: String])?["cC"] == "+1", "\(changes)")
        #expect(first != third)
    }

    @Test("a new patient with the name and birth date of a recorded one is the same person unless confirmed")
    func samePerson() throws {
        #expect(try cfit(["patient", "add", "P-7100", "--name", "Ida Twin", "--born", "1950-03-04"]).status == 0)
        let twin = try cfit(["patient", "add", "P-7101", "--name", " ida twin ", "--born", "1950-03-04"])
        #expect(
            twin.status == 64
                && twin.firstErrorLine
                    == "error: --different-person: ida twin, born 1950-03-04, is already patient P-7100: use that reference, or confirm this is a different person",
            "\(twin.stderr)")
        #expect(try cfit(["patient", "show", "P-7101"]).status != 0)
        let otherDay = try cfit(["patient", "add", "P-7102", "--name", "Ida Twin", "--born", "1951-03-04"])
        #expect(otherDay.status == 0, "\(otherDay.stderr)")
        let confirmed = try cfit([
            "patient", "add", "P-7101", "--name", "Ida Twin", "--born", "1950-03-04", "--different-person",
        ])
        #expect(confirmed.stdout == "patient P-7101 added: Ida Twin\n", "\(confirmed.stderr)")
    }

    @Test(
        "contact details: pharmacy records and reads them, a fitter neither (PostgreSQL refuses); a recall's contact list as a table, JSON and CSV, worked by status"
    )
    func recallContacts() throws {
        let bad = try cfit(["patient", "contact", "P-0001", "--phone", "0161 496 0000", "--preferred", "email"])
        #expect(
            bad.status == 64
                && bad.firstErrorLine == "error: --preferred: expected an e-mail address given with it, found none")
        let mail = try cfit(["patient", "contact", "P-0001", "--email", "not an address"])
        #expect(mail.status == 64 && mail.firstErrorLine.hasPrefix("error: --email: expected an e-mail address"))
        let set = try cfit([
            "patient", "contact", "P-0001", "--phone", "=HYPERLINK(\"x\")", "--email", "ada@example.org", "--address",
            "1 High St, Leeds", "--preferred", "letter",
        ])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(
            try cfit(["patient", "show", "P-0001"]).stdout.contains("contact: address 1 High St, Leeds (preferred)"))
        let fitter = try TestLogins.make("fitter", on: url)
        let asFitter = ["DATABASE_URL": TestLogins.url(url, as: fitter), "CFIT_LOCATION": "shop"]
        let seen = try CFit.run(["patient", "show", "P-0001"], environment: asFitter)
        #expect(
            seen.status == 0 && !seen.stdout.contains("High St") && !seen.stdout.contains("contact:"), "\(seen.stdout)")
        let written = try CFit.run(["patient", "contact", "P-0001", "--phone", "1"], environment: asFitter)
        #expect(written.status == 77, "\(written.stderr)")

        // A dispense from a lot, then its recall.
        let held = try cfit(["reserve", "--rx", "RX-1001", "--sku", "NW-CL-AD2-II-R-C-BE", "--location", "store"])
        #expect(held.status == 0, "\(held.stderr)")
        let given = try cfit(["dispense", CFit.reference("R", in: held)])
        #expect(given.status == 0, "\(given.stderr)")
        let dispense = CFit.reference("D", in: try cfit(["patient", "show", "P-0001"]))
        let early = try cfit(["lot", "contact", "LII-A", dispense, "--status", "contacted"])
        #expect(early.status == 1 && early.firstErrorLine.contains("is approved, not recalled"), "\(early.stderr)")
        let recall = try cfit(["lot", "recall", "LII-A", "--reason", "FSCA-2026-20"])
        #expect(recall.stdout.contains("cfit lot contacts LII-A"), "\(recall.stdout)")
        let list = try cfit(["lot", "contacts", "LII-A"])
        #expect(list.stdout.contains("to-contact") && list.stdout.contains("1 of 1 still to contact"), "\(list.stdout)")
        let csv = try cfit(["lot", "contacts", "LII-A", "--csv"])
        let lines = csv.stdout.components(separatedBy: "\r\n")
        #expect(
            lines.first
                == "patient,name,phone,email,address,preferred,dispense,handed_over,sku,quantity,returned,prescription,status,note"
        )
        #expect(
            lines.dropFirst().first?.hasPrefix(
                #"P-0001,Ada Sample,"'=HYPERLINK(""x"")",ada@example.org,"1 High St, Leeds",letter,\#(dispense),"#)
                == true,
            "\(csv.stdout)")
        let asFitterList = try CFit.run(["lot", "contacts", "LII-A"], environment: asFitter)
        #expect(asFitterList.status == 77, "\(asFitterList.stderr)")
        let worked = try cfit(["lot", "contact", "LII-A", dispense, "--status", "returned", "--note", "brought back"])
        #expect(worked.stdout.hasSuffix(": returned — brought back\n"), "\(worked.stdout)")
        let json = try #require(CFit.json(try cfit(["lot", "contacts", "LII-A", "--json"])) as? [[String: Any]])
        #expect(json.first?["status"] as? String == "returned" && json.first?["note"] as? String == "brought back")
        let wrong = try cfit(["lot", "contact", "LII-A", dispense, "--status", "lost"])
        #expect(
            wrong.status == 64
                && wrong.firstErrorLine == "error: --status: expected to-contact, contacted or returned, found 'lost'")
    }

    @Test(
        "a stocktake sheet, blind, filled in and posted whole: each line a count, all or nothing, the differences listed"
    )
    func stocktake() throws {
        let sheet = try cfit(["stock", "sheet", "--location", "store", "--csv"])
        #expect(sheet.status == 0, "\(sheet.stderr)")
        let lines = sheet.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first == "sku,description,lot,expires,counted")
        #expect(lines.count > 2 && lines.dropFirst().allSatisfy { $0.hasSuffix(",") }, "a blind sheet: \(sheet.stdout)")
        let books = try #require(
            CFit.json(try cfit(["stock", "sheet", "--location", "store", "--json"])) as? [[String: Any]])
        // Every line counted as the books say but one, one short.
        var filled = [lines[0]]
        for (index, line) in lines.dropFirst().enumerated() {
            let onHand = books[index]["onHand"] as? Int ?? 0
            filled.append(line + String(index == 1 ? onHand - 1 : onHand))
        }
        let folder = NSTemporaryDirectory() + "cfit-sheet-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A line left uncounted refuses the whole sheet: nothing posted.
        var partial = filled
        partial[2] = lines[2]
        try partial.joined(separator: "\r\n").write(toFile: "\(folder)/partial.csv", atomically: true, encoding: .utf8)
        let before = try cfit(["stock", "history", books[1]["sku"] as? String ?? ""]).stdout
        let refused = try cfit(["stock", "count-sheet", "\(folder)/partial.csv", "--location", "store"])
        #expect(
            refused.status == 64
                && refused.firstErrorLine.hasPrefix(
                    "error: \(folder)/partial.csv: expected the units counted (0 or more) in column counted of line 3"),
            "\(refused.stderr)")
        #expect(try cfit(["stock", "history", books[1]["sku"] as? String ?? ""]).stdout == before)
        try filled.joined(separator: "\r\n").write(toFile: "\(folder)/sheet.csv", atomically: true, encoding: .utf8)
        let posted = try cfit(["stock", "count-sheet", "\(folder)/sheet.csv", "--location", "store"])
        let sku = books[1]["sku"] as? String ?? ""
        let lot = books[1]["lot"] as? String ?? ""
        let onHand = books[1]["onHand"] as? Int ?? 0
        #expect(
            posted.stdout
                == "stocktake at store: \(lines.count - 1) lines counted, 1 differ from the books\n  \(sku) lot \(lot): books \(onHand), counted \(onHand - 1), -1 posted\n",
            "\(posted.stdout)\(posted.stderr)")
        let again = try cfit(["stock", "count-sheet", "\(folder)/sheet.csv", "--location", "store"])
        #expect(again.stdout.contains("0 differ from the books"), "\(again.stdout)")
        #expect(try cfit(["check"]).status == 0)
    }
}

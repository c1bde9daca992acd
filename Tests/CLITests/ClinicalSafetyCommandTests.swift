import Foundation
import Postgres
import PostgresTestSupport
import Testing

/// Issue 20 through the command line, against a seeded database: the shop's guideline chosen by
/// its admin and followed by every fitting, each leg's ABPI, a recorded confirmation, a class
/// read in the shop's standard, and a list's per-leg ABPI column.
@Suite("Clinical safety through the command line", .ownThread)
struct ClinicalSafetyCommandTests {
    let url: String
    let environment: [String: String]
    init() throws { (url, environment) = try CFit.seededDatabase() }

    func cfit(_ arguments: [String], input: String = "") throws -> RunResult {
        try CFit.run(arguments, input: input, environment: environment)
    }

    static let leg = ["--cB", "22", "--cC", "36.5", "--cD", "34", "--lD", "41"]
    static let legs = ["--left", "cB=22,cC=36.5,cD=34,lD=41", "--right", "cB=22,cC=36,cD=34,lD=41"]

    @Test("the guideline: NICE's policy and RAL until the admin sets another; a bad value is named")
    func guideline() throws {
        let shown = try cfit(["guideline"])
        #expect(shown.status == 0)
        #expect(shown.stdout.hasPrefix("arterial policy: nice (policy nice: NICE CKS, compression stockings)"))
        #expect(shown.stdout.contains("default standard: RAL"))
        let bad = try cfit(["guideline", "set", "--policy", "lenient"])
        #expect(bad.status == 64)
        #expect(bad.firstErrorLine == "error: --policy: expected nice, formulary or s2k, found 'lenient'")
        let set = try cfit(["guideline", "set", "--policy", "formulary", "--json"])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(
            set.stdout.contains("\"arterialPolicy\" : \"formulary\"")
                || set.stdout.contains("\"arterialPolicy\":\"formulary\""))
    }

    /// NHS formularies (e.g. Devon): 0.5–0.79 only with a specialist's confirmation, recorded.
    @Test("under the formulary policy 0.7 fits with its words as a warning; recording it needs --confirmed-by")
    func formularyConfirmation() throws {
        #expect(try cfit(["guideline", "set", "--policy", "formulary"]).status == 0)
        let quick = try cfit(["fit", "--style", "AD", "--class", "2", "--abpi", "0.7"] + Self.leg)
        #expect(quick.status == 0, "\(quick.stderr)")
        #expect(
            quick.stdout.contains(
                "warning: ABPI 0.7 is between 0.5 and 0.79: compression only with a specialist's confirmation (policy formulary: NHS formularies (e.g. Devon))"
            ))
        let base = ["fit", "--style", "AD", "--class", "2", "--abpi-left", "0.7", "--abpi-right", "1.0"] + Self.legs
        let unconfirmed = try cfit(base + ["--rx", "RX-1002", "--record"])
        #expect(unconfirmed.status == 1)
        #expect(
            unconfirmed.firstErrorLine.hasPrefix(
                "error: --confirmed-by: expected the specialist who confirmed compression at ABPI 0.7 (policy formulary"
            ))
        let confirmed = try cfit(base + ["--rx", "RX-1002", "--record", "--confirmed-by", "Dr Vera Vascular"])
        #expect(confirmed.status == 0, "\(confirmed.stderr)")
        // By number, with the prescription it must belong to.
        let shown = try cfit(["fitting", "show", "1", "--rx", "RX-1002", "--json"])
        #expect(shown.stdout.contains("Dr Vera Vascular"), "\(shown.stdout)")
    }

    @Test("each leg's ABPI is judged on its own, and without one the status is said to be unknown")
    func perLeg() throws {
        let refused = try cfit(
            ["fit", "--style", "AD", "--class", "2", "--abpi-left", "1.0", "--abpi-right", "0.75"] + Self.legs)
        #expect(refused.status == 1 && refused.stdout.isEmpty)
        #expect(refused.firstErrorLine.hasPrefix("error: --abpi-right: ABPI 0.75 is below 0.8: do not compress"))
        let unknown = try cfit(["fit", "--style", "AD", "--class", "2"] + Self.leg)
        #expect(unknown.stdout.contains("arterial status unknown: no ABPI for this leg"))
        let known = try cfit(["fit", "--style", "AD", "--class", "2", "--abpi", "1.0", "--json"] + Self.leg)
        let results = try #require(CFit.json(known) as? [[String: Any]])
        let arterial = try #require(results.first?["arterial"] as? [String: Any])
        #expect(arterial["verdict"] as? String == "compress" && arterial["abpi"] as? Double == 1.0)
    }

    /// compression.md §5: a UK class 2 is 18–24 mmHg, a RAL 2 23–32 mmHg.
    @Test("in a shop whose standard is BS, a bare class 2 against RAL lines is refused naming both; rx new stores BS:2")
    func shopStandard() throws {
        #expect(try cfit(["guideline", "set", "--standard", "BS"]).status == 0)
        let bare = try cfit(["fit", "--style", "AD", "--class", "2"] + Self.leg)
        #expect(bare.status == 64)
        #expect(
            bare.firstErrorLine
                == "error: --class: expected the class with its standard (BS:2 or RAL:2), since BS 2 is 18–24 mmHg and RAL 2 is 23–32 mmHg, found '2'"
        )
        #expect(try cfit(["fit", "--style", "AD", "--class", "RAL:2"] + Self.leg).status == 0)
        let rx = try cfit([
            "rx", "new", "--patient", "P-UK", "--patient-name", "Una Sample", "--prescriber", "DR-01", "--style", "AD",
            "--class", "2", "--quantity", "2", "--json",
        ])
        #expect(rx.stdout.contains("BS:2"), "\(rx.stdout) \(rx.stderr)")
    }

    @Test("a list's abpi column is each row's leg, judged by the shop's policy: a refused index fails its row only")
    func batchColumn() throws {
        let folder = FileManager.default.temporaryDirectory
        let path = folder.appendingPathComponent("cfit-abpi-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try
            "id,style,class,abpi,cB,cC,cD,lD\nok,AD,2,1.0,22,36.5,34,41\nlow,AD,2,0.7,22,36.5,34,41\nnone,AD,2,,22,36.5,34,41\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let run = try cfit(["fit", "--batch", path])
        #expect(run.status == 65)
        #expect(run.stdout.contains("\nok,northwind-classic,standard,II,regular"))
        #expect(run.stdout.contains("\nnone,northwind-classic,standard,II,regular"))
        #expect(!run.stdout.contains("\nlow,"))
        #expect(run.stderr.contains("row 3, column \"abpi\": ABPI 0.7 is below 0.8: do not compress"), "\(run.stderr)")
    }

    /// compression.md §5: the conditions are recorded; made-to-measure needs measurements from the
    /// last 6 months, and a closed toe the foot's length. S2k: a relative contraindication needs a
    /// specialist's confirmation, recorded.
    @Test(
        "recording: a relative contraindication needs --confirmed-by; the conditions are kept and shown; a closed-toe order needs the foot length; measurements over 6 months old are refused for an order"
    )
    func recordedConditions() throws {
        let calfTooBig = [
            "fit", "--style", "AD", "--class", "2", "--cB", "22", "--cC", "52", "--cD", "34", "--lD", "41", "--rx",
            "RX-1001", "--record", "--measured-at", "09:15", "--posture", "standing", "--points-marked", "yes",
            "--contraindication", "neuropathy",
        ]
        let unconfirmed = try cfit(calfTooBig)
        #expect(unconfirmed.status == 1)
        #expect(
            unconfirmed.firstErrorLine
                == "error: --confirmed-by: expected the specialist who confirmed compression despite neuropathy (a relative contraindication), found none"
        )
        let recorded = try cfit(calfTooBig + ["--confirmed-by", "Dr Nina Neuro"])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect(recorded.stdout.contains("warning: neuropathy or severe sensory loss is a relative contraindication"))
        let first = CFit.reference("F", in: recorded)
        let shown = try cfit(["fitting", "show", first])
        #expect(shown.stdout.contains("  measured: at 09:15, standing, points marked"), "\(shown.stdout)")
        #expect(shown.stdout.contains("  contraindications: neuropathy or severe sensory loss (relative)"))
        #expect(shown.stdout.contains("  compression confirmed by Dr Nina Neuro"))
        #expect(shown.stdout.contains("  arterial: no ABPI recorded"))

        let closed = try cfit(["fitting", "order", first])
        #expect(closed.status == 1)
        #expect(closed.firstErrorLine.hasPrefix("error: --toe: a closed-toe garment needs the foot's length"))
        let withFoot = try cfit(
            Array(calfTooBig.dropLast(2)) + ["--foot-length", "24.5", "--idempotency-key", "foot"])
        #expect(withFoot.status == 0, "\(withFoot.stderr)")
        let second = CFit.reference("F", in: withFoot)
        let sheet = try cfit(["fitting", "order", second, "--line", "northwind-classic"])
        #expect(sheet.status == 0, "\(sheet.stderr)")
        #expect(sheet.stdout.contains("foot length (heel to longest toe): 24.5"), "\(sheet.stdout)")
        // The sheet names the prescriber, the prescription's date, the patient's birth date (when
        // recorded) and the ordering shop.
        #expect(
            sheet.stdout.contains("by Dr. Grace Sample (DR-01)") && sheet.stdout.contains("shop: "), "\(sheet.stdout)")

        let owner = try Connection(url)
        defer { owner.close() }
        _ = try owner.query("UPDATE fitting SET measured_at = now() - interval '7 months' WHERE id = 2")
        let old = try cfit(["fitting", "order", second, "--line", "northwind-classic"])
        #expect(old.status == 1)
        #expect(
            old.firstErrorLine.contains(
                "more than 6 months ago; a made-to-measure order needs measurements from the last 6 months: measure again"
            ),
            "\(old.stderr)")
    }

    /// German S2k guideline: an ankle pressure below 60 mmHg or a toe pressure below 30 mmHg is an
    /// absolute contraindication; NICE's policy records them (toe pressure helps where calcified
    /// arteries make the ABPI unreliable) without a threshold of its own.
    @Test("ankle and toe pressures per leg: s2k refuses below 60 and 30 mmHg naming the leg; nice records them")
    func pressures() throws {
        let recorded = try cfit(
            [
                "fit", "--style", "AD", "--class", "2", "--abpi-left", "1.0", "--abpi-right", "1.0",
                "--ankle-pressure-left",
                "55", "--toe-pressure-right", "40", "--rx", "RX-1001", "--record",
            ] + Self.legs)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let shown = try cfit(["fitting", "show", CFit.reference("F", in: recorded)])
        #expect(
            shown.stdout.contains(
                "arterial: left ABPI 1.0 (ankle 55 mmHg), right ABPI 1.0 (toe 40 mmHg) (policy nice)"),
            "\(shown.stdout)")
        #expect(try cfit(["guideline", "set", "--policy", "s2k"]).status == 0)
        let ankle = try cfit(
            ["fit", "--style", "AD", "--class", "2", "--abpi-left", "1.0", "--ankle-pressure-left", "59"] + Self.legs)
        #expect(ankle.status == 1)
        #expect(
            ankle.firstErrorLine
                == "error: --ankle-pressure-left: ankle pressure 59 mmHg is below 60 mmHg: compression is contraindicated (absolute); refer (policy s2k: German S2k guideline, medical compression therapy)"
        )
        let toe = try cfit(["fit", "--style", "AD", "--class", "2", "--toe-pressure", "29"] + Self.leg)
        #expect(
            toe.status == 1 && toe.firstErrorLine.hasPrefix("error: --toe-pressure: toe pressure 29 mmHg is below 30"))
        #expect(try cfit(["fit", "--style", "AD", "--class", "2", "--toe-pressure", "30"] + Self.leg).status == 0)
        let wrongLeg = try cfit(["fit", "--style", "AD", "--class", "2", "--toe-pressure-left", "80"] + Self.leg)
        #expect(wrongLeg.status == 64)
        #expect(
            wrongLeg.firstErrorLine
                == "error: --toe-pressure-left: expected it with the left leg's measurements, found no left leg")
    }

    /// compression.md §5: an ABPI is per leg, so a recorded index names its leg: the one unnamed
    /// leg's is the prescription's leg when it covers one, and is refused for a prescription of both.
    @Test("recording one unnamed leg's ABPI: the prescription's leg when it covers one; refused when it covers both")
    func unnamedLegRecorded() throws {
        let rx = try cfit([
            "rx", "new", "--patient", "P-RIGHT", "--patient-name", "Rae Sample", "--prescriber", "DR-01", "--style",
            "AD", "--class", "RAL:2", "--quantity", "1", "--side", "right", "--number", "RX-RIGHT",
        ])
        #expect(rx.status == 0, "\(rx.stderr)")
        let right = try cfit(
            ["fit", "--style", "AD", "--class", "2", "--abpi", "1.1", "--rx", "RX-RIGHT", "--record"] + Self.leg)
        #expect(right.status == 0, "\(right.stderr)")
        #expect(
            try cfit(["fitting", "show", CFit.reference("F", in: right)]).stdout.contains(
                "arterial: right ABPI 1.1 (policy nice)"))
        // The right leg's index opens the gate for a prescription of the right leg.
        let reserved = try cfit(["reserve", "--rx", "RX-RIGHT", "--sku", "NW-CL-AD2-II-R-C-BE"])
        #expect(reserved.status == 0, "\(reserved.stderr)")
        let both = try cfit(
            ["fit", "--style", "AD", "--class", "2", "--abpi", "1.1", "--rx", "RX-1002", "--record"] + Self.leg)
        #expect(both.status == 64 && both.stdout.isEmpty)
        #expect(
            both.firstErrorLine.hasPrefix(
                "error: --abpi: expected the leg named (abpi_left or abpi_right, and left or right measurements), since prescription RX-1002 covers both legs"
            ), "\(both.stderr)")
    }

    /// compression.md §5–6: two garments per leg, one to wear and one to wash, where the
    /// prescription covers a second set; what is due for replacement says so.
    @Test("a prescription covering a second set for washing says so, and so does its replacement when due")
    func washingSet() throws {
        let rx = try cfit([
            "rx", "new", "--patient", "P-WASH", "--patient-name", "Wes Sample", "--prescriber", "DR-01", "--style",
            "AD", "--class", "RAL:2", "--quantity", "4", "--arterial-assessed", "--washing-set", "--number", "RX-WASH",
        ])
        #expect(rx.status == 0, "\(rx.stderr)")
        #expect(try cfit(["rx", "show", "RX-WASH"]).stdout.contains("a second set for washing is covered"))
        let held = try cfit(["reserve", "--rx", "RX-WASH", "--sku", "NW-CL-AD2-II-R-C-BE", "--json"])
        let id = try #require(
            ((CFit.json(held) as? [String: Any])?["reservation"] as? [String: Any])?["id"] as? String, "\(held.stdout)")
        #expect(try cfit(["dispense", id]).status == 0)
        let due = try cfit(["due", "--within", "365"])
        #expect(
            due.stdout.contains("the prescription covers a second set: two garments per leg, one to wear, one to wash"),
            "\(due.stdout)")
    }
}

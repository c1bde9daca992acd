import Foundation
import PostgresTestSupport
import Testing

@Suite("cfit fit, run as a program", .ownThread)
struct FitCommandTests {
    let classic = CFit.seed("northwind.json")
    let liberty = CFit.seed("liberty.json")
    let prairie = CFit.seed("prairie.json")
    let spec = "\(CFit.root)/Tests/Fixtures/spec-catalog.json"

    var specCatalog: String {
        (try? String(contentsOfFile: "\(CFit.root)/Tests/Fixtures/spec-catalog.json", encoding: .utf8)) ?? ""
    }

    @Test("the spec's example command prints the spec's JSON object")
    func specContract() throws {
        let result = try CFit.run([
            "fit", "--catalog", spec, "--line", "northwind-classic", "--style", "AD", "--class", "2",
            "--cB", "22", "--cC", "36.5", "--cD", "34", "--lD", "41", "--json",
        ])
        #expect(result.status == 0)
        let object = try #require(CFit.json(result) as? [String: Any])
        #expect(object["line"] as? String == "northwind-classic")
        #expect(object["style"] as? String == "AD")
        let pressureClass = try #require(object["class"] as? [String: Any])
        #expect(pressureClass["standard"] as? String == "RAL")
        #expect(pressureClass["label"] as? String == "2")
        #expect(pressureClass["mmHg"] as? [Int] == [23, 32])
        #expect(object["outcome"] as? String == "standard")
        #expect(object["size"] as? String == "II")
        #expect(object["length"] as? String == "regular")
        let candidates = try #require(object["candidates"] as? [[String: String]])
        #expect(candidates == [["size": "II", "length": "regular"], ["size": "III", "length": "regular"]])
        let points = try #require(object["points"] as? [[String: Any]])
        #expect(points.first?["point"] as? String == "cB")
        #expect(points.first?["value"] as? Double == 22.0)
        #expect(points.first?["range"] as? [Double] == [20, 22])
        #expect(points.first?["inside"] as? Bool == true)
        #expect(points.first?["margin"] as? Double == 0.0)
        #expect((object["reasons"] as? [Any])?.isEmpty == true)
        #expect(result.stderr.isEmpty)
    }

    @Test(
        "made-to-measure has null size and length, no candidates, and reasons with point, value, size, range, message")
    func madeToMeasureContract() throws {
        let result = try CFit.run([
            "fit", "--catalog", spec, "--line", "northwind-classic", "--style", "AD", "--class", "2",
            "--cB", "21", "--cC", "40", "--cD", "34", "--lD", "41", "--json",
        ])
        #expect(result.status == 0)
        let object = try #require(CFit.json(result) as? [String: Any])
        #expect(object["outcome"] as? String == "made-to-measure")
        #expect(object["size"] is NSNull)
        #expect(object["length"] is NSNull)
        #expect((object["candidates"] as? [Any])?.isEmpty == true)
        let reasons = try #require(object["reasons"] as? [[String: Any]])
        #expect(reasons.count == 1)
        #expect(reasons.first?["point"] as? String == "cC")
        #expect(reasons.first?["value"] as? Double == 40)
        #expect(reasons.first?["size"] as? String == "II")
        #expect(reasons.first?["range"] as? [Double] == [30, 38])
        #expect((reasons.first?["message"] as? String)?.isEmpty == false)
    }

    @Test("without --line stdout is an array with standard outcomes first")
    func arrayOrder() throws {
        // Soft M fits this leg; Classic does not (cD 38.5 is above III's 30–38, cB 23 only in III).
        let result = try CFit.run([
            "fit", "--catalog", classic, "--style", "AD", "--class", "2",
            "--cB", "23", "--cC", "34", "--cD", "38.5", "--lD", "41", "--json",
        ])
        #expect(result.status == 0)
        let array = try #require(CFit.json(result) as? [[String: Any]])
        #expect(array.map { $0["line"] as? String } == ["northwind-soft", "northwind-classic"])
        #expect(array.map { $0["outcome"] as? String } == ["standard", "made-to-measure"])
    }

    @Test("only lines that offer the style and class are results")
    func offeringLinesOnly() throws {
        let result = try CFit.run([
            "fit", "--catalog", classic, "--catalog", liberty, "--style", "AD", "--class", "US:20-30",
            "--cB", "22", "--cC", "36", "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let array = try #require(CFit.json(result) as? [[String: Any]])
        #expect(array.map { $0["line"] as? String } == ["liberty-sport"])
        #expect(array.first?["length"] as? String == "standard")
    }

    @Test("centimetres against the inch chart, and inches typed directly, agree exactly")
    func inchChart() throws {
        let base = [
            "fit", "--catalog", prairie, "--line", "prairie-comfort", "--style", "AD", "--class", "20-30", "--json",
        ]
        let inches = try CFit.run(base + ["--unit", "in", "--cB", "8", "--cC", "13", "--lD", "16"])
        let cm = try CFit.run(base + ["--cB", "20.32", "--cC", "33.02", "--lD", "40.64"])
        let a = try #require(CFit.json(inches) as? [String: Any])
        let b = try #require(CFit.json(cm) as? [String: Any])
        // 8 in is the shared bound of A and B; both legs are the same leg.
        #expect(a["candidates"] as? [[String: String]] == b["candidates"] as? [[String: String]])
        #expect(Set((a["candidates"] as? [[String: String]] ?? []).compactMap { $0["size"] }) == ["A", "B"])
        #expect(a["unit"] as? String == "in")
        #expect((a["points"] as? [[String: Any]])?.first?["range"] as? [Double] == [7, 8])
    }

    @Test("--tolerance widens circumferences only, as the format says; --length-tolerance widens lengths")
    func lengthTolerance() throws {
        let base = [
            "fit", "--catalog", spec, "--line", "northwind-classic", "--style", "AD", "--class", "2", "--cB", "22",
            "--cC", "36.5", "--cD", "34", "--lD", "44.5", "--json",
        ]
        let plain = try CFit.run(base + ["--tolerance", "1"])
        #expect(plain.status == 0)
        #expect((CFit.json(plain) as? [String: Any])?["outcome"] as? String == "made-to-measure")
        let widened = try CFit.run(base + ["--length-tolerance", "0.5"])
        #expect(widened.status == 0)
        let object = try #require(CFit.json(widened) as? [String: Any])
        #expect(object["outcome"] as? String == "standard")
        #expect(object["length"] as? String == "regular")
        let table = try CFit.run(Array(base.dropLast()) + ["--length-tolerance", "0.5"])
        #expect(table.stdout.contains("length tolerance ±0.5 cm"))
    }

    @Test(
        "--tolerance 0.5 never turns an ankle outside its range into a ready-made fit; --ankle-tolerance does, marked to confirm in the table and the JSON (issue 20)"
    )
    func ankleNeverWidened() throws {
        let base = [
            "fit", "--catalog", spec, "--line", "northwind-classic", "--style", "AD", "--class", "2", "--cB", "17.7",
            "--cC", "30", "--cD", "28", "--lD", "41",
        ]
        let plain = try CFit.run(base + ["--tolerance", "0.5", "--json"])
        #expect(plain.status == 0)
        #expect((CFit.json(plain) as? [String: Any])?["outcome"] as? String == "made-to-measure")
        let ankle = try CFit.run(base + ["--ankle-tolerance", "0.5", "--json"])
        let object = try #require(CFit.json(ankle) as? [String: Any])
        #expect(object["outcome"] as? String == "standard")
        #expect(object["size"] as? String == "I")
        let confirm = object["confirm"] as? [String] ?? []
        #expect(confirm.count == 1 && confirm[0].hasPrefix("cB 17.7 cm is 0.3 cm below size I 18–20 cm"))
        #expect(
            (object["warnings"] as? [String])?.first?.hasPrefix("the ankle (cB) ranges are widened by 0.5 cm") == true)
        let table = try CFit.run(base + ["--ankle-tolerance", "0.5"])
        #expect(table.stdout.contains("size I, length regular — TO CONFIRM: fits only by a tolerance"))
        #expect(table.stdout.contains("  confirm: cB 17.7 cm is 0.3 cm below size I 18–20 cm"))
        #expect(table.stdout.contains("ankle tolerance ±0.5 cm"))
    }

    @Test(
        "bad input exits non-zero, prints nothing on stdout, and names the field and value first",
        arguments: [
            (["--cB", "abc"], "--cB", "'abc'"),
            (["--cB", "-3"], "--cB", "'-3'"),
            (["--cB", "0"], "--cB", "'0'"),
            (["--unit", "mm"], "--unit", "'mm'"),
            (["--class", "7"], "--class", "'7'"),
            (["--class", "DIN:2"], "--class", "'DIN'"),
            (["--style", "AX"], "--style", "'AX'"),
            (["--line", "nope"], "--line", "'nope'"),
            (["--tolerance", "x"], "--tolerance", "'x'"),
            (["--length-tolerance", "11"], "--length-tolerance", "'11'"),
            (["--ankle-tolerance", "10.5"], "--ankle-tolerance", "'10.5'"),
            (["--abpi", "zero"], "--abpi", "'zero'"),
            (["--cQ", "3"], "--cQ", ""),
        ])
    func badInput(extra: [String], field: String, value: String) throws {
        var arguments = [
            "fit", "--catalog", spec, "--style", "AD", "--class", "2", "--cB", "22", "--cC", "36.5", "--cD", "34",
            "--lD", "41",
        ]
        // Later options win in the parser, so an override is appended.
        for (offset, item) in extra.enumerated() where item.hasPrefix("--") {
            if let index = arguments.firstIndex(of: item) { arguments.removeSubrange(index...(index + 1)) }
            arguments += [item, extra[offset + 1]]
        }
        let result = try CFit.run(arguments + ["--json"])
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.firstErrorLine.contains(field), "\(result.stderr)")
        if !value.isEmpty { #expect(result.firstErrorLine.contains(value), "\(result.stderr)") }
    }

    @Test("a missing required point is bad input naming the point")
    func missingPoint() throws {
        let result = try CFit.run([
            "fit", "--catalog", spec, "--style", "AD", "--class", "2", "--cB", "22", "--cC", "36.5", "--lD", "41",
        ])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(
            result.firstErrorLine
                == "error: --cD: expected a measurement (line northwind-classic needs cD for style AD), found none")
    }

    @Test("a broken catalog is refused naming the line, size and key; a missing file names the path")
    func brokenCatalog() throws {
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cfit-broken-\(UUID().uuidString).json"
        ).path
        try specCatalog.replacingOccurrences(of: #""cC": [30, 38]"#, with: #""cC": [38, 30]"#).write(
            toFile: broken, atomically: true, encoding: .utf8)
        let result = try CFit.run(["fit", "--catalog", broken, "--style", "AD", "--class", "2", "--cB", "22"])
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.firstErrorLine.contains(#"line "northwind-classic", size "II", key "cC""#), "\(result.stderr)")
        let missing = try CFit.run(["fit", "--catalog", "/nonexistent/x.json", "--style", "AD", "--class", "2"])
        #expect(missing.status == 66)
        #expect(missing.firstErrorLine.contains("'/nonexistent/x.json'"))
    }

    /// NICE CKS: below 0.8 do not prescribe stockings and refer — the shop's default policy.
    @Test("under the default policy (NICE) an ABPI of 0.7 refuses with the policy's words; 1.0 fits and says so")
    func abpi() throws {
        let base = [
            "fit", "--catalog", spec, "--line", "northwind-classic", "--style", "AD", "--class", "2", "--cB", "22",
            "--cC", "36.5", "--cD", "34", "--lD", "41",
        ]
        for index in ["0.45", "0.7", "1.35"] {
            let refused = try CFit.run(base + ["--json", "--abpi", index])
            #expect(refused.status == 1)
            #expect(refused.stdout.isEmpty)
            #expect(refused.firstErrorLine.hasPrefix("error: --abpi: ABPI \(index) is "))
            #expect(refused.firstErrorLine.contains("(policy nice: NICE CKS, compression stockings)"))
        }
        #expect(try CFit.run(base + ["--abpi", "0.7"]).firstErrorLine.contains("is below 0.8: do not compress"))
        let safe = try CFit.run(base + ["--abpi", "1.0"])
        #expect(safe.status == 0)
        #expect(safe.stdout.contains("ABPI 1.0 is within 0.8–1.3: compression is safe as far as the ABPI tells"))
    }

    /// compression.md §5: a class without its standard is ambiguous (a UK class 2 is 18–24 mmHg, a RAL
    /// 2 is 23–32) and must never be resolved silently.
    @Test(
        "a bare class read differently by a RAL and a BS line is refused naming both ranges; with its standard it fits")
    func classWithoutItsStandard() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cfit-bs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ral = try String(contentsOfFile: "\(CFit.root)/Seeds/northwind.json", encoding: .utf8)
        let bs = ral.replacingOccurrences(of: "\"standard\": \"RAL\"", with: "\"standard\": \"BS\"")
            .replacingOccurrences(of: "\"id\": \"northwind-", with: "\"id\": \"uk-northwind-")
        let bsFile = folder.appendingPathComponent("uk.json").path
        try bs.write(toFile: bsFile, atomically: true, encoding: .utf8)
        let base = [
            "fit", "--catalog", "\(CFit.root)/Seeds/northwind.json", "--catalog", bsFile, "--style", "AD", "--cB", "22",
            "--cC", "36.5", "--cD", "34", "--lD", "41",
        ]
        let bare = try CFit.run(base + ["--class", "2"])
        #expect(bare.status == 64)
        #expect(bare.stdout.isEmpty)
        #expect(
            bare.firstErrorLine
                == "error: --class: expected the class with its standard (BS:2 or RAL:2), since BS 2 is 18–24 mmHg and RAL 2 is 23–32 mmHg, found '2'"
        )
        let named = try CFit.run(base + ["--class", "RAL:2", "--json"])
        #expect(named.status == 0)
        let results = try #require(CFit.json(named) as? [[String: Any]])
        #expect(!results.isEmpty && results.allSatisfy { ($0["line"] as? String)?.hasPrefix("northwind-") == true })
    }

    @Test("both legs give each leg's result and a pair verdict")
    func bothLegs() throws {
        let result = try CFit.run([
            "fit", "--catalog", spec, "--line", "northwind-classic", "--style", "AD", "--class", "2",
            "--left", "cB=19,cC=30,cD=28,lD=41", "--right", "cB=23,cC=38,cD=35,lD=41", "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(CFit.json(result) as? [String: Any])
        #expect((object["left"] as? [String: Any])?["size"] as? String == "I")
        #expect((object["right"] as? [String: Any])?["size"] as? String == "III")
        let pair = try #require(object["pair"] as? [String: Any])
        #expect(pair["verdict"] as? String == "singles")
        let table = try CFit.run([
            "fit", "--catalog", spec, "--line", "northwind-classic", "--style", "AD", "--class", "2",
            "--left", "cB=19,cC=30,cD=28,lD=41", "--right", "cB=23,cC=38,cD=35,lD=41",
        ])
        #expect(table.stdout.contains("legs differ: order single garments, left I regular, right III regular"))
        let mixed = try CFit.run([
            "fit", "--catalog", spec, "--style", "AD", "--class", "2", "--cB", "22", "--left", "cB=22",
        ])
        #expect(mixed.status == 64)
        #expect(mixed.firstErrorLine.hasPrefix("error: --cB:"))
    }

    @Test("the table shows the verdict, each point against the size's range, and reasons in words")
    func table() throws {
        let result = try CFit.run([
            "fit", "--catalog", spec, "--style", "AD", "--class", "2", "--cB", "21", "--cC", "40", "--cD", "34", "--lD",
            "41",
        ])
        #expect(result.status == 0)
        #expect(result.stdout.contains("MADE TO MEASURE"))
        #expect(result.stdout.contains("cC 40 cm is 2 cm above size II 30–38 cm"))
        #expect(result.stdout.contains("nearest size II"))
        #expect(result.stdout.contains("2.0 cm above the range"))
    }

    @Test("interactive mode asks for style, class and each needed point, re-asking on bad answers")
    func interactive() throws {
        // ABPI (skipped), style, class, one leg, then each point.
        let answers =
            ["", "XX", "AD", "9", "2", "", "abc", "22", "36.5", "-1", "34", "41"].joined(separator: "\n") + "\n"
        let result = try CFit.run(["fit", "--catalog", spec, "--interactive", "--json"], input: answers)
        #expect(result.status == 0, "\(result.stderr)")
        let array = try #require(CFit.json(result) as? [[String: Any]])
        #expect(array.first?["size"] as? String == "II")
        #expect(result.stderr.contains("Style ("))
        #expect(result.stderr.contains("style: expected AD, AF, AG or AT, found 'XX' — try again"))
        #expect(result.stderr.contains("cB (ankle"))
        #expect(result.stderr.contains("cB: expected a positive number in cm, found 'abc'"))
        #expect(result.stderr.contains("cD: expected a positive number in cm, found '-1'"))
    }

    @Test("interactive mode that runs out of input fails naming the field")
    func interactiveEOF() throws {
        let result = try CFit.run(
            ["fit", "--catalog", spec, "--interactive", "--style", "AD", "--class", "2"], input: "\n\n22\n")
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("error: cC: expected an answer at the prompt, found the end of input"))
    }

    @Test("inches as read off a tape: 8 5/8 and 14½ are taken exactly; sixteenths are refused naming the flag")
    func tapeFractions() throws {
        let result = try CFit.run([
            "fit", "--catalog", prairie, "--line", "prairie-comfort", "--style", "AD", "--class", "20-30", "--unit",
            "in",
            "--cB", "8 5/8", "--cC", "14½", "--lD", "16", "--json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let points = try #require((CFit.json(result) as? [String: Any])?["points"] as? [[String: Any]])
        #expect(points.first { $0["point"] as? String == "cB" }?["value"] as? Double == 8.625)
        #expect(points.first { $0["point"] as? String == "cC" }?["value"] as? Double == 14.5)
        let sixteenth = try CFit.run([
            "fit", "--catalog", prairie, "--style", "AD", "--class", "20-30", "--unit", "in", "--cB", "8 9/16", "--cC",
            "14",
            "--lD", "16",
        ])
        #expect(sixteenth.status == 64)
        #expect(sixteenth.firstErrorLine.hasPrefix("error: --cB: expected a positive number of inches"))
    }

    @Test("interactive: ABPI comes first and a contraindication stops before any measuring")
    func interactiveABPIFirst() throws {
        let result = try CFit.run(["fit", "--catalog", spec, "--interactive"], input: "0.4\n")
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("ABPI (of the leg, or the left leg when both are fitted; Enter to skip): "))
        #expect(!result.stderr.contains("Style ("))
        #expect(result.stdout.isEmpty)
    }

    @Test("interactive: piped answers without a final newline work, and end of input skips what is optional")
    func interactiveNoTrailingNewline() throws {
        let answers = ["0.95", "AD", "2", "n", "22", "36.5", "34", "41"].joined(separator: "\n")
        let result = try CFit.run(["fit", "--catalog", spec, "--interactive", "--json"], input: answers)
        #expect(result.status == 0, "\(result.stderr)")
        #expect((CFit.json(result) as? [[String: Any]])?.first?["size"] as? String == "II")
    }

    @Test("interactive: both legs are offered, and an implausible value is asked again with the reason")
    func interactiveBothLegs() throws {
        let answers = [
            "", "AD", "2", "y", "22", "365", "36.5", "34", "41", "23", "38", "35", "41",
        ].joined(separator: "\n")
        let result = try CFit.run(["fit", "--catalog", spec, "--interactive"], input: answers)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Left leg, cB"))
        #expect(result.stderr.contains("Right leg, cB"))
        #expect(
            result.stderr.contains(
                "left cC: expected what a leg measures at cC (10–150 cm); check the tape, found '365' — try again"))
        #expect(result.stdout.contains("== Left leg ==") && result.stdout.contains("== Right leg =="))
    }

    /// compression.md §5: an ABPI is per leg. Asked first, it is the left leg's once both legs are
    /// chosen, and the right leg's is asked then, judged on its own.
    @Test("interactive: with both legs the first ABPI is the left leg's and the right leg's is asked and judged")
    func interactivePerLegABPI() throws {
        let measured = ["22", "36.5", "34", "41", "23", "38", "35", "41"]
        let both = try CFit.run(
            ["fit", "--catalog", spec, "--interactive"],
            input: (["1.0", "AD", "2", "y"] + measured + ["1.1"]).joined(separator: "\n"))
        #expect(both.status == 0, "\(both.stderr)")
        #expect(both.stderr.contains("The right leg's ABPI"))
        #expect(
            both.stdout.contains("ABPI 1.0 is within 0.8–1.3") && both.stdout.contains("ABPI 1.1 is within 0.8–1.3"))
        let refused = try CFit.run(
            ["fit", "--catalog", spec, "--interactive"],
            input: (["1.0", "AD", "2", "y"] + measured + ["0.7"]).joined(separator: "\n"))
        #expect(refused.status == 1 && refused.stdout.isEmpty)
        #expect(refused.stderr.contains("error: --abpi-right: ABPI 0.7 is below 0.8"), "\(refused.stderr)")
    }

    @Test("a cm chart read in inches shows what a tape shows: 7.9–8.7, 0.1 in — not 7.87402–8.66142")
    func tapePrecision() throws {
        let result = try CFit.run([
            "fit", "--catalog", classic, "--line", "northwind-classic", "--style", "AD", "--class", "2", "--unit", "in",
            "--cB", "8.6", "--cC", "14.4", "--cD", "13.4", "--lD", "16.1",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("7.9–8.7"), "\(result.stdout)")
        #expect(result.stdout.contains("0.1 in from the upper bound"))
        #expect(!result.stdout.contains("7.87402"))
    }
}

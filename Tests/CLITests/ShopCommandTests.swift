import Foundation
import PostgresTestSupport
import Testing

@testable import Postgres

/// The real shop's commands through cfit, bad input included: nothing changes when refused.
@Suite("A real shop's commands, run as a program", .ownThread)
struct ShopCommandTests {
    let environment: [String: String]

    init() throws {
        environment = ["DATABASE_URL": try TestDatabase.fresh(), "CFIT_LOCATION": "shop"]
    }

    func cfit(_ arguments: [String]) throws -> RunResult { try CFit.run(arguments, environment: environment) }

    func onHand() throws -> Int {
        let result = try cfit(["stock", "show", "NW-CL-AD2-II-R-C-BE", "--json"])
        return ((CFit.json(result) as? [[String: Any]]) ?? []).reduce(0) { $0 + ($1["onHand"] as? Int ?? 0) }
    }

    @Test("scans: received by scan with its lot and expiry; bad scans and disagreeing flags refused, naming where")
    func scans() throws {
        #expect(try cfit(["location", "add", "shop", "--name", "Counter"]).status == 0)
        #expect(
            try cfit(["catalog", "import", CFit.seed("northwind.json"), CFit.seed("northwind-articles.csv")]).status
                == 0)
        let received = try cfit(["stock", "receive", "--scan", "]d201020000000004591026A\u{1D}17280200", "4", "--json"])
        #expect(received.status == 0, "\(received.stderr)")
        let show = try cfit(["article", "show", "(01)02000000000459", "--json"])
        let article = (CFit.json(show) as? [String: Any])?["article"] as? [String: Any]
        #expect(article?["sku"] as? String == "NW-CL-AD2-II-R-C-BE")
        let stock = (article?["stock"] as? [[String: Any]])?.first
        #expect(stock?["lot"] as? String == "26A" && stock?["expiresOn"] as? String == "2028-02-29")
        let refusals: [([String], String)] = [
            (
                ["stock", "receive", "--scan", "(01)02000000000458(10)X", "1"],
                "--scan: scanned code '(01)02000000000458(10)X' at position 17: expected the check digit 9"
            ),
            (
                ["stock", "receive", "--scan", "(01)02000000000459(99)X", "1"],
                "--scan: scanned code '(01)02000000000459(99)X' at position 19: expected a known Application Identifier"
            ),
            (
                ["stock", "receive", "--scan", "(01)02000000000459(10)26A", "1", "--lot", "27B"],
                "--lot: expected the scanned lot 26A, found '27B'"
            ),
            (["stock", "receive", "(01)02000000000459(17)281301", "1"], "SKU: scanned code"),
            (["stock", "receive", "--scan", "(01)02000000000459", "1", "2"], "QTY: expected only QTY with --scan"),
        ]
        for (arguments, message) in refusals {
            let result = try cfit(arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.firstErrorLine.hasPrefix("error: \(message)"), "\(result.stderr)")
        }
        #expect(try onHand() == 4)
        let list = try cfit([
            "article", "list", "--line", "northwind-classic", "--style", "AD", "--class", "RAL:2", "--size", "II",
            "--json",
        ])
        #expect(
            (CFit.json(list) as? [[String: Any]])?.contains { $0["sku"] as? String == "NW-CL-AD2-II-R-C-BE" } == true)
        // Words: a size of two characters is a whole word (II, not III); longer words may be part of one.
        let search = try cfit(["article", "search", "classic", "ad2", "II", "regular", "closed", "--json"])
        #expect((CFit.json(search) as? [[String: Any]])?.map { $0["sku"] as? String } == ["NW-CL-AD2-II-R-C-BE"])
        let table = try cfit(["article", "search", "Northwind", "open", "--limit", "2"])
        #expect(table.status == 0 && table.stdout.split(separator: "\n").count == 3, "\(table.stdout)")
        #expect(try cfit(["article", "search", "nothing-like-this"]).stdout.contains("no articles match"))
        let badLimit = try cfit(["article", "search", "classic", "--limit", "0"])
        #expect(badLimit.status == 64 && badLimit.firstErrorLine.hasPrefix("error: --limit: expected"))
    }

    @Test(
        "locations, patients and lots: unknown codes and repeats refused with 64, a recall of an unknown lot changes nothing"
    )
    func refusals() throws {
        #expect(try cfit(["location", "add", "shop", "--name", "Counter"]).status == 0)
        let again = try cfit(["location", "add", "shop", "--name", "Counter"])
        #expect(again.status == 64 && again.firstErrorLine.hasPrefix("error: CODE: expected a new location code"))
        #expect(try cfit(["patient", "add", "P-1", "--name", "Ada", "--born", "1950-02-30"]).status == 64)
        #expect(try cfit(["patient", "add", "P-1", "--name", "Ada", "--born", "1950-02-28"]).status == 0)
        #expect(try cfit(["patient", "list", "--search", "ada"]).stdout.contains("P-1"))
        let unknownLot = try cfit(["lot", "recall", "L404", "--reason", "notice"])
        #expect(
            unknownLot.status == 64 && unknownLot.firstErrorLine.hasPrefix("error: LOT: expected a lot received before")
        )
        let unknownPatient = try cfit(["patient", "show", "P-404"])
        #expect(unknownPatient.status == 64)
        let fitting = try cfit(["fitting", "show", "F-0000000-0000000"])
        #expect(fitting.firstErrorLine == "error: FITTING: no fitting F-0000000-0000000", "\(fitting.stderr)")
        #expect(try cfit(["check"]).status == 0)
    }

    @Test("an import with hundreds of problems shows the first 50 and how many more; --json lists them all")
    func longErrorLists() throws {
        let path = NSTemporaryDirectory() + "cfit-broken-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let broken = try String(contentsOfFile: CFit.seed("northwind-articles.csv"), encoding: .utf8)
            .replacingOccurrences(of: ",closed,", with: ",middle,").replacingOccurrences(of: ",open,", with: ",middle,")
        try broken.write(toFile: path, atomically: true, encoding: .utf8)
        let short = try cfit(["catalog", "import", CFit.seed("northwind.json"), path])
        #expect(short.status == 65)
        let lines = short.stderr.split(separator: "\n")
        #expect(lines.count == 51)
        #expect(lines.last?.contains("… and 252 more (302 problems in all") == true)
        let all = try cfit(["catalog", "import", CFit.seed("northwind.json"), path, "--json"])
        #expect(all.status == 65 && all.stdout.isEmpty)
        #expect(all.stderr.split(separator: "\n").count == 302)
        #expect(try cfit(["catalog", "list"]).stdout.hasPrefix("no catalogs yet"))
    }

    @Test(
        "a recorded fitting keeps the resolved class, the exact measurements and a versioned result, read back by fitting show"
    )
    func recordedFitting() throws {
        #expect(try cfit(["seed", "--from", "\(CFit.root)/Seeds"]).status == 0)
        let measure = [
            "fit", "--style", "AD", "--class", "2", "--cD", "34", "--lD", "41", "--rx", "RX-1001", "--record",
        ]
        #expect(try cfit(measure + ["--cB", "22", "--cC", "36.5"]).status == 0)
        let second = try cfit(measure + ["--cB", "21.5", "--cC", "35"])
        #expect(second.status == 0)
        let shown = try cfit(["fitting", "show", CFit.reference("F", in: second), "--json"])
        let fitting = try #require((CFit.json(shown) as? [String: Any])?["fitting"] as? [String: Any])
        #expect(fitting["pressureClass"] as? String == "RAL:2")
        #expect((fitting["measurements"] as? [String: [String: String]])?["leg"]?["cC"] == "35")
        #expect((fitting["changes"] as? [String: [String: String]])?["leg"] == ["cB": "-0.5", "cC": "-1.5", "cD": "0"])
        let results = try #require(fitting["results"] as? [[String: Any]])
        #expect(results.contains { $0["line"] as? String == "northwind-classic" && $0["size"] as? String == "II" })
        let raw = try Connection(environment["DATABASE_URL"]!).query(
            "SELECT result->>'version' AS v FROM fitting WHERE id = 2")
        #expect(try raw[0].decode(String?.self, "v") == "1")
    }
}

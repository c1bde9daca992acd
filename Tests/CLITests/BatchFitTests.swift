import Foundation
import PostgresTestSupport
import Testing

/// `cfit fit --batch`: a clinic's list in one run, each leg exactly as `cfit fit` fits it.
@Suite("cfit fit --batch", .ownThread)
struct BatchFitTests {
    let catalogs = ["--catalog", CFit.seed("northwind.json"), "--catalog", CFit.seed("liberty.json")]

    func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "cfit-batch-\(UUID().uuidString.prefix(8)).csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("each row's results are exactly what cfit fit --json prints for that leg")
    func sameAsFit() throws {
        let rows: [(id: String, style: String, pressureClass: String, line: String, values: [String: String])] = [
            ("a", "AD", "2", "", ["cB": "22", "cC": "36.5", "cD": "34", "lD": "41"]),
            ("b", "AD", "US:20-30", "", ["cB": "21", "cC": "33", "cD": "30", "lD": "40"]),
            ("c", "AD", "2", "northwind-classic", ["cB": "21", "cC": "40", "cD": "34", "lD": "41"]),
            (
                "d", "ag", "RAL:2", "",
                ["cB": "22", "cC": "36.5", "cD": "34", "cE": "38", "cF": "50", "cG": "52", "lG": "75"]
            ),
        ]
        let points = ["cB", "cC", "cD", "cE", "cF", "cG", "lD", "lG"]
        var csv = "id,style,class,line," + points.joined(separator: ",") + "\n"
        for row in rows {
            csv +=
                "\(row.id),\(row.style),\(row.pressureClass),\(row.line),"
                + points.map { row.values[$0] ?? "" }.joined(separator: ",") + "\n"
        }
        let path = try write(csv)
        let batch = try CFit.run(["fit", "--batch", path, "--json"] + catalogs)
        #expect(batch.status == 0, "\(batch.stderr)")
        let lines = batch.stdout.split(separator: "\n")
        #expect(lines.count == rows.count)
        for (row, line) in zip(rows, lines) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["id"] as? String == row.id)
            var arguments = ["fit", "--style", row.style, "--class", row.pressureClass, "--json"] + catalogs
            if !row.line.isEmpty { arguments += ["--line", row.line] }
            for (point, value) in row.values { arguments += ["--\(point)", value] }
            let single = try CFit.run(arguments)
            #expect(single.status == 0, "\(single.stderr)")
            var expected = try JSONSerialization.jsonObject(with: Data(single.stdout.utf8))
            if !row.line.isEmpty { expected = [expected] }  // --line prints the object alone
            let results = try JSONSerialization.data(withJSONObject: object["results"] ?? [], options: .sortedKeys)
            let reference = try JSONSerialization.data(withJSONObject: expected, options: .sortedKeys)
            #expect(results == reference, "row \(row.id)")
        }
    }

    @Test("CSV rows per leg and line; bad rows on stderr with row and column, the others fitted, exit 65")
    func badRows() throws {
        let path = try write(
            """
            id,style,class,cB,cC,cD,lD
            ok-1,AD,2,22,36.5,34,41
            bad-class,AD,9,22,36.5,34,41
            bad-value,AD,2,22,abc,34,41
            missing,AD,2,22,36.5,,41
            "quoted, id",AD,2,21,40,34,41
            short,AD,2,22

            """)
        let result = try CFit.run(["fit", "--batch", path] + catalogs)
        #expect(result.status == 65)
        let rows = result.stdout.split(separator: "\n").map(String.init)
        #expect(rows.first == "id,line,outcome,size,length,reasons")
        #expect(rows.contains("ok-1,northwind-classic,standard,II,regular,"))
        #expect(
            rows.contains { $0.hasPrefix("\"quoted, id\",northwind-classic,made-to-measure,,,cC 40 cm is 2 cm above") })
        let errors = result.stderr.split(separator: "\n").map(String.init)
        #expect(errors.contains { $0.contains("row 3, column \"class\": expected a class label") })
        #expect(errors.contains { $0.contains("row 4, column \"cC\": expected a positive length in cm, found 'abc'") })
        #expect(errors.contains { $0.contains("row 5, column \"cD\": expected a measurement") })
        #expect(errors.contains { $0.contains("row 7, column \"(row)\": expected 7 fields, found 4") })
        #expect(errors.last == "4 of 6 rows could not be fitted; the others were")
    }

    @Test("a header no row can be read by, or flags the file gives per row, are refused before anything is printed")
    func refusedWhole() throws {
        let unknown = try CFit.run(["fit", "--batch", try write("id,style,class,cQ\na,AD,2,3\n")] + catalogs)
        #expect(unknown.status == 65 && unknown.stdout.isEmpty)
        #expect(
            unknown.firstErrorLine.contains(
                "row 1, column \"cQ\": expected id, style, class, line, abpi or a point code"))
        let noClass = try CFit.run(["fit", "--batch", try write("id,style,cB\na,AD,3\n")] + catalogs)
        #expect(noClass.status == 65 && noClass.firstErrorLine.contains("column \"class\": expected the column"))
        let both = try CFit.run(["fit", "--batch", try write("id,style,class\n"), "--style", "AD"] + catalogs)
        #expect(both.status == 64 && both.firstErrorLine.hasPrefix("error: --style: expected nothing besides --batch"))
        let missing = try CFit.run(["fit", "--batch", "/nonexistent/list.csv"] + catalogs)
        #expect(missing.status == 66)
    }

    @Test("in inches, with tape fractions, against the database's catalogs")
    func inchesFromTheDatabase() throws {
        let (_, environment) = try CFit.seededDatabase()
        let path = try write(
            "id,style,class,line,cB,cC,cD,lD\nin-1,AD,2,northwind-classic,8 5/8,14 3/8,13 3/8,16 1/8\n")
        let result = try CFit.run(["fit", "--batch", path, "--unit", "in"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("in-1,northwind-classic,standard,II,regular,"))
    }
}

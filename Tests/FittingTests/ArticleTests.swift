import Fitting
import PropertyBased
import Testing

@Suite("Articles files, GTINs and CSV")
struct ArticleTests {
    let line: ProductLine
    init() throws { line = try specLine() }

    let header = "sku,gtin,line,style,class,size,length,toe,color,hcpcs"

    func issues(_ rows: [String], sourceLocation: SourceLocation = #_sourceLocation) -> [ArticleIssue] {
        do {
            _ = try ArticleDecoder(lines: [line]).decode(([header] + rows).joined(separator: "\n"))
            Issue.record("expected the file to be refused", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.issues
        }
    }

    @Test("the spec's example row decodes")
    func specRow() throws {
        let articles = try ArticleDecoder(lines: [line]).decode(
            "\(header)\nNW-CL-AD2-II-R-C-BE,04012345678901,northwind-classic,AD,2,II,regular,closed,beige,A6530\n"
        )
        #expect(articles.count == 1)
        #expect(articles[0].gtin.digits == "04012345678901")
        #expect(articles[0].pressureClass == ral2)
        #expect(articles[0].hcpcs == "A6530")
    }

    @Test("every seed articles file decodes against its catalog")
    func seeds() throws {
        for name in ["northwind", "liberty", "prairie"] {
            let catalog = try decodeCatalog(try seedFile("\(name).json"))
            let articles = try ArticleDecoder(lines: catalog.lines).decode(try seedFile("\(name)-articles.csv"))
            #expect(!articles.isEmpty)
        }
    }

    @Test(
        "each bad cell names its row, column, expectation and value",
        arguments: [
            (
                "X,04012345678902,northwind-classic,AD,2,II,regular,closed,beige,", "gtin",
                "a valid GS1 check digit (1 as the last digit)"
            ),
            ("X,4012345,northwind-classic,AD,2,II,regular,closed,beige,", "gtin", "8, 12, 13 or 14 digits"),
            (
                "X,04012345678901,other-line,AD,2,II,regular,closed,beige,", "line",
                "a line id in the catalog (northwind-classic)"
            ),
            (
                "X,04012345678901,northwind-classic,AT,2,II,regular,closed,beige,", "style",
                "a style of northwind-classic (AD, AG)"
            ),
            (
                "X,04012345678901,northwind-classic,AD,4,II,regular,closed,beige,", "class",
                "a class of northwind-classic (1, 2, 3)"
            ),
            (
                "X,04012345678901,northwind-classic,AD,2,IX,regular,closed,beige,", "size",
                "a size of northwind-classic (I, II, III)"
            ),
            (
                "X,04012345678901,northwind-classic,AD,2,II,long,closed,beige,", "length",
                "a length of northwind-classic AD (short, regular)"
            ),
            ("X,04012345678901,northwind-classic,AD,2,II,regular,peep,beige,", "toe", "open or closed"),
            ("X,04012345678901,northwind-classic,AD,2,II,regular,closed,,", "color", "a colour name"),
            (
                "X,04012345678901,northwind-classic,AD,2,II,regular,closed,beige,6530", "hcpcs",
                "a HCPCS code such as A6530, or nothing"
            ),
        ])
    func badCell(row: String, column: String, expected: String) {
        let found = issues([row])
        #expect(found.count == 1)
        #expect(found.first?.row == 2)
        #expect(found.first?.column == column)
        #expect(found.first?.expected == expected)
    }

    @Test("duplicate SKUs and GTINs are refused, GTINs compared in 14-digit form")
    func duplicates() {
        let first = "A,04012345678901,northwind-classic,AD,2,II,regular,closed,beige,"
        #expect(
            issues([first, "A,00000000000017,northwind-classic,AD,2,II,regular,closed,beige,"]).map(\.column) == ["sku"]
        )
        // 4012345678901 (GTIN-13) is the same item as 04012345678901.
        #expect(
            issues([first, "B,4012345678901,northwind-classic,AD,2,II,regular,closed,beige,"]).map(\.column) == ["gtin"]
        )
    }

    @Test("a missing or unknown column is refused")
    func columns() {
        do {
            _ = try ArticleDecoder(lines: [line]).decode("sku,gtin,line,style,class,size,length,toe,colour\n")
            Issue.record("expected refusal")
        } catch {
            #expect(Set(error.issues.map(\.column)) == ["colour", "color"])
        }
    }

    @Test("every issue in a file is reported")
    func allIssues() {
        let found = issues([
            "A,04012345678902,northwind-classic,AD,2,II,regular,closed,beige,",
            "B,04012345678901,northwind-classic,AD,9,II,regular,closed,beige,",
        ])
        #expect(found.map(\.row) == [2, 3])
    }

    @Test("any 13 digits with their computed check digit are a valid GTIN-14, and any other last digit is not")
    func checkDigitProperty() async {
        await propertyCheck(input: Gen.int(in: 0...9).array(of: 13), Gen.int(in: 1...9)) { digits, shift in
            let check = GTIN.checkDigit(for: digits)
            let text = digits.map(String.init).joined()
            #expect((try? GTIN(text + String(check))) != nil)
            #expect((try? GTIN(text + String((check + shift) % 10))) == nil)
        }
    }

    @Test("CSV quoting: commas, quotes and newlines inside quoted fields")
    func csvQuoting() throws {
        let rows = try CSVReader.rows("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",x,\n\n")
        #expect(rows.map(\.fields) == [["a", "b,c", "say \"hi\""], ["two\nlines", "x", ""]])
        #expect(rows.map(\.line) == [1, 2])
        #expect(throws: CSVReader.SyntaxError.self) { try CSVReader.rows("a,\"b") }
        #expect(throws: CSVReader.SyntaxError.self) { try CSVReader.rows("a,b\"c\"") }
    }

    @Test("writing any table as CSV and reading it back gives the same fields")
    func csvRoundTrip() async {
        let cell = Gen.element(of: ["a", "b", ",", "\"", "\n", " ", "é", "1"]).map { $0! }.array(of: 0...5).map {
            $0.joined()
        }
        await propertyCheck(input: cell.array(of: 1...4).array(of: 1...5)) { table in
            let text = table.map { row in
                row.map { field in
                    field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) || field.isEmpty
                        ? "\"" + field.replacingDoubleQuotes() + "\"" : field
                }.joined(separator: ",")
            }.joined(separator: "\n")
            #expect((try? CSVReader.rows(text).map(\.fields)) == table)
        }
    }
}

extension String {
    fileprivate func replacingDoubleQuotes() -> String {
        var out = ""
        for character in self { out += character == "\"" ? "\"\"" : String(character) }
        return out
    }
}

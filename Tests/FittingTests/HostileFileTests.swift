import Fitting
import PropertyBased
import Testing

/// The catalog and articles readers given what real files and hostile ones hold: reordered
/// fields, wrong types, huge numbers, duplicates, invalid UTF-8, NUL and control characters, a
/// BOM, CRLF line ends, `;` separators, and random damage. Each file is either accepted (when the
/// format allows it) or refused with its problem located — the line, size and key of a catalog, the
/// row and column of an articles file; never a crash, never a hang.
@Suite("Hostile catalog and articles files")
struct HostileFileTests {
    static let base = specCatalogJSON

    /// The first issue of a catalog that should be refused, or a recorded failure.
    func refusal(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> CatalogIssue? {
        refusal(bytes: Array(text.utf8), sourceLocation: sourceLocation)
    }

    func refusal(bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> CatalogIssue? {
        do {
            _ = try CatalogDecoder().decode(bytes)
            Issue.record("accepted a file that should be refused", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error.issues.first
        }
    }

    @Test("catalog files the format allows are accepted: keys in any order, a BOM, CRLF line ends")
    func catalogAccepted() throws {
        let whole = try decodeCatalog(Self.base)
        let reordered = Self.base.replacing(
            "\"format\": \"compression-catalog\",\n  \"version\": 1,",
            with: "\"version\": 1,\n  \"format\": \"compression-catalog\",")
        #expect(try decodeCatalog(reordered) == whole)
        #expect(try decodeCatalog("\u{FEFF}" + Self.base) == whole)
        #expect(try decodeCatalog(Self.base.replacing("\n", with: "\r\n")) == whole)
    }

    @Test(
        "catalog files with wrong types, huge numbers, duplicates or control characters are refused at their key",
        arguments: [
            ("\"version\": 1", "\"version\": \"1\"", nil, nil, "version"),
            ("[\"1\", \"2\", \"3\"]", "[1, 2, 3]", "northwind-classic", nil, "classes"),
            ("[18, 20]", "[18, 1e308]", "northwind-classic", "I", "cB"),
            ("[18, 20]", "[18, 99999999999999999999999999]", "northwind-classic", "I", "cB"),
            ("[18, 20]", "[18, 1e-400]", "northwind-classic", "I", "cB"),
            ("[18, 20]", "[18, -20]", "northwind-classic", "I", "cB"),
            ("[18, 20]", "[20, 18]", "northwind-classic", "I", "cB"),
            ("\"name\": \"Classic\",", "\"name\": \"Classic\", \"name\": \"Other\",", "northwind-classic", nil, "name"),
            ("{ \"size\": \"II\", ", "{ \"size\": \"I\", ", "northwind-classic", "I", "size"),
            ("\"name\": \"Classic\"", "\"name\": \"Cla\\u0000ssic\"", "northwind-classic", nil, "name"),
            ("\"name\": \"Classic\"", "\"name\": \"Cla\\u001bssic\"", "northwind-classic", nil, "name"),
            ("\"size\": \"III\"", "\"size\": \"III\\u0007\"", "northwind-classic", "#3", "size"),
        ] as [(String, String, String?, String?, String)])
    func catalogRefused(original: String, replacement: String, line: String?, size: String?, key: String) throws {
        #expect(Self.base.contains(original))
        let issue = try #require(refusal(Self.base.replacing(original, with: replacement)))
        #expect(issue.line == line && issue.size == size && issue.key == key, "\(issue)")
    }

    @Test("a catalog that is not JSON text is refused naming the line and column or the byte")
    func catalogNotText() throws {
        let raw = Array(Self.base.utf8)
        let invalid = try #require(refusal(bytes: Array(raw.prefix(100)) + [0xC3, 0x28] + Array(raw.dropFirst(100))))
        #expect(invalid.description.contains("byte offset 100"))
        let control = try #require(refusal(Self.base.replacing("Classic", with: "Cla\u{0}ssic")))
        #expect(control.description.contains("line 8, column 19"))
        let deep = try #require(refusal(String(repeating: "[", count: 100_000)))
        #expect(deep.description.contains("at most 512 nested"))
        #expect(refusal("")?.description.contains("line 1, column 1") == true)
        #expect(refusal(Self.base + " x")?.description.contains("expected the end of the document") == true)
        let long = try #require(
            refusal(Self.base.replacing("\"Classic\"", with: "7" + String(repeating: "0", count: 100_000))))
        #expect(long.description.count < 400, "a huge value is quoted shortened")
    }

    static let lines: [ProductLine] = (try? CatalogDecoder().decode(Array(base.utf8)).lines) ?? []
    static let header = "sku,gtin,line,style,class,size,length,toe,color,hcpcs"
    static let row = "AD2-II-R,04012345678901,northwind-classic,AD,2,II,regular,closed,beige,"
    static let good = header + "\n" + row + "\n"

    func articleRefusal(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ArticleIssue? {
        do {
            _ = try ArticleDecoder(lines: Self.lines).decode(text)
            Issue.record("accepted a file that should be refused", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error.issues.first
        }
    }

    @Test("articles files the format allows are accepted: columns in any order, a BOM, CRLF, quoted fields")
    func articlesAccepted() throws {
        let expected = try ArticleDecoder(lines: Self.lines).decode(Self.good)
        #expect(expected.count == 1)
        let reordered =
            "gtin,sku,line,style,class,size,length,toe,color,hcpcs\n"
            + "04012345678901,AD2-II-R,northwind-classic,AD,2,II,regular,closed,beige,\n"
        for text in [
            reordered, "\u{FEFF}" + Self.good, Self.good.replacing("\n", with: "\r\n"),
            Self.good.replacing("beige", with: "\"beige\""), Self.header + "\n\n" + Self.row + "\n\n",
        ] {
            #expect(try ArticleDecoder(lines: Self.lines).decode(text) == expected, "\(text.debugDescription)")
        }
    }

    @Test(
        "articles files with duplicates, wrong values, control characters or ';' separators are refused at their row and column",
        arguments: [
            (
                "sku,sku,gtin,line,style,class,size,length,toe,color,hcpcs\nA,A,04012345678901,northwind-classic,AD,2,II,regular,closed,beige,\n",
                1, "sku"
            ),
            (good + row + "\n", 3, "sku"),
            (good.replacing(",", with: ";"), 1, "(header)"),
            (good.replacing(",", with: "\t"), 1, "(header)"),
            (good.replacing("beige", with: "be\u{0}ige"), 2, "color"),
            (good.replacing("beige", with: "be\u{7}ige"), 2, "color"),
            (good.replacing("AD2-II-R", with: "AD2\u{1B}[31m"), 2, "sku"),
            (good.replacing("04012345678901", with: String(repeating: "9", count: 400)), 2, "gtin"),
            (good.replacing("04012345678901", with: "04012345678902"), 2, "gtin"),
            (good.replacing(",2,II", with: ",two,II"), 2, "class"),
            (good.replacing(",2,II", with: ",99999999999999999999,II"), 2, "class"),
            (good.replacing("beige,\n", with: "beige,,x\n"), 2, "(row)"),
            (good.replacing("beige,\n", with: "beige\n"), 2, "(row)"),
            (good.replacing("AD2-II-R", with: String(repeating: "S", count: 100_000)), 2, "sku"),
            (good.replacing("beige", with: "\"be\"ige\""), 2, "(file)"),
            (row + "\n", 1, "AD2-II-R"),
            // Found by the damaged-file property: a header with an unnamed column.
            (good.replacing("sku,gtin", with: ",gtin"), 1, "#1"),
        ] as [(String, Int, String)])
    func articlesRefused(text: String, row: Int, column: String) throws {
        let issue = try #require(articleRefusal(text))
        #expect(issue.row == row && issue.column == column, "\(issue)")
        #expect(issue.description.count < 400, "\(issue.description.prefix(100))")
    }

    /// Random edits as numbers, three per edit: what (replace, insert, delete), where, which byte.
    static let edits = Gen.int(in: 0...1_000_000).array(of: 3...24)

    /// `text` with `numbers` applied as edits.
    static func damaged(_ text: String, _ numbers: [Int]) -> [UInt8] {
        var result = Array(text.utf8)
        for index in stride(from: 0, to: numbers.count - 2, by: 3) where !result.isEmpty {
            let at = numbers[index + 1] % result.count
            let byte = UInt8(numbers[index + 2] % 256)
            switch numbers[index] % 3 {
            case 0: result[at] = byte
            case 1: result.insert(byte, at: at)
            default: result.remove(at: at)
            }
        }
        return result
    }

    @Test("fuzzer findings: each file is refused with its place named (Tests/Fixtures/fuzz)")
    func fuzzFindings() throws {
        // libFuzzer (Tests/Fuzz/run) found a catalog whose line has a key named "": the decoder
        // refused it correctly; the fuzzing oracle expected every key to have a name.
        let bytes = try fixtureBytes("fuzz/catalog-empty-key.json")
        let issue = try #require(refusal(bytes: bytes))
        #expect(issue.line == "prairie-comfort" && issue.key == "")
        #expect(issue.description.hasPrefix("line \"prairie-comfort\", key \"\": expected one of classes"))
        // Then a size with a key named "#B", which the message printed unquoted, like the position
        // of a size without a name: keys are now always quoted.
        let positional = try #require(refusal(bytes: try fixtureBytes("fuzz/catalog-key-like-a-position.json")))
        #expect(positional.description.hasPrefix("line \"northwind-classic\", size \"V\", key \"#B\": expected"))
        // And a key beginning with a combining mark (U+0354), which joins the quote before it into
        // one Character: the message is right; the oracle now compares bytes.
        let combining = try #require(
            refusal(bytes: try fixtureBytes("fuzz/catalog-key-with-combining-mark.json")))
        #expect(combining.key.unicodeScalars.first == "\u{354}")
        #expect(combining.description.utf8.starts(with: "line \"northwind-classic\", key \"\u{354}idce\"".utf8))
    }

    @Test("a damaged catalog either decodes or is refused with a located issue")
    func damagedCatalogs() async {
        await propertyCheck(count: 1_000, input: Self.edits) { numbers in
            let bytes = Self.damaged(Self.base, numbers)
            do {
                let catalog = try CatalogDecoder().decode(bytes)
                #expect(!catalog.lines.isEmpty)
            } catch let error as CatalogError {
                #expect(
                    !error.issues.isEmpty
                        && Array(error.issues[0].description.utf8).firstRange(of: Array("key \"".utf8)) != nil)
                #expect(error.issues[0].description.count < 1_000)
            }
        }
    }

    @Test("a damaged articles file either decodes or is refused naming a row and column")
    func damagedArticles() async {
        let text = Self.good + "AD2-III-R,00000000000017,northwind-classic,AD,2,III,regular,closed,\"beige, light\",\n"
        await propertyCheck(count: 1_000, input: Self.edits) { numbers in
            guard let decoded = try? UTF8Text.decode(Self.damaged(text, numbers)) else { return }
            do {
                let articles = try ArticleDecoder(lines: Self.lines).decode(decoded)
                #expect(articles.count <= 2)
            } catch let error as ArticleError {
                #expect(!error.issues.isEmpty && error.issues[0].row >= 1 && !error.issues[0].column.isEmpty)
            }
        }
    }
}

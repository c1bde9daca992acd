import Fitting
import Foundation
import PropertyBased
import Testing

@Suite("Catalog decoding and every validation error")
struct CatalogDecoderTests {
    /// Decodes `text` expecting failure; returns the issues.
    func issues(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [CatalogIssue] {
        do {
            _ = try CatalogDecoder().decode(Array(text.utf8))
            Issue.record("expected the catalog to be refused", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.issues
        }
    }

    let goodSize = #"{"size": "M", "cB": [20, 24], "cC": [30, 38]}"#

    @Test("the spec's example decodes with exact ranges")
    func specExample() throws {
        let catalog = try decodeCatalog(specCatalogJSON)
        #expect(catalog.manufacturer == "Northwind Medical")
        let line = try #require(catalog.lines.first)
        #expect(line.id == "northwind-classic")
        #expect(line.standard == .RAL)
        #expect(line.classes.map(\.label) == ["1", "2", "3"])
        #expect(line.styles == [.AD, .AG])
        #expect(line.sizes.map(\.name) == ["I", "II", "III"])
        #expect(line.sizes[1].range(for: .cC) == (try MeasureRange.centimetres(30, 38)))
        #expect(line.lengthVariants(for: .AG).map(\.name) == ["short", "regular"])
    }

    @Test("every seed catalog decodes")
    func seeds() throws {
        for name in ["northwind", "liberty", "prairie"] {
            let text = try seedFile("\(name).json")
            let catalog = try decodeCatalog(text)
            #expect(!catalog.lines.isEmpty)
        }
    }

    @Test("an unknown key names the line, the size and the key")
    func unknownKeyInSize() {
        let found = issues(catalogJSON(sizes: [#"{"size": "M", "cB": [20, 24], "cC": [30, 38], "cQ": [1, 2]}"#]))
        #expect(found.count == 1)
        #expect(found.first?.line == "test-line")
        #expect(found.first?.size == "M")
        #expect(found.first?.key == "cQ")
        #expect(
            found.first?.description.hasPrefix(
                #"line "test-line", size "M", key "cQ": expected a circumference point code"#) == true)
    }

    @Test("an unknown key in a line or at the top is refused")
    func unknownKeyElsewhere() {
        let inLine = catalogJSON(sizes: [goodSize]).replacingOccurrences(
            of: #""name": "Test","#, with: #""name": "Test", "colour": "red","#)
        #expect(issues(inLine).map(\.key) == ["colour"])
        let atTop = catalogJSON(sizes: [goodSize]).replacingOccurrences(
            of: #""version": 1,"#, with: #""version": 1, "extra": true,"#)
        #expect(issues(atTop).map(\.key) == ["extra"])
    }

    @Test("a length point inside a size is refused")
    func lengthPointInSize() {
        let found = issues(catalogJSON(sizes: [#"{"size": "M", "cB": [20, 24], "cC": [30, 38], "lD": [38, 44]}"#]))
        #expect(found.map(\.key) == ["lD"])
    }

    @Test("a reversed range is refused", arguments: ["[24, 20]"])
    func reversedRange(range: String) {
        let found = issues(catalogJSON(sizes: [#"{"size": "M", "cB": \#(range), "cC": [30, 38]}"#]))
        #expect(found.map(\.key) == ["cB"])
        #expect(found.first?.expected == "min ≤ max")
    }

    @Test(
        "a non-positive or malformed range is refused",
        arguments: ["[0, 20]", "[-2, 20]", "[20]", "[20, 22, 24]", #"["20", "22"]"#, "20", "null"])
    func badRange(range: String) {
        let found = issues(catalogJSON(sizes: [#"{"size": "M", "cB": \#(range), "cC": [30, 38]}"#]))
        #expect(found.map(\.key).contains("cB"))
        #expect(found.first?.size == "M")
    }

    @Test("a duplicate size is refused")
    func duplicateSize() {
        let found = issues(catalogJSON(sizes: [goodSize, goodSize]))
        #expect(found.map(\.key) == ["size"])
        #expect(found.first?.size == "M")
    }

    @Test("a duplicate line id is refused")
    func duplicateLine() {
        let line =
            #"{"id": "a", "name": "A", "standard": "RAL", "classes": ["2"], "styles": ["AD"], "sizes": [{"size": "M", "cB": [20, 24], "cC": [30, 38]}]}"#
        let text =
            #"{"format": "compression-catalog", "version": 1, "manufacturer": "T", "lines": [\#(line), \#(line)]}"#
        let found = issues(text)
        #expect(found.map(\.key) == ["id"])
        #expect(found.first?.line == "a")
    }

    @Test("a style without the points it needs is refused, naming the size and the point")
    func styleWithoutPoints() {
        // AG needs cG in every size.
        let found = issues(catalogJSON(styles: ["AD", "AG"], sizes: [goodSize]))
        #expect(found.map(\.key) == ["cG"])
        #expect(found.first?.size == "M")
        // AD needs the calf.
        #expect(issues(catalogJSON(sizes: [#"{"size": "M", "cB": [20, 24]}"#])).map(\.key) == ["cC"])
    }

    @Test("a length variant must give its style's length point, for one of the line's styles")
    func lengthVariants() {
        #expect(
            issues(catalogJSON(sizes: [goodSize], lengths: [#"{"style": "AD", "name": "short", "lG": [60, 70]}"#])).map(
                \.key) == ["lG"])
        #expect(
            issues(catalogJSON(sizes: [goodSize], lengths: [#"{"style": "AT", "name": "short", "lT": [90, 100]}"#]))
                .map(\.key) == ["style"])
        #expect(
            issues(catalogJSON(sizes: [goodSize], lengths: [#"{"style": "AD", "name": "short"}"#])).map(\.key) == ["lD"]
        )
        let twice = #"{"style": "AD", "name": "short", "lD": [32, 38]}"#
        #expect(issues(catalogJSON(sizes: [goodSize], lengths: [twice, twice])).map(\.key) == ["name"])
    }

    @Test("bad standards, classes, styles, units and ids are refused")
    func badFields() {
        #expect(issues(catalogJSON(standard: "DIN", sizes: [goodSize])).map(\.key) == ["standard"])
        #expect(issues(catalogJSON(classes: ["5"], sizes: [goodSize])).map(\.key) == ["classes"])
        #expect(issues(catalogJSON(standard: "US", classes: ["2"], sizes: [goodSize])).map(\.key) == ["classes"])
        #expect(issues(catalogJSON(styles: ["AX"], sizes: [goodSize])).map(\.key) == ["styles"])
        #expect(issues(catalogJSON(unit: "mm", sizes: [goodSize])).map(\.key) == ["unit"])
        #expect(issues(catalogJSON(id: "Bad_ID", sizes: [goodSize])).map(\.key) == ["id"])
        #expect(issues(catalogJSON(classes: ["2", "2"], sizes: [goodSize])).map(\.key) == ["classes"])
    }

    @Test("a wrong format, version or manufacturer is refused")
    func header() {
        let base = catalogJSON(sizes: [goodSize])
        #expect(
            issues(base.replacingOccurrences(of: #""compression-catalog""#, with: #""other""#)).map(\.key) == ["format"]
        )
        #expect(
            issues(base.replacingOccurrences(of: #""version": 1"#, with: #""version": 2"#)).map(\.key) == ["version"])
        #expect(
            issues(base.replacingOccurrences(of: #""manufacturer": "Test""#, with: #""manufacturer": """#)).map(\.key)
                == ["manufacturer"])
    }

    @Test("a repeated key is refused rather than silently overwritten")
    func repeatedKey() {
        let found = issues(catalogJSON(sizes: [#"{"size": "M", "cB": [20, 24], "cB": [21, 25], "cC": [30, 38]}"#]))
        #expect(found.map(\.key) == ["cB"])
        #expect(found.first?.expected == "each key once")
    }

    @Test("every issue is reported, not only the first")
    func allIssues() {
        let found = issues(
            catalogJSON(unit: "mm", sizes: [#"{"size": "M", "cB": [24, 20], "cC": [30, 38], "cQ": [1, 2]}"#]))
        #expect(Set(found.map(\.key)) == ["unit", "cB", "cQ"])
    }

    @Test("broken JSON names where it broke")
    func brokenJSON() {
        let found = issues("{\"format\": \"compression-catalog\",\n \"version\": 1,,}")
        #expect(found.first?.key == "(document)")
        #expect(found.first?.found.hasPrefix("line 2, column 15: expected a key in double quotes, found ','") == true)
    }

    @Test("random damage to a valid catalog never crashes the decoder and never half-decodes")
    func fuzz() async {
        let text = Array(specCatalogJSON.utf8)
        await propertyCheck(count: 300, input: Gen.int(in: 0...(text.count - 1)), Gen.uint8(in: 32...126)) {
            position, byte in
            var damaged = text
            damaged[position] = byte
            do {
                let catalog = try CatalogDecoder().decode(damaged)
                // A change that still decodes gives a whole, consistent line.
                #expect(catalog.lines.allSatisfy { !$0.sizes.isEmpty && !$0.styles.isEmpty && !$0.classes.isEmpty })
            } catch let error as CatalogError {
                #expect(!error.issues.isEmpty)
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }
}

/// Reads a file from Seeds/ at the package root.
func seedFile(_ name: String) throws -> String {
    let root = URLPath.packageRoot
    return try String(contentsOfFile: "\(root)/Seeds/\(name)", encoding: .utf8)
}

enum URLPath {
    /// The package root, found from this source file's path.
    static var packageRoot: String {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }
}

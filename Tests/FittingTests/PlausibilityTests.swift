import Fitting
import Foundation
import PropertyBased
import Testing

@Suite("Implausible charts and text that is not UTF-8 are refused")
struct PlausibilityTests {
    func issues(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [CatalogIssue] {
        issues(Array(text.utf8), sourceLocation: sourceLocation)
    }

    func issues(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> [CatalogIssue] {
        do {
            _ = try CatalogDecoder().decode(bytes)
            Issue.record("expected the catalog to be refused", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.issues
        }
    }

    let small = #"{"size": "S", "cB": [18, 21], "cC": [28, 36], "cD": [26, 34]}"#
    let large = #"{"size": "L", "cB": [21, 24], "cC": [33, 41], "cD": [30, 38]}"#

    @Test("a point some sizes give and another leaves out is refused at that size and key")
    func missingPoint() {
        let found = issues(catalogJSON(sizes: [small, #"{"size": "L", "cB": [21, 24], "cC": [33, 41]}"#]))
        #expect(found.count == 1)
        #expect(
            found.first?.description
                == #"line "test-line", size "L", key "cD": expected a range for cD, as the line's other sizes give (or mark the line's "exceptions": ["points-missing-in-some-sizes"]), found none"#
        )
    }

    @Test(
        "ranges no leg has are refused: cB [2, 24] and cC [33, 411]",
        arguments: [
            (#""cB": [21, 24]"#, #""cB": [2, 24]"#, "cB", "[2, 24]"),
            (#""cC": [33, 41]"#, #""cC": [33, 411]"#, "cC", "[33, 411]"),
        ])
    func outsideLegBounds(good: String, bad: String, key: String, shown: String) {
        let found = issues(catalogJSON(sizes: [small, large.replacingOccurrences(of: good, with: bad)]))
        #expect(found.first?.key == key)
        #expect(found.first?.expected.hasPrefix("a range within 10–150 cm, what a leg measures at \(key)") == true)
        #expect(found.first?.found == shown)
    }

    @Test("a length variant outside a leg's heights is refused")
    func implausibleLength() {
        let found = issues(
            catalogJSON(sizes: [small], lengths: [#"{"style": "AD", "name": "regular", "lD": [38, 440]}"#]))
        #expect(found.map(\.key) == ["lD"])
        #expect(found.first?.size == #"length "regular""#)
    }

    @Test("sizes listed out of order are refused naming the size, the key and the smaller size's range")
    func outOfOrder() {
        let found = issues(catalogJSON(sizes: [large.replacingOccurrences(of: #""L""#, with: #""A""#), small]))
        #expect(found.map(\.key) == ["cB", "cC", "cD"])
        #expect(found.first?.size == "S")
        #expect(found.first?.expected.hasPrefix(#"a range no lower than size "A"'s [21, 24]"#) == true)
    }

    @Test("a line that marks its exceptions is accepted as it stands")
    func exceptionsAllow() throws {
        let text = catalogJSON(
            sizes: [
                large.replacingOccurrences(of: #""cB": [21, 24]"#, with: #""cB": [2, 24]"#), small,
                #"{"size": "X", "cB": [22, 25], "cC": [34, 42]}"#,
            ],
            exceptions: [.outsideLegBounds, .sizesOutOfOrder, .pointsMissingInSomeSizes])
        #expect(try decodeCatalog(text).lines[0].sizes.count == 3)
        let unknown = text.replacingOccurrences(of: #""sizes-out-of-order""#, with: #""whatever""#)
        #expect(issues(unknown).map(\.key).contains("exceptions"))
    }

    @Test("a catalog saved as Windows-1252 is refused with the byte offset of the first bad byte")
    func windows1252() {
        var bytes = Array(catalogJSON(sizes: [small]).utf8)
        let name = bytes.firstIndex(of: UInt8(ascii: "T"))!
        bytes.insert(0xE9, at: name)  // "é" in Windows-1252
        let found = issues(bytes)
        #expect(found.count == 1)
        #expect(found.first?.key == "(document)")
        #expect(found.first?.found.hasPrefix("byte 0xE9 at byte offset \(name)") == true)
    }

    @Test("the UTF-8 check agrees with Swift's own validation on arbitrary bytes")
    func utf8Oracle() async {
        let bytes = Gen.uint8(in: 0...255).array(of: 0...24)
        await propertyCheck(count: 500, input: bytes) { bytes in
            let valid = String(validating: bytes, as: UTF8.self) != nil
            #expect((UTF8Text.firstInvalidOffset(in: bytes) == nil) == valid, "\(bytes)")
            if let offset = UTF8Text.firstInvalidOffset(in: bytes) {
                // Everything before the offset is valid on its own.
                #expect(String(validating: Array(bytes[..<offset]), as: UTF8.self) != nil, "\(bytes)")
            }
        }
    }

    @Test(
        "overlong forms, surrogates and code points above U+10FFFF are invalid",
        arguments: [
            [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x61, 0xE2, 0x82],
        ] as [[UInt8]])
    func malformed(bytes: [UInt8]) {
        #expect(UTF8Text.firstInvalidOffset(in: bytes) != nil)
    }

    @Test("the chart difference names each changed range, added and removed size and length")
    func differences() throws {
        let before = try decodeCatalog(
            catalogJSON(sizes: [small, large], lengths: [#"{"style": "AD", "name": "regular", "lD": [38, 44]}"#])
        ).lines[0]
        let after = try decodeCatalog(
            catalogJSON(
                sizes: [
                    small.replacingOccurrences(of: "[28, 36]", with: "[28, 37]"),
                    #"{"size": "XL", "cB": [24, 27], "cC": [36, 44], "cD": [33, 41]}"#,
                ],
                lengths: [#"{"style": "AD", "name": "long", "lD": [44, 50]}"#])
        ).lines[0]
        #expect(
            ChartDifference.between(before, and: after) == [
                #"size "S" cC: 28–36 → 28–37 cm"#, #"size "XL" added"#, #"size "L" removed"#,
                #"length AD "long" added"#, #"length AD "regular" removed"#,
            ])
        #expect(ChartDifference.between(before, and: before).isEmpty)
        #expect(ChartDifference.between(nil, and: before) == ["new line with 2 sizes"])
    }
}

import PropertyBased
import Testing

@testable import Fitting

/// The compact table an import checks duplicates with must answer as a dictionary would.
@Suite("Keys seen in a file")
struct SeenKeysTests {
    @Test("insert and lookup answer as a [String: Int] of first rows does, through every growth")
    func asDictionary() async {
        let key = Gen.element(of: ["a", "b", "é", "SY1-", "0", "", "\u{0}"]).map { $0! }.array(of: 0...4).map {
            $0.joined()
        }
        await propertyCheck(count: 300, input: key.array(of: 0...300)) { keys in
            var seen = SeenKeys()
            var expected: [String: Int] = [:]
            var order: [String] = []
            for (row, key) in keys.enumerated() {
                #expect(seen.row(of: key.utf8) == expected[key])
                let first = seen.insert(key.utf8, row: row)
                #expect(first == expected[key])
                if expected[key] == nil {
                    expected[key] = row
                    order.append(key)
                }
            }
            #expect(seen.count == expected.count)
            #expect(seen.keys().map { String(decoding: $0, as: UTF8.self) } == order)
        }
    }

    @Test("200 000 SKUs: every one found at its row, none found twice")
    func many() {
        var seen = SeenKeys()
        for number in 0..<200_000 { #expect(seen.insert("SY3-\(number)".utf8, row: number + 2) == nil) }
        for number in stride(from: 0, to: 200_000, by: 997) {
            #expect(seen.row(of: "SY3-\(number)".utf8) == number + 2)
        }
        #expect(seen.row(of: "SY3-200000".utf8) == nil)
        #expect(seen.count == 200_000)
    }
}

import Fitting
import Testing

@Suite("Both legs, ABPI and plausibility")
struct PairAndSafetyTests {
    let line: ProductLine
    init() throws { line = try specLine() }
    let request = FitRequest(style: .AD, pressureClass: PressureStandard.RAL.pressureClass("2")!)

    @Test("legs that fit the same size and length are one pair")
    func samePair() throws {
        let pair = try PairFit(
            left: leg([.cB: 21, .cC: 34, .cD: 32, .lD: 41]), right: leg([.cB: 21.5, .cC: 35, .cD: 33, .lD: 40]),
            line: line, request: request)
        #expect(pair.verdict == .pair(size: "II", length: "regular"))
    }

    @Test("legs whose best sizes differ but share a size get the shared size with the larger worst margin")
    func sharedSize() throws {
        let chart = try decodeCatalog(
            catalogJSON(sizes: [
                #"{"size": "M", "cB": [20, 24], "cC": [30, 38]}"#, #"{"size": "L", "cB": [20, 24], "cC": [34, 42]}"#,
            ])
        ).lines[0]
        // Left alone prefers M (cC margin 3/8 against 1/8), right alone prefers L (7/16 against 1/16).
        // As a pair, M's worse leg has 1/16 and L's has 1/8: L.
        let pair = try PairFit(
            left: leg([.cB: 22, .cC: 35]), right: leg([.cB: 22, .cC: 37.5]), line: chart, request: request)
        #expect(pair.left.size == "M")
        #expect(pair.right.size == "L")
        #expect(pair.verdict == .pair(size: "L", length: "standard"))
        #expect(pair.summary == "one pair: size L, standard")
    }

    @Test("legs with no common size need two single garments, said plainly")
    func singles() throws {
        let pair = try PairFit(
            left: leg([.cB: 19, .cC: 30, .cD: 28, .lD: 41]), right: leg([.cB: 23, .cC: 38, .cD: 35, .lD: 41]),
            line: line, request: request)
        guard case .singles(let left, let right) = pair.verdict else {
            Issue.record("expected singles, got \(pair.verdict)")
            return
        }
        #expect(left.size == "I" && right.size == "III")
        #expect(pair.summary == "legs differ: order single garments, left I regular, right III regular")
    }

    @Test("one leg outside the chart makes that leg made-to-measure")
    func oneLegMadeToMeasure() throws {
        let pair = try PairFit(
            left: leg([.cB: 21, .cC: 34, .cD: 32, .lD: 41]), right: leg([.cB: 21, .cC: 45, .cD: 32, .lD: 41]),
            line: line, request: request)
        #expect(pair.verdict == .madeToMeasure(sides: [.right]))
    }

    @Test(
        "ABPI bands follow NICE guidance with exact bounds",
        arguments: [
            ("0.49", ABPI.Assessment.contraindicated), ("0.5", .specialistAdvice), ("0.79", .specialistAdvice),
            ("0.8", .safe), ("1.3", .safe), ("1.31", .specialistAdvice),
        ])
    func abpi(text: String, expected: ABPI.Assessment) throws {
        #expect(try ABPI.parse(text).assessment == expected)
    }

    @Test("implausible legs are warned about, plausible ones are not")
    func plausibility() throws {
        #expect(Plausibility.warnings(for: try leg([.cB: 22, .cC: 36, .lD: 41, .lG: 75])).isEmpty)
        let warnings = Plausibility.warnings(for: try leg([.cB: 38, .cC: 36, .cG: 160, .lD: 41, .lG: 40]))
        #expect(warnings.count == 3)
        #expect(warnings[0].hasPrefix("cG 160 cm is outside"))
        #expect(warnings[1].hasPrefix("cB 38 cm (ankle) is larger than cC 36 cm"))
        #expect(warnings[2].hasPrefix("lG 40 cm is not above lD 41 cm"))
    }
}

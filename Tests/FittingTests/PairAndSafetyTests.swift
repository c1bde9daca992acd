import Fitting
import PropertyBased
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

    /// NICE CKS (compression stockings): below 0.8 do not prescribe and refer; above 1.3 avoid and refer.
    @Test(
        "NICE CKS: refuse below 0.8 and above 1.3, compress within 0.8–1.3 (exact bounds)",
        arguments: [
            ("0.49", "refuse"), ("0.5", "refuse"), ("0.79", "refuse"), ("0.8", "compress"), ("1.3", "compress"),
            ("1.31", "refuse"),
        ])
    func nice(text: String, expected: String) throws {
        #expect(Self.kind(ArterialPolicy.nice.judge(try ABPI.parse(text))) == expected)
    }

    /// NHS formularies (e.g. Devon): below 0.5 do not compress; 0.5–0.79 and from 1.4 only with
    /// specialist advice; 0.8–1.39 safe.
    @Test(
        "NHS formulary: refuse below 0.5, confirm 0.5–0.79 and from 1.4, compress 0.8–1.39",
        arguments: [
            ("0.49", "refuse"), ("0.5", "confirm"), ("0.79", "confirm"), ("0.8", "compress"),
            ("1.39", "compress"), ("1.4", "confirm"),
        ])
    func formulary(text: String, expected: String) throws {
        #expect(Self.kind(ArterialPolicy.formulary.judge(try ABPI.parse(text))) == expected)
    }

    /// German S2k guideline: ABPI below 0.5 an absolute contraindication; 0.5–0.8 relative (reduced
    /// pressure of about 30 mmHg, under supervision).
    @Test(
        "S2k guideline: refuse below 0.5, confirm 0.5–0.8 at a reduced pressure, compress above 0.8",
        arguments: [
            ("0.49", "refuse"), ("0.5", "confirm"), ("0.8", "confirm"), ("0.81", "compress"), ("2.0", "compress"),
        ])
    func s2k(text: String, expected: String) throws {
        #expect(Self.kind(ArterialPolicy.s2k.judge(try ABPI.parse(text))) == expected)
    }

    @Test("every verdict names its policy and source; the shop's default is NICE's, the most conservative")
    func verdictsNameTheirSource() async throws {
        #expect(ArterialPolicy.shopDefault == .nice)
        await propertyCheck(input: Gen.int(in: 1...300), Gen.element(of: ArterialPolicy.allCases).map { $0! }) {
            hundredths, policy in
            let abpi = ABPI(hundredths: Int64(hundredths))
            let verdict = policy.judge(abpi)
            #expect(verdict.words.hasPrefix("ABPI \(abpi) ") && verdict.words.contains("(\(policy.source))"))
            // No policy compresses below 0.5; NICE refuses wherever any policy refuses.
            if hundredths < 50 { #expect(Self.kind(verdict) == "refuse") }
            if Self.kind(verdict) == "refuse" { #expect(Self.kind(ArterialPolicy.nice.judge(abpi)) == "refuse") }
        }
    }

    static func kind(_ verdict: ArterialPolicy.Verdict) -> String {
        switch verdict {
        case .compress: "compress"
        case .confirm: "confirm"
        case .refuse: "refuse"
        }
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

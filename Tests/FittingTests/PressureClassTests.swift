import Fitting
import PropertyBased
import Testing

@Suite("Pressure standards and classes")
struct PressureClassTests {
    @Test("a class is read in the default standard or the one it names")
    func parsing() throws {
        #expect(try PressureClass.parse("2", defaultStandard: .RAL).rangeText == "23–32 mmHg")
        #expect(try PressureClass.parse("2", defaultStandard: .BS).rangeText == "18–24 mmHg")
        #expect(try PressureClass.parse("RAL:2", defaultStandard: .US).standard == .RAL)
        #expect(try PressureClass.parse("us:20–30", defaultStandard: nil).label == "20-30")
        #expect(try PressureClass.parse("ENV:ii", defaultStandard: nil).label == "II")
        #expect(try PressureClass.parse("RAL:4", defaultStandard: nil).rangeText == "≥ 49 mmHg")
        #expect(try PressureClass.parse("AFNOR:4", defaultStandard: nil).rangeText == "> 36 mmHg")
        #expect(throws: PressureClass.ParseError.unknownStandard("DIN")) {
            try PressureClass.parse("DIN:2", defaultStandard: nil)
        }
        #expect(throws: PressureClass.ParseError.unknownClass(standard: .BS, label: "4")) {
            try PressureClass.parse("4", defaultStandard: .BS)
        }
        #expect(throws: PressureClass.ParseError.noStandard("2")) { try PressureClass.parse("2", defaultStandard: nil) }
    }

    @Test("equivalents overlap in mmHg and never cross a gap")
    func equivalents() {
        let ral2 = PressureStandard.RAL.pressureClass("2")!
        #expect(ral2.equivalents(in: .US).map(\.label) == ["20-30", "30-40"])
        #expect(ral2.equivalents(in: .BS).map(\.label) == ["2", "3"])
        // RAL 1 (18–21) lies in RAL's gap-free range of BS 2 only.
        #expect(PressureStandard.RAL.pressureClass("1")!.equivalents(in: .BS).map(\.label) == ["2"])
        // AFNOR 4 (> 36, open-ended) reaches RAL 3 (34–46) and RAL 4 (≥ 49).
        #expect(PressureStandard.AFNOR.pressureClass("4")!.equivalents(in: .RAL).map(\.label) == ["3", "4"])
        #expect(PressureStandard.US.pressureClass("8-15")!.equivalents(in: .RAL).isEmpty)
    }

    @Test("US labels share their bounds, so neighbours overlap at one pressure")
    func usNeighbours() {
        #expect(
            PressureStandard.US.pressureClass("15-20")!.equivalents(in: .US).map(\.label) == ["8-15", "15-20", "20-30"])
    }

    @Test("every class reads back from its code and, outside US, matches only itself in its own standard")
    func codeRoundTrip() async {
        let all = PressureStandard.allCases.flatMap(\.classes)
        await propertyCheck(input: Gen.element(of: all).map { $0! }) { pressureClass in
            #expect((try? PressureClass.parse(pressureClass.code, defaultStandard: nil)) == pressureClass)
            #expect(pressureClass.equivalents(in: pressureClass.standard).contains(pressureClass))
            if pressureClass.standard != .US {
                #expect(pressureClass.equivalents(in: pressureClass.standard) == [pressureClass])
            }
        }
    }
}

import Fitting
import PropertyBased
import Testing

@Suite("A measurement that looks like the other unit is a warning")
struct UnitWarningTests {
    func leg(_ values: [MeasurementPoint: String], _ unit: LengthUnit) throws -> LegMeasurements {
        var leg = LegMeasurements()
        for (point, text) in values { leg[point] = try Length.parseTape(text, unit: unit) }
        return leg
    }

    @Test("a calf of 13.5 typed in cm, and of 36.5 typed in inches, each warn to check the unit")
    func wrongUnit() throws {
        let inCentimetres = Plausibility.warnings(for: try leg([.cB: "8.5", .cC: "13.5"], .cm), unit: .cm)
        #expect(
            inCentimetres.contains {
                $0.hasPrefix("cC 13.5 cm is unusual") && $0.hasSuffix("usual in in: check the unit")
            })
        #expect(inCentimetres.contains { $0.hasPrefix("cB 8.5 cm is unusual") })
        let inInches = Plausibility.warnings(for: try leg([.cB: "22", .cC: "36.5"], .inch), unit: .inch)
        #expect(
            inInches.contains { $0.hasPrefix("cC 36.5 in is unusual") && $0.hasSuffix("usual in cm: check the unit") })
    }

    @Test("the spec's example leg in cm, and the same leg in inches, raise no unit warning")
    func rightUnit() throws {
        #expect(Plausibility.unitWarnings(for: try leg([.cB: "22", .cC: "36.5", .cD: "34"], .cm), unit: .cm).isEmpty)
        #expect(
            Plausibility.unitWarnings(for: try leg([.cB: "8 1/2", .cC: "14 3/8", .cD: "13 3/8"], .inch), unit: .inch)
                .isEmpty)
    }

    @Test("any circumference inside its usual range, in either unit, never warns about the unit")
    func usualNeverWarns() async {
        let points = MeasurementPoint.circumferences.filter { Plausibility.usualRange(for: $0) != nil }
        await propertyCheck(
            input: Gen.element(of: points).map { $0! }, Gen.int64(in: 0...1_000_000),
            Gen.element(of: LengthUnit.allCases).map { $0! }
        ) { point, fraction, unit in
            let usual = Plausibility.usualRange(for: point)!
            let span = usual.upper.micrometres - usual.lower.micrometres
            var leg = LegMeasurements()
            leg[point] = Length(micrometres: usual.lower.micrometres + span * fraction / 1_000_000)
            #expect(Plausibility.unitWarnings(for: leg, unit: unit).isEmpty, "\(point) \(leg[point]!)")
        }
    }
}

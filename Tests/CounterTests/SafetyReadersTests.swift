import Counter
import Fitting
import Foundation
import PostgresTestSupport
import PropertyBased
import Testing

/// The readers of issue 20's inputs — the legs' indices, the tolerances, how the legs were measured
/// and the checklist — with worked examples and properties. Each bad value is named by its field.
@Suite("Reading what a fitting says of safety", .ownThread)
struct SafetyReadersTests {
    @Test(
        "worked examples: an ABPI per leg, one index refused for two legs, the checklist's codes, a time of day, yes or no"
    )
    func workedExamples() throws {
        let indices = try ArterialIndices(abpi: nil, left: "0.95", right: "1,1", confirmedBy: "  ")
        #expect(indices.left == ABPI(hundredths: 95) && indices.right == ABPI(hundredths: 110))
        #expect(indices.confirmedBy == nil)
        #expect(throws: CounterError.self) {
            try ArterialIndices(leg: ABPI(hundredths: 100)).check(sides: [.left, .right])
        }
        do {
            _ = try ArterialIndices(abpi: nil, left: "high", right: nil, confirmedBy: nil)
        } catch {
            #expect(error.field == "abpi_left")
        }
        let conditions = try MeasurementConditions(
            measuredAt: "7:05", posture: "seated", pointsMarked: "Yes", afterBandages: "no", legsRaised: nil,
            footLength: "9 1/2", contraindications: " graft, allergy ,graft", unit: .inch)
        #expect(conditions.timeOfDay?.hour == 7 && conditions.timeOfDay?.minute == 5)
        #expect(conditions.recorded.contraindications == [.graft, .allergy])
        #expect(conditions.recorded.footLength == Length(micrometres: 241_300))
        #expect(conditions.recorded.pointsMarked == true && conditions.recorded.afterBandages == false)
        #expect(conditions.warnings.count == 2)  // two relative contraindications, a morning measure
        for (field, bad) in [
            ("measured_at", ["24:00", "9:5", "noon"]), ("posture", ["upright"]), ("points_marked", ["maybe"]),
            ("foot_length", ["2", "x"]), ("contraindications", ["gout"]),
        ] {
            for text in bad {
                do {
                    _ = try MeasurementConditions(
                        measuredAt: field == "measured_at" ? text : nil, posture: field == "posture" ? text : nil,
                        pointsMarked: field == "points_marked" ? text : nil, afterBandages: nil, legsRaised: nil,
                        footLength: field == "foot_length" ? text : nil,
                        contraindications: field == "contraindications" ? text : nil, unit: .cm)
                    Issue.record("\(field) \(text) was taken")
                } catch {
                    #expect(error.field == field, "\(field) \(text)")
                }
            }
        }
        // S2k: an absolute contraindication refuses, naming it and the source.
        do {
            try MeasurementConditions(recorded: FittingConditions(contraindications: [.heartFailure])).check()
            Issue.record("heart failure was not refused")
        } catch {
            #expect(error.field == "contraindications")
        }
        let tolerances = try FitTolerances(tolerance: "0,5", ankle: "", length: nil, unit: .cm)
        #expect(tolerances.tolerance == Length(micrometres: 5_000) && tolerances.ankle.micrometres == 0)
    }

    @Test(
        "every time of day HH:MM reads as itself, and the midday warning comes exactly from 12:00 without raised legs")
    func timesOfDay() async {
        await propertyCheck(input: Gen.int(in: 0...23), Gen.int(in: 0...59), Gen.bool, Gen.bool) {
            hour, minute, raised, padded in
            let text = (padded && hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
            guard
                let read = try? MeasurementConditions(
                    measuredAt: text, posture: nil, pointsMarked: nil, afterBandages: nil,
                    legsRaised: raised ? "yes" : "no", footLength: nil, contraindications: nil, unit: .cm)
            else {
                Issue.record("\(text) was refused")
                return
            }
            #expect(read.timeOfDay?.hour == hour && read.timeOfDay?.minute == minute, "\(text)")
            #expect(read.warnings.contains { $0.contains("after midday") } == (hour >= 12 && !raised), "\(text)")
        }
    }

    @Test(
        "any list of the checklist's codes, in any order, spaced and repeated, reads as its set; absolute ones refuse")
    func checklists() async {
        let codes = Gen.element(of: Contraindication.allCases).map { $0! }.array(of: 0...6)
        await propertyCheck(input: codes, Gen.bool) { picked, spaced in
            let text = picked.map { spaced ? "  \($0.rawValue) " : $0.rawValue }.joined(separator: ",")
            guard
                let read = try? MeasurementConditions(
                    measuredAt: nil, posture: nil, pointsMarked: nil, afterBandages: nil, legsRaised: nil,
                    footLength: nil, contraindications: text, unit: .cm)
            else {
                Issue.record("'\(text)' was refused")
                return
            }
            #expect(Set(read.recorded.contraindications) == Set(picked), "\(text)")
            #expect(read.recorded.contraindications.count == Set(picked).count, "\(text)")
            let refused = (try? read.check()) == nil
            #expect(refused == picked.contains(where: \.isAbsolute), "\(text)")
            #expect(read.warnings.count == Set(picked.filter { !$0.isAbsolute }).count, "\(text)")
        }
    }

    @Test("any text given as an index, a time or a tolerance is read or refused naming its field, never crashing")
    func anyText() async {
        let text = Gen.element(of: ["0", "1", "9", ".", ",", ":", " ", "-", "½", "/", "a", "é"]).map { $0! }.array(
            of: 0...7
        )
        .map { $0.joined() }
        await propertyCheck(input: text) { typed in
            do { _ = try ArterialIndices(abpi: nil, left: typed, right: nil, confirmedBy: nil) } catch let error
                as CounterError
            {
                #expect(error.field == "abpi_left")
            }
            do {
                _ = try MeasurementConditions(
                    measuredAt: typed, posture: nil, pointsMarked: nil, afterBandages: nil, legsRaised: nil,
                    footLength: nil, contraindications: nil, unit: .cm)
            } catch let error as CounterError {
                #expect(error.field == "measured_at")
            }
            do { _ = try FitTolerances(tolerance: nil, ankle: typed, length: nil, unit: .inch) } catch let error
                as CounterError
            {
                #expect(error.field == "ankle_tolerance")
            }
        }
    }
}

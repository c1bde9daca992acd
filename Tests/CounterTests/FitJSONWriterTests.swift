import Counter
import Fitting
import Foundation
import Inventory
import PostgresTestSupport
import PropertyBased
import Synchronization
import Testing

/// The batch writes each leg's JSON straight into bytes; it must be exactly the JSON contract's
/// value, serialized compactly, for any leg, any line, one leg or two, with or without stock.
@Suite("FitJSON written directly", .ownThread)
struct FitJSONWriterTests {
    static let lines: [ProductLine] = {
        let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Seeds")
        return ["northwind", "liberty", "prairie"].flatMap { name -> [ProductLine] in
            let bytes = FileManager.default.contents(atPath: seeds.appendingPathComponent("\(name).json").path)
            return bytes.flatMap { try? CatalogDecoder().decode([UInt8]($0)).lines } ?? []
        }
    }()

    static func stock(_ sku: String, here: Int, elsewhere: [String: Int]) -> ArticleStock {
        let json = try! JSONSerialization.data(withJSONObject: [
            "sku": sku, "gtin": "04012345678901", "toe": "closed", "color": "beige \"sand\"", "here": here,
            "elsewhere": elsewhere,
        ])
        return try! JSONDecoder().decode(ArticleStock.self, from: json)
    }

    @Test("the written bytes are the value's compact serialization, for random legs")
    func sameBytes() async throws {
        try #require(Self.lines.count >= 3)
        let points = MeasurementPoint.allCases
        let legValues = Gen.int(in: 150_000...900_000).array(of: points.count)
        let compared = Atomic(0)
        await propertyCheck(
            count: 400,
            input: Gen.int(in: 0...3), Gen.int(in: 0...4), Gen.bool, legValues, legValues, Gen.int(in: 0...8)
        ) { styleIndex, classIndex, twoLegs, left, right, extra in
            let style = [Style.AD, .AG, .AT, .AF][styleIndex]
            let classText = ["1", "2", "3", "4", "ccl2"][classIndex]
            guard let offers = try? FitSession.offers(Self.lines, style: style, classText: classText) else { return }
            let unit: LengthUnit = extra % 2 == 0 ? .cm : .inch
            let session = FitSession(
                lines: offers, style: style, unit: unit, tolerance: Length(micrometres: Int64(extra % 3) * 5_000),
                lengthTolerance: Length(micrometres: Int64(extra % 4) * 10_000),
                indices: extra > 6
                    ? (twoLegs
                        ? ArterialIndices(
                            left: ABPI(hundredths: Int64(50 + extra * 10)), right: ABPI(hundredths: Int64(100 + extra)))
                        : ArterialIndices(leg: ABPI(hundredths: Int64(50 + extra * 10)))) : .none,
                requestedClass: classText, policy: ArterialPolicy.allCases[extra % 3])
            func leg(_ values: [Int]) -> LegMeasurements {
                var leg = LegMeasurements()
                // Lengths run longer than circumferences; some points left unmeasured.
                for (point, value) in zip(points, values) where value % 11 != 0 {
                    leg[point] = Length(micrometres: Int64(point.rawValue.hasPrefix("l") ? value * 2 : value / 2))
                }
                return leg
            }
            let legs: [(side: Side?, leg: LegMeasurements)] =
                twoLegs ? [(.left, leg(left)), (.right, leg(right))] : [(nil, leg(left))]
            guard let report = try? session.run(legs: legs) else { return }
            var stock: [LegLine: [ArticleStock]] = [:]
            if extra % 3 == 1, let first = report.legs[0].fits.first {
                stock[LegLine(side: report.legs[0].side, line: first.line.id)] = [
                    Self.stock("A-1", here: extra, elsewhere: ["store": 2, "branch": 0]),
                    Self.stock("A-2", here: 0, elsewhere: [:]),
                ]
            }
            compared.add(1, ordering: .relaxed)
            for single in [false, true] {
                var expected: [UInt8] = []
                FitJSON.value(report, single: single, stock: stock).write(into: &expected)
                var written: [UInt8] = Array("prefix ".utf8)
                FitJSON.write(report, single: single, stock: stock, into: &written)
                #expect(
                    written == Array("prefix ".utf8) + expected,
                    "\(String(decoding: written, as: UTF8.self))\nvs\n\(String(decoding: expected, as: UTF8.self))")
            }
        }
        // Most inputs make a report (the rest are refused by the ABPI rule or offer no line).
        #expect(compared.load(ordering: .relaxed) > 150, "\(compared.load(ordering: .relaxed)) reports compared")
    }
}

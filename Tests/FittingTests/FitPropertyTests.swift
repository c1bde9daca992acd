import Fitting
import PropertyBased
import Testing

/// Random charts and legs, checked against a plain oracle written independently of the engine.
@Suite("The fit engine against an independent oracle")
struct FitPropertyTests {
    /// A random chart: sizes with ranges on a few points, in tenths of a centimetre, built from a
    /// flat list of integers so the generator can shrink it.
    struct RandomCase: Sendable, CustomStringConvertible {
        var sizes: [[MeasurementPoint: (Int64, Int64)]]
        var lengths: [(Int64, Int64)]
        var leg: [MeasurementPoint: Int64]
        var toleranceTenths: Int64
        /// The ankle's own widening: never implied by `toleranceTenths` (issue 20; compression.md §4).
        var ankleToleranceTenths: Int64

        var description: String {
            "sizes \(sizes) lengths \(lengths) leg \(leg) tolerance \(toleranceTenths) ankle \(ankleToleranceTenths)"
        }

        /// How far `point`'s ranges are widened: cB by the ankle's tolerance only.
        func widening(_ point: MeasurementPoint) -> Int64 {
            point == .cB ? ankleToleranceTenths : toleranceTenths
        }

        static let points: [MeasurementPoint] = [.cB, .cC, .cD]

        init(_ numbers: [Int], sizeCount: Int, lengthCount: Int, tolerance: Int) {
            var next = numbers.makeIterator()
            func draw(_ range: ClosedRange<Int64>) -> Int64 {
                let raw = Int64(next.next() ?? 0)
                return range.lowerBound + (raw.magnitude.asInt64 % (range.upperBound - range.lowerBound + 1))
            }
            sizes = (0..<sizeCount).map { index in
                var ranges: [MeasurementPoint: (Int64, Int64)] = [:]
                for point in Self.points {
                    // Sizes grow roughly with the index, overlapping neighbours; some bounds coincide.
                    let low = 150 + Int64(index) * 20 + draw(0...30)
                    ranges[point] = (low, low + draw(0...60))
                }
                return ranges
            }
            lengths = (0..<lengthCount).map { index in
                let low = 320 + Int64(index) * 50 + draw(0...40)
                return (low, low + draw(0...70))
            }
            leg = [:]
            for point in Self.points { leg[point] = draw(140...320) }
            leg[.lD] = draw(300...560)
            toleranceTenths = Int64(tolerance)
            ankleToleranceTenths = draw(0...1) == 0 ? 0 : draw(0...5)
        }

        func catalog() -> String {
            func cm(_ tenths: Int64) -> String { "\(tenths / 10).\(tenths % 10)" }
            let sizeRows = sizes.enumerated().map { index, ranges in
                let cells = Self.points.map { "\"\($0.rawValue)\": [\(cm(ranges[$0]!.0)), \(cm(ranges[$0]!.1))]" }
                return "{\"size\": \"S\(index)\", \(cells.joined(separator: ", "))}"
            }
            let lengthRows = lengths.enumerated().map { index, range in
                "{\"style\": \"AD\", \"name\": \"L\(index)\", \"lD\": [\(cm(range.0)), \(cm(range.1))]}"
            }
            // Random neighbours may overlap in any order: the engine must cope with that too.
            return catalogJSON(sizes: sizeRows, lengths: lengthRows, exceptions: [.sizesOutOfOrder])
        }

        func measurements() -> LegMeasurements {
            var measured = LegMeasurements()
            for (point, tenths) in leg { measured[point] = Length(micrometres: tenths * 1_000) }
            return measured
        }

        /// The oracle: every size holding every point (ranges widened by the tolerance, the
        /// ankle's by its own), in order.
        func fittingSizes() -> [Int] {
            sizes.indices.filter { index in
                Self.points.allSatisfy { point in
                    let (low, high) = sizes[index][point]!
                    return leg[point]! >= low - widening(point) && leg[point]! <= high + widening(point)
                }
            }
        }

        /// The sizes that hold every point without any widening.
        func plainSizes() -> [Int] {
            sizes.indices.filter { index in
                Self.points.allSatisfy { point in
                    let (low, high) = sizes[index][point]!
                    return leg[point]! >= low && leg[point]! <= high
                }
            }
        }

        func fittingLengths() -> [Int] {
            lengths.indices.filter { lengths[$0].0 <= leg[.lD]! && leg[.lD]! <= lengths[$0].1 }
        }
    }

    static let cases = Gen.int(in: 0...1_000_000).array(of: 40)
    static let sizeCounts = Gen.int(in: 1...8)
    static let lengthCounts = Gen.int(in: 0...3)
    static let tolerances = Gen.int(in: 0...5)

    func run(_ random: RandomCase) throws -> LineFit {
        let line = try decodeCatalog(random.catalog()).lines[0]
        let request = FitRequest(
            style: .AD, pressureClass: ral2, tolerance: Length(micrometres: random.toleranceTenths * 1_000),
            ankleTolerance: Length(micrometres: random.ankleToleranceTenths * 1_000))
        return try FitEngine.fit(random.measurements(), line: line, request: request)
    }

    @Test("the outcome is standard exactly when some size holds every point and some length holds lD")
    func outcomeMatchesOracle() async {
        await propertyCheck(count: 300, input: Self.cases, Self.sizeCounts, Self.lengthCounts, Self.tolerances) {
            numbers, sizes, lengths, tolerance in
            let random = RandomCase(numbers, sizeCount: sizes, lengthCount: lengths, tolerance: tolerance)
            let result = try? run(random)
            guard let result else {
                Issue.record("fit failed for \(random)")
                return
            }
            let expectStandard = !random.fittingSizes().isEmpty && (lengths == 0 || !random.fittingLengths().isEmpty)
            #expect((result.outcome == .standard) == expectStandard, "\(random)")
            if result.outcome == .standard {
                #expect(Set(result.candidates.map(\.size)) == Set(random.fittingSizes().map { "S\($0)" }), "\(random)")
            } else {
                #expect(!result.reasons.isEmpty, "a made-to-measure result needs a reason: \(random)")
            }
        }
    }

    @Test(
        "a size that fits only by a tolerance is marked to confirm, and without an ankle tolerance cB is never outside a ready-made size (issue 20; compression.md §4: the class's pressure is defined at the ankle)"
    )
    func toleranceIsMarkedAndNeverWidensTheAnkle() async {
        await propertyCheck(count: 300, input: Self.cases, Self.sizeCounts, Self.tolerances) {
            numbers, sizes, tolerance in
            var random = RandomCase(numbers, sizeCount: sizes, lengthCount: 0, tolerance: tolerance)
            let plain = Set(random.plainSizes().map { "S\($0)" })
            for ankle: Int64 in [0, random.ankleToleranceTenths] {
                random.ankleToleranceTenths = ankle
                guard let result = try? run(random) else {
                    Issue.record("fit failed for \(random)")
                    return
                }
                for candidate in result.candidates {
                    #expect(candidate.onlyByTolerance == !plain.contains(candidate.size), "\(random)")
                }
                guard result.outcome == .standard else { continue }
                let best = result.candidates[0]
                #expect(result.needsConfirmation == best.onlyByTolerance, "\(random)")
                #expect(result.toleranceNotes.isEmpty == !best.onlyByTolerance, "\(random)")
                if ankle == 0 {
                    let cB = result.points.first { $0.point == .cB }!
                    #expect(cB.range!.contains(cB.value), "the ankle was widened: \(random)")
                }
            }
        }
    }

    @Test("the best candidate has every point inside and the largest smallest margin")
    func bestCandidateIsInsideAndBest() async {
        await propertyCheck(count: 300, input: Self.cases, Self.sizeCounts, Self.tolerances) {
            numbers, sizes, tolerance in
            let random = RandomCase(numbers, sizeCount: sizes, lengthCount: 0, tolerance: tolerance)
            guard let result = try? run(random), result.outcome == .standard else { return }
            #expect(result.points.allSatisfy { $0.inside }, "\(random)")
            // Oracle margin in Double: no other fitting size has a strictly larger smallest margin.
            func smallest(_ index: Int) -> Double {
                RandomCase.points.map { point in
                    let (low, high) = random.sizes[index][point]!
                    let value = random.leg[point]!
                    return high == low
                        ? (value == low ? 0 : -1) : Double(min(value - low, high - value)) / Double(high - low)
                }.min()!
            }
            let best = Int(result.size!.dropFirst())!
            for other in random.fittingSizes() {
                #expect(smallest(other) <= smallest(best) + 1e-12, "\(random)")
                if other < best {
                    #expect(smallest(other) < smallest(best), "a tie must go to the smaller size: \(random)")
                }
            }
        }
    }
}

extension UInt64 {
    fileprivate var asInt64: Int64 { Int64(truncatingIfNeeded: self) }
}

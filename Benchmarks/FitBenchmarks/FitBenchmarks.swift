import Benchmark
import Fitting

/// A deterministic generator (SplitMix64) so every run fits the same legs to the same charts.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// 50 RAL lines × 8 sizes charted at cB, cB1, cC, cD with three length variants, built as catalog
/// JSON and decoded by the real decoder.
func makeLines(_ rng: inout SplitMix) throws -> [ProductLine] {
    var lines: [String] = []
    for index in 0..<50 {
        var sizes: [String] = []
        for size in 0..<8 {
            func range(_ base: Int, _ step: Int, _ width: Int) -> String {
                let low = base + size * step + Int.random(in: 0...10, using: &rng)
                return "[\(low / 10).\(low % 10), \((low + width) / 10).\((low + width) % 10)]"
            }
            sizes.append(
                #"{"size": "S\#(size)", "cB": \#(range(180, 20, 25)), "cB1": \#(range(220, 25, 50)), "cC": \#(range(280, 30, 80)), "cD": \#(range(260, 28, 75))}"#
            )
        }
        lines.append(
            #"""
            {"id": "line-\#(index)", "name": "Line \#(index)", "standard": "RAL", "classes": ["1", "2", "3"],
             "styles": ["AD"], "sizes": [\#(sizes.joined(separator: ","))],
             "lengths": [{"style": "AD", "name": "short", "lD": [32, 38]}, {"style": "AD", "name": "regular", "lD": [38, 44]},
                         {"style": "AD", "name": "long", "lD": [44, 50]}]}
            """#
        )
    }
    let json =
        #"{"format": "compression-catalog", "version": 1, "manufacturer": "Bench", "lines": [\#(lines.joined(separator: ","))]}"#
    return try CatalogDecoder().decode(Array(json.utf8)).lines
}

/// 100 000 legs spread over and beyond the charts, so both outcomes occur.
func makeLegs(_ rng: inout SplitMix) -> [LegMeasurements] {
    (0..<100_000).map { _ in
        var leg = LegMeasurements()
        let ankle = Int64.random(in: 170_000...350_000, using: &rng)
        leg[.cB] = Length(micrometres: ankle)
        leg[.cB1] = Length(micrometres: ankle + Int64.random(in: 20_000...80_000, using: &rng))
        leg[.cC] = Length(micrometres: ankle + Int64.random(in: 90_000...200_000, using: &rng))
        leg[.cD] = Length(micrometres: ankle + Int64.random(in: 70_000...180_000, using: &rng))
        leg[.lD] = Length(micrometres: Int64.random(in: 320_000...520_000, using: &rng))
        return leg
    }
}

let benchmarks: @Sendable () -> Void = {
    var rng = SplitMix(state: 2026)
    // The fixtures are built once, before any measurement.
    guard let lines = try? makeLines(&rng) else { fatalError("the benchmark catalog does not decode") }
    let legs = makeLegs(&rng)
    let request = FitRequest(style: .AD, pressureClass: PressureStandard.RAL.pressureClass("2")!)

    Benchmark(
        "fit one leg to one line (50 lines × 8 sizes, 100 000 legs)",
        configuration: .init(
            metrics: [.throughput, .wallClock, .mallocCountTotal, .peakMemoryResident],
            scalingFactor: .kilo,
            maxDuration: .seconds(5)
        )
    ) { benchmark in
        var standard = 0
        var cursor = 0
        for _ in benchmark.scaledIterations {
            let leg = legs[cursor % legs.count]
            let line = lines[cursor % lines.count]
            cursor &+= 7
            if let fit = try? FitEngine.fit(leg, line: line, request: request), fit.outcome == .standard {
                standard += 1
            }
        }
        blackHole(standard)
    }

    Benchmark(
        "fit 100 000 legs to all 50 lines (5 000 000 fits)",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident], maxIterations: 3)
    ) { benchmark in
        var standard = 0
        for leg in legs {
            for line in lines {
                if let fit = try? FitEngine.fit(leg, line: line, request: request), fit.outcome == .standard {
                    standard += 1
                }
            }
        }
        blackHole(standard)
    }
}

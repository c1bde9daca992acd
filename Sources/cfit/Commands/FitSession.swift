import Fitting

/// Everything `cfit fit` computed, ready to print as a table or JSON.
struct FitReport {
    /// One leg's results.
    struct LegReport {
        let side: Side?
        /// One fit per offering line, ready-made outcomes first.
        let fits: [LineFit]
        let warnings: [String]
    }

    let style: Style
    let unit: LengthUnit
    let tolerance: Length
    let requestedClass: String
    let abpi: ABPI?
    let legs: [LegReport]
    /// Pair verdicts per line when both legs were given, in the order of the left leg's fits.
    let pairs: [PairFit]
}

/// Runs the fit engine for every offering line and leg, applying the ABPI rule first.
struct FitSession {
    let lines: [(line: ProductLine, pressureClass: PressureClass)]
    let style: Style
    let unit: LengthUnit
    let tolerance: Length
    let abpi: ABPI?
    let requestedClass: String

    func run(legs: [(side: Side?, leg: LegMeasurements)]) throws -> FitReport {
        if let abpi, abpi.assessment == .contraindicated {
            throw CLIError(status: .refused, message: "abpi: \(abpi.advice)")
        }
        var reports: [FitReport.LegReport] = []
        for (side, leg) in legs {
            var fits: [LineFit] = []
            for (line, pressureClass) in lines {
                let request = FitRequest(style: style, pressureClass: pressureClass, tolerance: tolerance, unit: unit)
                do {
                    fits.append(try FitEngine.fit(leg, line: line, request: request))
                } catch .missingPoint(let point, let lineID, let style) {
                    let field = side.map { "--\($0.rawValue) \(point.rawValue)" } ?? "--\(point.rawValue)"
                    throw CLIError.badInput(
                        field,
                        expected: "a measurement (line \(lineID) needs \(point.rawValue) for style \(style.rawValue))",
                        found: "none"
                    )
                } catch {
                    throw CLIError(status: .badInput, message: error.description)
                }
            }
            // Ready-made first; the stable sort keeps catalog order within each outcome.
            let ordered = fits.enumerated().sorted { a, b in
                let ar = a.element.outcome == .standard ? 0 : 1
                let br = b.element.outcome == .standard ? 0 : 1
                return ar != br ? ar < br : a.offset < b.offset
            }.map(\.element)
            var warnings = Plausibility.warnings(for: leg, unit: unit)
            if let abpi, abpi.assessment == .specialistAdvice { warnings.insert(abpi.advice, at: 0) }
            reports.append(FitReport.LegReport(side: side, fits: ordered, warnings: warnings))
        }
        var pairs: [PairFit] = []
        if legs.count == 2 {
            for (line, pressureClass) in lines {
                let request = FitRequest(style: style, pressureClass: pressureClass, tolerance: tolerance, unit: unit)
                // Both legs were fitted above without error, so this cannot throw.
                if let pair = try? PairFit(left: legs[0].leg, right: legs[1].leg, line: line, request: request) {
                    pairs.append(pair)
                }
            }
        }
        return FitReport(
            style: style,
            unit: unit,
            tolerance: tolerance,
            requestedClass: requestedClass,
            abpi: abpi,
            legs: reports,
            pairs: pairs
        )
    }
}

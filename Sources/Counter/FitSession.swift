public import Fitting

/// Everything a fitting session computed, ready for any face to show as a table, a page or JSON.
public struct FitReport: Sendable {
    /// One leg's results.
    public struct LegReport: Sendable {
        /// Which leg, or `nil` when one leg was measured without saying which.
        public let side: Side?
        /// One fit per offering line, ready-made outcomes first.
        public let fits: [LineFit]
        /// Safety and plausibility warnings for the person fitting.
        public let warnings: [String]
        /// The leg's ankle-brachial pressure index, if given.
        public let abpi: ABPI?
        /// What the shop's arterial-safety policy says of it (`nil` without an index).
        public let arterial: ArterialPolicy.Verdict?
        /// The arterial status in words: the policy's verdict, or that it is unknown.
        public var arterialWords: String {
            arterial?.words
                ?? "arterial status unknown: no ABPI for this leg; a garment above 20 mmHg is reserved only once this leg's ABPI is recorded at a fitting or the prescriber's arterial assessment is on the prescription"
        }
    }

    /// The style fitted.
    public let style: Style
    /// The unit the measurements were given in.
    public let unit: LengthUnit
    /// How far every size range but the ankle's was widened.
    public let tolerance: Length
    /// How far the ankle's (cB) ranges were widened: only when asked for apart.
    public let ankleTolerance: Length
    /// How far every length range was widened.
    public let lengthTolerance: Length
    /// The class as the fitter gave it.
    public let requestedClass: String
    /// The legs' indices as given, and the confirmation.
    public let indices: ArterialIndices
    /// The shop's arterial-safety policy the indices were judged by.
    public let policy: ArterialPolicy
    /// How and when the legs were measured, and the contraindication checklist.
    public let conditions: MeasurementConditions
    /// Each leg's results.
    public let legs: [LegReport]
    /// Pair verdicts per line when both legs were given, in the order of the left leg's fits.
    public let pairs: [PairFit]
}

/// A fitting at the counter, the same for every face: the ABPI rule first, then the fit engine for
/// every offering line and leg, ready-made results first, pair verdicts for two legs.
///
/// ```swift
/// let session = FitSession(lines: offers, style: .AD, unit: .cm, tolerance: Length(micrometres: 0),
///                          requestedClass: "2")
/// let report = try session.run(legs: [(nil, leg)])
/// ```
public struct FitSession: Sendable {
    /// The lines that offer the style, each with the class resolved in its own standard.
    public let lines: [(line: ProductLine, pressureClass: PressureClass)]
    /// The style.
    public let style: Style
    /// The unit of the measurements.
    public let unit: LengthUnit
    /// How far to widen every size range (circumferences, spec §3.2) but the ankle's.
    public let tolerance: Length
    /// How far to widen the ankle's (cB) ranges: never implied by `tolerance`, since the ankle is
    /// where a class's pressure is defined (issue 20; compression.md §4).
    public let ankleTolerance: Length
    /// How far to widen every length variant's range (0 is the spec's rule).
    public let lengthTolerance: Length
    /// The legs' ankle-brachial pressure indices, as measured.
    public let indices: ArterialIndices
    /// The class as the fitter gave it.
    public let requestedClass: String
    /// The shop's arterial-safety policy (NICE's, the most conservative, unless the shop chose another).
    public let policy: ArterialPolicy
    /// How and when the legs were measured, and the contraindication checklist.
    public let conditions: MeasurementConditions

    /// A session over `lines`.
    public init(
        lines: [(line: ProductLine, pressureClass: PressureClass)], style: Style, unit: LengthUnit, tolerance: Length,
        ankleTolerance: Length = Length(micrometres: 0), lengthTolerance: Length = Length(micrometres: 0),
        indices: ArterialIndices = .none, requestedClass: String, policy: ArterialPolicy = .shopDefault,
        conditions: MeasurementConditions = .none
    ) {
        self.policy = policy
        self.conditions = conditions
        self.ankleTolerance = ankleTolerance
        self.lines = lines
        self.style = style
        self.unit = unit
        self.tolerance = tolerance
        self.lengthTolerance = lengthTolerance
        self.indices = indices
        self.requestedClass = requestedClass
    }

    /// What the engine is asked for a line of `pressureClass`.
    private func request(_ pressureClass: PressureClass) -> FitRequest {
        FitRequest(
            style: style, pressureClass: pressureClass, tolerance: tolerance, ankleTolerance: ankleTolerance,
            lengthTolerance: lengthTolerance, unit: unit)
    }

    /// Fits `legs`. An ABPI the policy refuses is refused before anything is fitted, with the
    /// policy's words and source, named by its leg's field (`abpi_left`); one it allows only with
    /// a specialist's confirmation is fitted, with those words as that leg's first warning (and,
    /// under s2k, a warning on each class above the reduced 30 mmHg). A point a line needs but that
    /// was not measured is bad input naming it (`cB`, or `left cB`).
    public func run(legs: [(side: Side?, leg: LegMeasurements)]) throws(CounterError) -> FitReport {
        try conditions.check()
        try indices.check(sides: legs.map(\.side))
        try policy.check(indices)
        var reports: [FitReport.LegReport] = []
        for (side, leg) in legs {
            let abpi = indices.index(for: side)
            let arterial = try policy.check(abpi, field: ArterialIndices.field(for: side))
            var fits: [LineFit] = []
            for (line, pressureClass) in lines {
                let request = request(pressureClass)
                do {
                    fits.append(try FitEngine.fit(leg, line: line, request: request))
                } catch .missingPoint(let point, let lineID, let style) {
                    throw .badInput(
                        side.map { "\($0.rawValue) \(point.rawValue)" } ?? point.rawValue,
                        expected: "a measurement (line \(lineID) needs \(point.rawValue) for style \(style.rawValue))",
                        found: "none"
                    )
                } catch {
                    throw .badInput(
                        "measurements", expected: "measurements the engine can fit", found: error.description)
                }
            }
            // Ready-made first; the stable sort keeps catalog order within each outcome.
            let ordered = fits.enumerated().sorted { a, b in
                let ar = a.element.outcome == .standard ? 0 : 1
                let br = b.element.outcome == .standard ? 0 : 1
                return ar != br ? ar < br : a.offset < b.offset
            }.map(\.element)
            var warnings = Plausibility.warnings(for: leg, unit: unit)
            warnings.insert(contentsOf: conditions.warnings, at: 0)
            if ankleTolerance.micrometres > 0 {
                warnings.insert(
                    "the ankle (cB) ranges are widened by \(ankleTolerance.formatted(in: unit)) \(unit.rawValue): the ankle is where the class's pressure is defined, so each size that fits only by it is marked for you to confirm",
                    at: 0)
            }
            if case .confirm(let words) = arterial {
                if policy == .s2k {
                    // S2k: at 0.5–0.8 only a reduced pressure, about 30 mmHg at most.
                    let above = Set(lines.map(\.pressureClass).filter { ($0.upperTenths ?? Int.max) > 300 })
                    for pressureClass in above.sorted(by: { $0.code < $1.code }) {
                        warnings.insert(
                            "\(pressureClass.standard.rawValue) \(pressureClass.label) (\(pressureClass.rangeText)) is above the reduced pressure of 30 mmHg that \(policy.source) allows at ABPI \(abpi.map { "\($0)" } ?? "?"): it will not be reserved for this leg",
                            at: 0)
                    }
                }
                warnings.insert(words, at: 0)
            }
            reports.append(
                FitReport.LegReport(side: side, fits: ordered, warnings: warnings, abpi: abpi, arterial: arterial))
        }
        var pairs: [PairFit] = []
        if legs.count == 2 {
            for (line, pressureClass) in lines {
                let request = request(pressureClass)
                do {
                    pairs.append(try PairFit(left: legs[0].leg, right: legs[1].leg, line: line, request: request))
                } catch {
                    throw .badInput("measurements", expected: "both legs fitted for \(line.id)", found: "\(error)")
                }
            }
        }
        return FitReport(
            style: style,
            unit: unit,
            tolerance: tolerance,
            ankleTolerance: ankleTolerance,
            lengthTolerance: lengthTolerance,
            requestedClass: requestedClass,
            indices: indices,
            policy: policy,
            conditions: conditions,
            legs: reports,
            pairs: pairs
        )
    }
}

extension PressureClass {
    /// The classes of every other standard whose pressure overlaps this one's: an approximation,
    /// never a fit of the class (the standards test pressure differently), shown as one on every face.
    public var approximateEquivalents: [PressureClass] {
        PressureStandard.allCases.filter { $0 != standard }.flatMap { equivalents(in: $0) }
    }

    /// The approximation in words: `"RAL 2 (23–32 mmHg) is roughly BS 2/3, ENV II, US 20-30/30-40
    /// (approximate: standards test pressure differently; never a fit of the class)"`.
    public var approximateEquivalentsWords: String {
        var groups: [(PressureStandard, [String])] = []
        for found in approximateEquivalents {
            if let last = groups.last, last.0 == found.standard {
                groups[groups.count - 1].1.append(found.label)
            } else {
                groups.append((found.standard, [found.label]))
            }
        }
        let named = groups.map { "\($0.0.rawValue) \($0.1.joined(separator: "/"))" }.joined(separator: ", ")
        return
            "\(self) is roughly \(named.isEmpty ? "no class of another standard" : named) (approximate: standards test pressure differently; never a fit of the class)"
    }
}

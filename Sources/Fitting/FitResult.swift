/// Whether a ready-made garment fits, or the leg needs one made to measure.
public enum FitOutcome: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// A ready-made size and length fit every required point.
    case standard
    /// No ready-made size or length fits; one reason per point says why.
    case madeToMeasure = "made-to-measure"

    /// `standard` or `made-to-measure`.
    public var description: String { rawValue }
}

/// One size that fits, with the length chosen for the leg.
public struct FitCandidate: Hashable, Sendable {
    /// The size's name.
    public let size: String
    /// The length variant's name (`"standard"` when the style has none).
    public internal(set) var length: String
    /// The smallest relative margin over the required circumference points.
    public let margin: Margin
    /// Whether some point lies outside the size's own range and inside only thanks to a tolerance:
    /// such a size is offered for the fitter to confirm, never as a plain fit.
    public let onlyByTolerance: Bool
    /// The size's position in the line's chart.
    let sizeIndex: Int
}

/// How one required point of the leg compares with the chosen (or nearest) size or length variant.
public struct PointReport: Hashable, Sendable {
    /// The point.
    public let point: MeasurementPoint
    /// What was measured.
    public let value: Length
    /// The range the size or length variant gives; `nil` when that size gives none for the point.
    public let range: MeasureRange?
    /// Whether the value lies inside the range (widened by the tolerance).
    public let inside: Bool
    /// The relative margin (0 on a bound, 0.5 in the middle, negative outside); `nil` without a range.
    public let margin: Margin?

    /// Whether the value lies outside the chart's own range and is counted inside only thanks to
    /// a tolerance.
    public var insideOnlyByTolerance: Bool {
        guard inside, let range else { return false }
        return !range.contains(value)
    }

    /// How far the value is from the nearer bound (negative outside the range).
    public var distanceToNearerBound: Int64? {
        guard let range else { return nil }
        return min(value.micrometres - range.lower.micrometres, range.upper.micrometres - value.micrometres)
    }
}

/// Why a leg needs a made-to-measure garment: one point outside the nearest size or length variant.
public struct MadeToMeasureReason: Hashable, Sendable {
    /// The point that does not fit.
    public let point: MeasurementPoint
    /// What was measured there.
    public let value: Length
    /// The nearest size (for a circumference) the value was compared with.
    public let size: String?
    /// The nearest length variant (for the length point) the value was compared with.
    public let length: String?
    /// That size's or variant's range; `nil` when the size gives no range for the point.
    public let range: MeasureRange?
    /// The unit the fitter used, which the message speaks in.
    public let unit: LengthUnit

    /// The reason in plain words, in the unit the fitter used: `"cC 40 cm is 2 cm above size II 30–38 cm"`.
    ///
    /// Worked out when asked for, so that fitting thousands of legs does not format text nobody reads.
    public var message: String {
        let u = unit.rawValue
        let measured = "\(point.rawValue) \(value.formatted(in: unit)) \(u)"
        guard let range else { return "\(measured): size \(size ?? "?") gives no range for \(point.rawValue)" }
        let what = length.map { "the nearest length, \($0)," } ?? "size \(size ?? "?")"
        let gap = Length(micrometres: range.distance(to: value)).tapeFormatted(in: unit)
        let side = value < range.lower ? "below" : "above"
        return "\(measured) is \(gap) \(u) \(side) \(what) \(range.tapeFormatted(in: unit)) \(u)"
    }
}

/// The engine's answer for one leg, one line, one style and one class.
///
/// ```swift
/// let fit = try FitEngine.fit(leg, line: line, request: FitRequest(style: .AD, pressureClass: rx))
/// if fit.outcome == .standard { print(fit.size!, fit.length!) } else { fit.reasons.forEach { print($0.message) } }
/// ```
public struct LineFit: Hashable, Sendable {
    /// The product line fitted.
    public let line: ProductLine
    /// The style fitted.
    public let style: Style
    /// The class prescribed (in the line's standard).
    public let pressureClass: PressureClass
    /// Ready-made or made to measure.
    public let outcome: FitOutcome
    /// Every size that fits, best first; empty for made-to-measure.
    public let candidates: [FitCandidate]
    /// The required points against the best size (or, for made-to-measure, the nearest size).
    public let points: [PointReport]
    /// For made-to-measure, one reason per point out of range.
    public let reasons: [MadeToMeasureReason]
    /// The size the points were compared with: the best candidate, or the nearest size.
    public let comparedSize: String?
    /// The unit the fitter used, which the words speak in.
    public let unit: LengthUnit

    /// Whether the ready-made result fits only thanks to a tolerance, so that the fitter must
    /// confirm it: a point of the best size, or its length, lies outside the chart's own range.
    public var needsConfirmation: Bool {
        outcome == .standard && points.contains(where: \.insideOnlyByTolerance)
    }

    /// For a ready-made result that fits only thanks to a tolerance, one line per point outside
    /// the chart's own range, saying so and asking the fitter to confirm; the ankle's says why it
    /// matters most. Empty otherwise.
    ///
    /// `"cC 36.3 cm is 0.3 cm above size II 30–36 cm: it fits only by the tolerance; confirm before ordering"`
    public var toleranceNotes: [String] {
        guard outcome == .standard else { return [] }
        let u = unit.rawValue
        return points.filter(\.insideOnlyByTolerance).compactMap { report in
            guard let range = report.range else { return nil }
            let gap = Length(micrometres: range.distance(to: report.value)).tapeFormatted(in: unit)
            let side = report.value < range.lower ? "below" : "above"
            let what = report.point == style.lengthPoint ? "length \(length ?? "?")" : "size \(size ?? "?")"
            let head =
                "\(report.point.rawValue) \(report.value.formatted(in: unit)) \(u) is \(gap) \(u) \(side) \(what) \(range.tapeFormatted(in: unit)) \(u)"
            if report.point == .cB {
                return
                    "\(head): it fits only by the ankle tolerance, and the ankle is where the class's pressure is defined (too small over-compresses, too large under-treats); confirm before ordering"
            }
            return "\(head): it fits only by the tolerance; confirm before ordering"
        }
    }

    /// The best size, or `nil` for made-to-measure.
    public var size: String? { outcome == .standard ? candidates.first?.size : nil }
    /// The length of the best size, or `nil` for made-to-measure.
    public var length: String? { outcome == .standard ? candidates.first?.length : nil }
}

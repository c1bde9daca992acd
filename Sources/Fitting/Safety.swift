/// The ankle-brachial pressure index and what it means for compression (NHS/NICE guidance).
///
/// Arterial disease is the key contraindication: below 0.5 compression must not be applied.
///
/// ```swift
/// let abpi = try ABPI.parse("0.72")
/// abpi.assessment   // .specialistAdvice
/// ```
public struct ABPI: Hashable, Sendable, CustomStringConvertible {
    /// The index in hundredths (0.72 is 72), held exactly so that 0.5 and 0.8 are exact bounds.
    public let hundredths: Int64

    /// What the index says about compressing this leg.
    public enum Assessment: String, Hashable, Sendable {
        /// Below 0.5: compression is contraindicated.
        case contraindicated
        /// 0.5–0.79 or above 1.3: seek specialist advice before compressing.
        case specialistAdvice = "specialist-advice"
        /// 0.8–1.3: compression is safe as far as the ABPI tells.
        case safe
    }

    /// Why text is not an ABPI.
    public enum ParseError: Error, Hashable, Sendable {
        /// Not a positive decimal number.
        case notAPositiveNumber
        /// Not a plausible index (above 3).
        case implausible
    }

    /// Reads an index such as `"0.9"` (or `"0,9"`).
    public static func parse(_ text: some StringProtocol) throws(ParseError) -> ABPI {
        guard let value = try? ScaledDecimal.parse(Substring(text), scale: 100), value > 0 else {
            throw .notAPositiveNumber
        }
        guard value <= 300 else { throw .implausible }
        return ABPI(hundredths: value)
    }

    /// An index of `hundredths / 100`.
    public init(hundredths: Int64) {
        self.hundredths = hundredths
    }

    /// What the index means for compression.
    public var assessment: Assessment {
        if hundredths < 50 { return .contraindicated }
        if hundredths < 80 || hundredths > 130 { return .specialistAdvice }
        return .safe
    }

    /// The guidance in plain words.
    public var advice: String {
        switch assessment {
        case .contraindicated:
            "ABPI \(self) is below 0.5: compression is contraindicated (arterial disease); refer to a specialist"
        case .specialistAdvice where hundredths < 80:
            "ABPI \(self) is between 0.5 and 0.79: seek specialist advice before compression"
        case .specialistAdvice:
            "ABPI \(self) is above 1.3 (arteries may be incompressible): seek specialist advice before compression"
        case .safe:
            "ABPI \(self) is within 0.8–1.3: compression is safe as far as the ABPI tells"
        }
    }

    /// `"0.72"`.
    public var description: String {
        ScaledDecimal.format(hundredths, scale: 100, minFractionDigits: 1, maxFractionDigits: 2)
    }
}

/// Checks a leg for measurements that are probably mistakes: a circumference outside 10–150 cm,
/// an ankle larger than the calf, or heights that do not increase up the leg.
///
/// These are warnings, never refusals: a fitter may have a real leg in front of them that breaks
/// the pattern, but a typo (36 for 63) should be caught at the counter, not at the patient.
public enum Plausibility {
    /// One warning per problem found, in order up the leg; empty when the leg looks plausible.
    public static func warnings(for leg: LegMeasurements, unit: LengthUnit = .cm) -> [String] {
        var warnings: [String] = []
        let low = Length(micrometres: 100_000)
        let high = Length(micrometres: 1_500_000)
        for point in MeasurementPoint.circumferences {
            guard let value = leg[point], value < low || value > high else { continue }
            warnings.append(
                "\(point.rawValue) \(value.formatted(in: unit)) \(unit.rawValue) is outside the plausible "
                    + "\(low.formatted(in: unit))–\(high.formatted(in: unit)) \(unit.rawValue) for a circumference; check the measurement"
            )
        }
        warnings += unitWarnings(for: leg, unit: unit)
        if let ankle = leg[.cB], let calf = leg[.cC], ankle > calf {
            warnings.append(
                "cB \(ankle.formatted(in: unit)) \(unit.rawValue) (ankle) is larger than cC \(calf.formatted(in: unit)) \(unit.rawValue) (calf); check both"
            )
        }
        var previous: (point: MeasurementPoint, value: Length)?
        for point in MeasurementPoint.lengths {
            guard let value = leg[point] else { continue }
            if let previous, value <= previous.value {
                warnings.append(
                    "\(point.rawValue) \(value.formatted(in: unit)) \(unit.rawValue) is not above \(previous.point.rawValue) "
                        + "\(previous.value.formatted(in: unit)) \(unit.rawValue); heights must increase up the leg"
                )
            }
            previous = (point, value)
        }
        return warnings
    }

    /// Where a leg's circumference usually lies at `point`, in centimetres — much narrower than
    /// ``LegBounds``: a value outside it is not wrong, but one that would sit inside it in the
    /// other unit was most likely measured in that unit.
    public static func usualRange(for point: MeasurementPoint) -> MeasureRange? {
        func cm(_ low: Int64, _ high: Int64) -> MeasureRange {
            MeasureRange(lower: Length(micrometres: low * 10_000), upper: Length(micrometres: high * 10_000))
        }
        switch point {
        case .cA: return cm(15, 35)
        case .cY: return cm(25, 45)
        case .cB: return cm(15, 40)
        case .cB1: return cm(18, 50)
        case .cC, .cD: return cm(22, 70)
        case .cE: return cm(25, 80)
        case .cF: return cm(30, 95)
        case .cG: return cm(35, 110)
        case .cH: return cm(70, 180)
        case .cT: return cm(55, 170)
        default: return nil
        }
    }

    /// A warning for each circumference that is unusual in `unit` but usual had it been typed in
    /// the other unit (a calf of 13.5 "cm", of 36.5 "in"): the counter is asked to check the unit
    /// rather than being handed a quiet made-to-measure.
    public static func unitWarnings(for leg: LegMeasurements, unit: LengthUnit) -> [String] {
        let other: LengthUnit = unit == .cm ? .inch : .cm
        var warnings: [String] = []
        for point in MeasurementPoint.circumferences {
            guard let value = leg[point], let usual = usualRange(for: point), !usual.contains(value) else { continue }
            // The same number read in the other unit (exact: 13.5 cm is 135 000 µm, 13.5 in 342 900 µm).
            let reread = value.micrometres * other.micrometres / unit.micrometres
            guard usual.contains(Length(micrometres: reread)) else { continue }
            warnings.append(
                "\(point.rawValue) \(value.formatted(in: unit)) \(unit.rawValue) is unusual for a leg there "
                    + "(\(usual.lower.formatted(in: unit))–\(usual.upper.formatted(in: unit)) \(unit.rawValue)) but usual in \(other.rawValue): check the unit"
            )
        }
        return warnings
    }
}

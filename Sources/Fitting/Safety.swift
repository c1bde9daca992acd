/// The ankle-brachial pressure index: the ratio of the ankle's systolic pressure to the arm's, the
/// measure of arterial disease that decides whether a leg may be compressed. What it means is the
/// shop's arterial-safety policy's to say (``ArterialPolicy``).
///
/// ```swift
/// let abpi = try ABPI.parse("0.72")
/// ArterialPolicy.nice.judge(abpi)   // .refuse("ABPI 0.72 is below 0.8: …")
/// ```
public struct ABPI: Hashable, Sendable, CustomStringConvertible {
    /// The index in hundredths (0.72 is 72), held exactly so that 0.5 and 0.8 are exact bounds.
    public let hundredths: Int64

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

    /// `"0.72"`.
    public var description: String {
        ScaledDecimal.format(hundredths, scale: 100, minFractionDigits: 1, maxFractionDigits: 2)
    }
}

/// Which guidance decides what an ABPI allows. Guidance differs by country, so it is the shop's
/// choice; the default is the most conservative one, NICE's.
///
/// | policy | refuse (refer) | only with a specialist's confirmation | compress |
/// |---|---|---|---|
/// | `nice` — NICE CKS, compression stockings | below 0.8, above 1.3 | — | 0.8–1.3 |
/// | `formulary` — NHS formularies (e.g. Devon) | below 0.5 | 0.5–0.79, 1.4 and above | 0.8–1.39 |
/// | `s2k` — German S2k guideline (medical compression therapy) | below 0.5 | 0.5–0.8, at a reduced pressure of about 30 mmHg at most, under supervision | above 0.8 |
///
/// ```swift
/// ArterialPolicy.nice.judge(try ABPI.parse("0.7"))        // .refuse(…)
/// ArterialPolicy.formulary.judge(try ABPI.parse("0.7"))   // .confirm(…)
/// ```
public enum ArterialPolicy: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// NICE CKS (UK): below 0.8 do not prescribe stockings and refer; above 1.3 avoid and refer.
    case nice
    /// NHS formularies (e.g. Devon): below 0.5 do not compress; 0.5–0.79 and from 1.4 only with
    /// specialist advice.
    case formulary
    /// The German S2k guideline: below 0.5 an absolute contraindication; 0.5–0.8 relative (reduced
    /// pressure, about 30 mmHg, under supervision).
    case s2k

    /// The policy's name and its source, as every verdict quotes them.
    public var source: String {
        switch self {
        case .nice: "policy nice: NICE CKS, compression stockings"
        case .formulary: "policy formulary: NHS formularies (e.g. Devon)"
        case .s2k: "policy s2k: German S2k guideline, medical compression therapy"
        }
    }

    /// `nice`, `formulary` or `s2k`.
    public var description: String { rawValue }

    /// The policy a shop has until it chooses another: the most conservative.
    public static let shopDefault = ArterialPolicy.nice

    /// What an ABPI allows under this policy.
    public enum Verdict: Hashable, Sendable {
        /// Compression is safe as far as the ABPI tells.
        case compress(String)
        /// Compression only with a specialist's confirmation recorded (and, where the policy says
        /// so, at a reduced pressure).
        case confirm(String)
        /// Do not compress: refer.
        case refuse(String)

        /// The verdict in words, naming the policy and its source.
        public var words: String {
            switch self {
            case .compress(let words), .confirm(let words), .refuse(let words): words
            }
        }
    }

    /// What a leg's systolic ankle or toe pressure (mmHg) allows under this policy: the S2k
    /// guideline refuses an ankle pressure below 60 mmHg and a toe pressure below 30 mmHg (absolute
    /// contraindications); the other policies record them (NICE CKS: where calcified arteries make the
    /// ABPI unreliable, toe pressure is more useful) and give no threshold of their own, so `nil`.
    ///
    /// ```swift
    /// ArterialPolicy.s2k.judge(anklePressure: 55, toePressure: nil)   // .refuse("ankle pressure 55 mmHg is below 60 mmHg: …")
    /// ```
    public func judge(anklePressure: Int?, toePressure: Int?) -> Verdict? {
        guard self == .s2k else { return nil }
        if let ankle = anklePressure, ankle < 60 {
            return .refuse(
                "ankle pressure \(ankle) mmHg is below 60 mmHg: compression is contraindicated (absolute); refer (\(source))"
            )
        }
        if let toe = toePressure, toe < 30 {
            return .refuse(
                "toe pressure \(toe) mmHg is below 30 mmHg: compression is contraindicated (absolute); refer (\(source))"
            )
        }
        return nil
    }

    /// What `abpi` allows under this policy, in words that name the policy and its source.
    public func judge(_ abpi: ABPI) -> Verdict {
        let value = abpi.hundredths
        switch self {
        case .nice:
            if value < 80 {
                return .refuse(
                    "ABPI \(abpi) is below 0.8: do not compress; refer for a vascular assessment (\(source))")
            }
            if value > 130 {
                return .refuse(
                    "ABPI \(abpi) is above 1.3: the arteries may be incompressible; avoid compression and refer (\(source))"
                )
            }
            return .compress("ABPI \(abpi) is within 0.8–1.3: compression is safe as far as the ABPI tells (\(source))")
        case .formulary:
            if value < 50 {
                return .refuse("ABPI \(abpi) is below 0.5: do not compress (arterial disease); refer (\(source))")
            }
            if value < 80 {
                return .confirm(
                    "ABPI \(abpi) is between 0.5 and 0.79: compression only with a specialist's confirmation (\(source))"
                )
            }
            if value >= 140 {
                return .confirm(
                    "ABPI \(abpi) is 1.4 or above: compression only with a specialist's confirmation (\(source))")
            }
            return .compress(
                "ABPI \(abpi) is within 0.8–1.39: compression is safe as far as the ABPI tells (\(source))")
        case .s2k:
            if value < 50 {
                return .refuse(
                    "ABPI \(abpi) is below 0.5: compression is contraindicated (absolute); refer (\(source))")
            }
            if value <= 80 {
                return .confirm(
                    "ABPI \(abpi) is between 0.5 and 0.8: only a reduced pressure of about 30 mmHg at most, under supervision, with a specialist's confirmation (\(source))"
                )
            }
            return .compress("ABPI \(abpi) is above 0.8: compression is safe as far as the ABPI tells (\(source))")
        }
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

/// What a fitter checks before compressing a leg, besides its arteries: the German S2k
/// guideline's absolute and relative contraindications and the formularies' exclusions. An
/// absolute one refuses (refer); a relative one allows compression only with a specialist's
/// confirmation, recorded with the fitting.
///
/// ```swift
/// Contraindication.phlegmasia.isAbsolute     // true
/// Contraindication(rawValue: "neuropathy")   // .neuropathy, relative
/// ```
public enum Contraindication: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Decompensated heart failure (NYHA III–IV): absolute.
    case heartFailure = "heart-failure"
    /// Septic phlebitis: absolute.
    case septicPhlebitis = "septic-phlebitis"
    /// Phlegmasia coerulea dolens: absolute.
    case phlegmasia
    /// Severe neuropathy or sensory loss: relative.
    case neuropathy
    /// Fragile or weeping skin (weeping dermatoses): relative.
    case skin
    /// A recent skin graft or arterial bypass: relative.
    case graft
    /// An allergy to the garment's material: relative.
    case allergy
    /// Advanced polyarthritis: relative.
    case polyarthritis

    /// Whether compression is refused outright (else it needs a specialist's confirmation).
    public var isAbsolute: Bool {
        switch self {
        case .heartFailure, .septicPhlebitis, .phlegmasia: true
        default: false
        }
    }

    /// The contraindication in words.
    public var words: String {
        switch self {
        case .heartFailure: "decompensated heart failure"
        case .septicPhlebitis: "septic phlebitis"
        case .phlegmasia: "phlegmasia coerulea dolens"
        case .neuropathy: "neuropathy or severe sensory loss"
        case .skin: "fragile or weeping skin"
        case .graft: "a recent skin graft or arterial bypass"
        case .allergy: "an allergy to the material"
        case .polyarthritis: "advanced polyarthritis"
        }
    }

    /// The code (`heart-failure`).
    public var description: String { rawValue }

    /// Where the rule comes from.
    public static let source =
        "German S2k guideline, medical compression therapy; NICE CKS and NHS formularies' exclusions"
}

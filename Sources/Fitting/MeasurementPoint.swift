/// A place on the leg where a fitter measures: a circumference (`cB`, `cC`, …) or a height above the
/// floor (`lD`, `lG`, …), named by the codes used on every European size chart.
///
/// The cases are in order up the leg, circumferences first, so sorting points gives the order a
/// fitter measures in.
///
/// ```swift
/// MeasurementPoint(rawValue: "cB")?.isCircumference   // true
/// MeasurementPoint.cB.description                     // "ankle, smallest circumference above the ankle bones"
/// ```
public enum MeasurementPoint: String, CaseIterable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Around the metatarsal heads (forefoot).
    case cA
    /// Heel–instep diagonal, foot at 90°.
    case cY
    /// The smallest circumference above the ankle bones; the class pressure is defined here.
    case cB
    /// Where the Achilles tendon meets the calf muscle.
    case cB1
    /// The largest calf circumference.
    case cC
    /// About two finger-widths below the knee crease.
    case cD
    /// Mid-knee.
    case cE
    /// Mid-thigh.
    case cF
    /// Top of the thigh (groin).
    case cG
    /// Hip at its widest.
    case cH
    /// Waist.
    case cT
    /// Height of the ankle point above the floor.
    case lB
    /// Height of the B1 point above the floor.
    case lB1
    /// Height of the calf point above the floor.
    case lC
    /// Height of the point below the knee; the length of a knee-high garment.
    case lD
    /// Height of mid-knee.
    case lE
    /// Height of mid-thigh; the length of a mid-thigh garment.
    case lF
    /// Height of the groin; the length of a thigh-high garment.
    case lG
    /// Height of the waist; the length of tights.
    case lT

    /// The circumference points, in order up the leg.
    public static let circumferences: [MeasurementPoint] = allCases.filter(\.isCircumference)
    /// The length points, in order up the leg.
    public static let lengths: [MeasurementPoint] = allCases.filter { !$0.isCircumference }

    /// Whether this is a circumference (`c…`) rather than a height above the floor (`l…`).
    public var isCircumference: Bool { rawValue.hasPrefix("c") }

    /// The position of the point in ``allCases``; a dense index for fixed-size storage.
    public var index: Int {
        switch self {
        case .cA: 0
        case .cY: 1
        case .cB: 2
        case .cB1: 3
        case .cC: 4
        case .cD: 5
        case .cE: 6
        case .cF: 7
        case .cG: 8
        case .cH: 9
        case .cT: 10
        case .lB: 11
        case .lB1: 12
        case .lC: 13
        case .lD: 14
        case .lE: 15
        case .lF: 16
        case .lG: 17
        case .lT: 18
        }
    }

    /// Where on the leg the point is, in words a patient's notes would use.
    public var description: String {
        switch self {
        case .cA: "forefoot, around the metatarsal heads"
        case .cY: "heel–instep diagonal"
        case .cB: "ankle, smallest circumference above the ankle bones"
        case .cB1: "where the Achilles tendon meets the calf"
        case .cC: "calf at its largest"
        case .cD: "below the knee"
        case .cE: "mid-knee"
        case .cF: "mid-thigh"
        case .cG: "top of the thigh"
        case .cH: "hip at its widest"
        case .cT: "waist"
        case .lB: "height of the ankle point"
        case .lB1: "height of the B1 point"
        case .lC: "height of the calf point"
        case .lD: "height below the knee"
        case .lE: "height of mid-knee"
        case .lF: "height of mid-thigh"
        case .lG: "height of the groin"
        case .lT: "height of the waist"
        }
    }

    /// The point's short name at the counter, beside its code: `ankle` for cB, `calf` for cC,
    /// `length to below the knee` for lD (a code alone reads `lD` as "ID").
    public var name: String {
        switch self {
        case .cA: "forefoot"
        case .cY: "heel–instep"
        case .cB: "ankle"
        case .cB1: "above the ankle (B1)"
        case .cC: "calf"
        case .cD: "below the knee"
        case .cE: "knee"
        case .cF: "mid-thigh"
        case .cG: "top of the thigh"
        case .cH: "hip"
        case .cT: "waist"
        case .lB: "ankle height"
        case .lB1: "B1 height"
        case .lC: "calf height"
        case .lD: "length to below the knee"
        case .lE: "length to mid-knee"
        case .lF: "length to mid-thigh"
        case .lG: "length to the groin"
        case .lT: "length to the waist"
        }
    }

    /// Whether `lhs` comes before `rhs` going up the leg.
    public static func < (lhs: MeasurementPoint, rhs: MeasurementPoint) -> Bool {
        lhs.index < rhs.index
    }
}

extension MeasurementPoint {
    /// Point codes as they go up the leg, circumferences before lengths (the order of
    /// ``allCases``); a code that is not a point comes last. For order sheets and tables:
    /// `upTheLeg(["lD", "cC", "cB"])` is `["cB", "cC", "lD"]`.
    public static func upTheLeg(_ codes: some Collection<String>) -> [String] {
        let rank = { (code: String) in
            MeasurementPoint(rawValue: code).flatMap { allCases.firstIndex(of: $0) } ?? .max
        }
        return codes.sorted { (rank($0), $0) < (rank($1), $1) }
    }
}

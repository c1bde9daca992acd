/// A garment style by how far up the leg it reaches, with the RAL letters used on prescriptions.
///
/// Each style knows the circumference points its fabric covers and the length point that sets the
/// garment's length, so the fit engine checks exactly what the garment will touch.
///
/// ```swift
/// Style.AD.circumferencePoints   // [.cB, .cB1, .cC, .cD]
/// Style.AG.lengthPoint           // .lG
/// ```
public enum Style: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Knee-high (calf) stocking, up to the point below the knee.
    case AD
    /// Mid-thigh stocking.
    case AF
    /// Thigh-high stocking, with or without a silicone band.
    case AG
    /// Tights (pantyhose), which need both legs.
    case AT

    /// The circumference points the garment is sized by, in order up the leg (the RAL table: foot
    /// points `cA` and `cY` size no ready-made style).
    public var circumferencePoints: [MeasurementPoint] {
        switch self {
        case .AD: [.cB, .cB1, .cC, .cD]
        case .AF: [.cB, .cB1, .cC, .cD, .cE, .cF]
        case .AG: [.cB, .cB1, .cC, .cD, .cE, .cF, .cG]
        case .AT: [.cB, .cB1, .cC, .cD, .cE, .cF, .cG, .cH, .cT]
        }
    }

    /// The position of the style in ``allCases``, for dense per-style tables.
    public var index: Int {
        switch self {
        case .AD: 0
        case .AF: 1
        case .AG: 2
        case .AT: 3
        }
    }

    /// The height that gives the garment's length.
    public var lengthPoint: MeasurementPoint {
        switch self {
        case .AD: .lD
        case .AF: .lF
        case .AG: .lG
        case .AT: .lT
        }
    }

    /// The circumference points a chart must give for every size before it may offer this style:
    /// the ankle, where the class pressure is defined; the calf; and the point where the garment ends
    /// on the thigh or hip. Without them no size can be chosen safely.
    public var essentialPoints: [MeasurementPoint] {
        switch self {
        case .AD: [.cB, .cC]
        case .AF: [.cB, .cC, .cF]
        case .AG: [.cB, .cC, .cG]
        case .AT: [.cB, .cC, .cG, .cH]
        }
    }

    /// Whether the style reaches `point` (a circumference it covers or its own length point).
    public func reaches(_ point: MeasurementPoint) -> Bool {
        point == lengthPoint || circumferencePoints.contains(point)
    }

    /// The garment in plain words.
    public var description: String {
        switch self {
        case .AD: "knee-high"
        case .AF: "mid-thigh"
        case .AG: "thigh-high"
        case .AT: "tights"
        }
    }
}

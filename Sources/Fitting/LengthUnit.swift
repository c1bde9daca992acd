/// The unit a person types or a chart is printed in: centimetres or inches.
///
/// Both are exact whole numbers of micrometres (1 cm = 10 000 µm, 1 in = 25 400 µm), which is how
/// ``Length`` holds every measurement.
public enum LengthUnit: String, CaseIterable, Sendable, Hashable {
    /// Centimetres, the unit of European charts and of the measuring tape at most counters.
    case cm
    /// Inches (exactly 25.4 mm), the unit of many US charts.
    case inch = "in"

    /// How many micrometres one of this unit is.
    public var micrometres: Int64 {
        switch self {
        case .cm: 10_000
        case .inch: 25_400
        }
    }

    /// Digits after the point needed to print any micrometre value so that reading it back gives the
    /// same value (cm: 4 digits are exact; in: 5 digits are within 0.13 µm).
    var exactFractionDigits: Int {
        switch self {
        case .cm: 4
        case .inch: 5
        }
    }
}

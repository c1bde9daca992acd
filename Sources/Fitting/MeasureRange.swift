/// A closed interval of lengths `[lower, upper]`, as a size chart gives for one point of one size.
///
/// Both bounds belong to the range: a value on a bound that two neighbouring sizes share fits both.
///
/// ```swift
/// let cB = MeasureRange(lower: Length(micrometres: 200_000), upper: Length(micrometres: 220_000))
/// cB.contains(Length(micrometres: 220_000))   // true
/// ```
public struct MeasureRange: Hashable, Sendable {
    /// The smallest length inside the range.
    public var lower: Length
    /// The largest length inside the range.
    public var upper: Length

    /// A range from `lower` to `upper`, both included. `lower` must not exceed `upper`.
    public init(lower: Length, upper: Length) {
        precondition(lower <= upper, "a range's lower bound must not exceed its upper bound")
        self.lower = lower
        self.upper = upper
    }

    /// The width of the range.
    public var width: Int64 { upper.micrometres - lower.micrometres }

    /// Whether `value` lies inside the range widened by `tolerance` on both sides.
    @inlinable
    public func contains(_ value: Length, tolerance: Int64 = 0) -> Bool {
        value.micrometres >= lower.micrometres - tolerance && value.micrometres <= upper.micrometres + tolerance
    }

    /// How far `value` lies outside the range (0 when inside), in micrometres.
    public func distance(to value: Length) -> Int64 {
        if value < lower { return lower.micrometres - value.micrometres }
        if value > upper { return value.micrometres - upper.micrometres }
        return 0
    }

    /// The relative margin of `value`: `min(value − lower, upper − value) / (upper − lower)`.
    ///
    /// 0 on a bound, 0.5 in the middle, negative outside. A range of zero width gives 0 for its one
    /// value and −1 for any other.
    public func margin(of value: Length) -> Margin {
        let v = value.micrometres
        let near = min(v - lower.micrometres, upper.micrometres - v)
        if width == 0 { return Margin(numerator: near == 0 ? 0 : -1, denominator: 1) }
        return Margin(numerator: near, denominator: width)
    }

    /// The range as text in `unit`, e.g. `"20–22"`.
    public func formatted(in unit: LengthUnit) -> String {
        "\(lower.formatted(in: unit))–\(upper.formatted(in: unit))"
    }

    /// `20–22`, each bound as a tape shows it in `unit` (see ``Length/tapeFormatted(in:)``).
    public func tapeFormatted(in unit: LengthUnit) -> String {
        "\(lower.tapeFormatted(in: unit))–\(upper.tapeFormatted(in: unit))"
    }
}

/// A relative margin held as an exact fraction, so that ties between sizes are real ties.
public struct Margin: Comparable, Hashable, Sendable {
    /// The numerator, in micrometres (negative outside the range).
    public var numerator: Int64
    /// The denominator, the range's width in micrometres (positive).
    public var denominator: Int64

    /// A margin of `numerator / denominator`; `denominator` must be positive.
    public init(numerator: Int64, denominator: Int64) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The margin as a floating-point number, for display and JSON only.
    public var value: Double { Double(numerator) / Double(denominator) }

    /// Whether `lhs` is the smaller margin, compared exactly by cross-multiplication.
    public static func < (lhs: Margin, rhs: Margin) -> Bool {
        // Both denominators are positive and every factor is below 10^8, so the products fit.
        lhs.numerator * rhs.denominator < rhs.numerator * lhs.denominator
    }

    /// Whether the two fractions are equal (1/2 equals 2/4).
    public static func == (lhs: Margin, rhs: Margin) -> Bool {
        lhs.numerator * rhs.denominator == rhs.numerator * lhs.denominator
    }

    /// Hashes the fraction's value, so equal fractions hash alike.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(value)
    }
}

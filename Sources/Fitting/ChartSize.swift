/// One size of a product line's chart: its name and a range for each circumference point it gives.
///
/// ```swift
/// let size = ChartSize(name: "II", ranges: [.cB: try .centimetres(20, 22), .cC: try .centimetres(30, 38)])
/// size.range(for: .cB)?.formatted(in: .cm)   // "20–22"
/// ```
public struct ChartSize: Hashable, Sendable {
    /// The size's name on the chart and on the box: `"II"`, `"M"`, `"3"`.
    public let name: String
    /// Ranges indexed by ``MeasurementPoint/index``; `nil` where the chart gives nothing.
    private let storage: [MeasureRange?]

    /// A size with the given ranges; only circumference points belong in a size.
    public init(name: String, ranges: [MeasurementPoint: MeasureRange]) {
        self.name = name
        var storage = [MeasureRange?](repeating: nil, count: MeasurementPoint.allCases.count)
        for (point, range) in ranges { storage[point.index] = range }
        self.storage = storage
    }

    /// The range the chart gives for `point`, if any.
    @inlinable
    public func range(for point: MeasurementPoint) -> MeasureRange? {
        rangeAt(point.index)
    }

    @usableFromInline
    func rangeAt(_ index: Int) -> MeasureRange? { storage[index] }

    /// The points this size gives ranges for, in order up the leg.
    public var points: [MeasurementPoint] {
        MeasurementPoint.allCases.filter { storage[$0.index] != nil }
    }
}

/// A length variant of one style (petite/short, regular, long), chosen by the style's length point.
public struct LengthVariant: Hashable, Sendable {
    /// The style this variant belongs to.
    public let style: Style
    /// The variant's name on the chart: `"short"`, `"regular"`, `"long"`.
    public let name: String
    /// The range of the style's length point (``Style/lengthPoint``) this variant fits.
    public let range: MeasureRange

    /// A variant of `style` named `name` for legs whose length point lies in `range`.
    public init(style: Style, name: String, range: MeasureRange) {
        self.style = style
        self.name = name
        self.range = range
    }

    /// The name every style without length variants has: one length, `"standard"`.
    public static let standardName = "standard"
}

extension MeasureRange {
    /// A range given in whole or decimal centimetres, for code and tests: `try .centimetres(20, 22.5)`.
    public static func centimetres(_ lower: Double, _ upper: Double) throws(Length.ParseError) -> MeasureRange {
        let lo = try Length.parse("\(lower)", unit: .cm)
        let hi = try Length.parse("\(upper)", unit: .cm)
        return MeasureRange(lower: min(lo, hi), upper: max(lo, hi))
    }
}

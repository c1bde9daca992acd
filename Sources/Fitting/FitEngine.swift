/// What the fitter asks of every line: a style, the prescribed class, and how forgiving to be.
public struct FitRequest: Hashable, Sendable {
    /// The garment style prescribed.
    public var style: Style
    /// The class prescribed; only lines of this class's standard and label are fitted.
    public var pressureClass: PressureClass
    /// How far each size range is widened on both sides (default 0).
    public var tolerance: Length
    /// The unit reasons are written in.
    public var unit: LengthUnit

    /// A request for `style` in `pressureClass`, widened by `tolerance`, explained in `unit`.
    public init(style: Style, pressureClass: PressureClass, tolerance: Length = Length(micrometres: 0), unit: LengthUnit = .cm) {
        self.style = style
        self.pressureClass = pressureClass
        self.tolerance = tolerance
        self.unit = unit
    }
}

/// Why a fit could not be computed at all (as opposed to a made-to-measure answer).
public enum FitError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A point the line needs for the style was not measured.
    case missingPoint(MeasurementPoint, line: String, style: Style)
    /// The line is not made in the style or class asked for.
    case notOffered(line: String, style: Style, pressureClass: PressureClass)

    /// One line naming the field and what is wrong.
    public var description: String {
        switch self {
        case .missingPoint(let point, let line, let style):
            "\(point.rawValue): expected a measurement (line \(line) needs \(point.rawValue) for style \(style.rawValue)), found none"
        case .notOffered(let line, let style, let pressureClass):
            "line: \(line) is not made in style \(style.rawValue) class \(pressureClass.code)"
        }
    }
}

/// The fit engine: turns one leg's measurements into a size and length for a product line, or a
/// made-to-measure verdict with reasons, exactly as §3 of the catalog format specifies.
///
/// All comparisons are on whole micrometres; margins are exact fractions, so ties are real ties and
/// go to the smaller size.
///
/// ```swift
/// let rx = try PressureClass.parse("2", defaultStandard: .RAL)
/// let fit = try FitEngine.fit(leg, line: line, request: FitRequest(style: .AD, pressureClass: rx))
/// fit.size     // "II"
/// fit.length   // "regular"
/// ```
public enum FitEngine {
    /// Fits one leg to one line. Throws when the line does not offer the style and class or a
    /// required point was not measured; otherwise always answers (standard or made-to-measure).
    public static func fit(_ leg: LegMeasurements, line: ProductLine, request: FitRequest) throws(FitError) -> LineFit {
        let style = request.style
        guard line.offers(style: style, pressureClass: request.pressureClass) else {
            throw .notOffered(line: line.id, style: style, pressureClass: request.pressureClass)
        }
        let required = line.requiredPoints(for: style)
        for point in required where leg[point] == nil {
            throw .missingPoint(point, line: line.id, style: style)
        }
        let circumferences = required.filter(\.isCircumference)
        let tolerance = request.tolerance.micrometres

        var candidates: [(index: Int, margin: Margin)] = []
        for (index, size) in line.sizes.enumerated() {
            if let margin = smallestMargin(leg, size: size, points: circumferences, tolerance: tolerance) {
                candidates.append((index, margin))
            }
        }
        // Largest smallest margin first; the stable sort keeps smaller sizes first on a tie.
        candidates.sort { $0.margin > $1.margin }

        let variants = line.lengthVariants(for: style)
        let lengthValue = leg[style.lengthPoint]
        let chosenLength: LengthVariant? = variants.isEmpty ? nil : lengthValue.flatMap { bestVariant(variants, holding: $0) }
        let lengthName = variants.isEmpty ? LengthVariant.standardName : chosenLength?.name

        if let lengthName, let best = candidates.first {
            let size = line.sizes[best.index]
            return LineFit(
                line: line,
                style: style,
                pressureClass: request.pressureClass,
                outcome: .standard,
                candidates: candidates.map { FitCandidate(size: line.sizes[$0.index].name, length: lengthName, margin: $0.margin) },
                points: reports(leg, size: size, points: circumferences, tolerance: tolerance)
                    + lengthReport(style: style, value: lengthValue, variant: chosenLength),
                reasons: [],
                comparedSize: size.name
            )
        }

        var reasons: [MadeToMeasureReason] = []
        let compared: ChartSize?
        if let best = candidates.first {
            compared = line.sizes[best.index]
        } else {
            compared = nearestSize(leg, line: line, points: circumferences, tolerance: tolerance)
            if let compared {
                reasons += sizeReasons(leg, size: compared, points: circumferences, tolerance: tolerance, unit: request.unit)
            }
        }
        var lengthReports: [PointReport] = []
        if !variants.isEmpty, let lengthValue {
            let variant = chosenLength ?? nearestVariant(variants, to: lengthValue)
            lengthReports = lengthReport(style: style, value: lengthValue, variant: variant)
            if chosenLength == nil {
                reasons.append(lengthReason(style: style, value: lengthValue, variant: variant, unit: request.unit))
            }
        }
        return LineFit(
            line: line,
            style: style,
            pressureClass: request.pressureClass,
            outcome: .madeToMeasure,
            candidates: [],
            points: (compared.map { reports(leg, size: $0, points: circumferences, tolerance: tolerance) } ?? [])
                + lengthReports,
            reasons: reasons,
            comparedSize: compared?.name
        )
    }

    /// The smallest relative margin of the leg over `points` in `size`, or `nil` when some point lies
    /// outside the size's widened range (or the size gives no range for it).
    static func smallestMargin(
        _ leg: LegMeasurements,
        size: ChartSize,
        points: [MeasurementPoint],
        tolerance: Int64
    ) -> Margin? {
        var smallest: Margin?
        for point in points {
            guard let range = size.rangeAt(point.index) else { return nil }
            let value = leg.micrometres(at: point.index)
            guard value >= range.lower.micrometres - tolerance, value <= range.upper.micrometres + tolerance else {
                return nil
            }
            let margin = range.margin(of: Length(micrometres: value))
            if let current = smallest, current <= margin { continue }
            smallest = margin
        }
        return smallest ?? Margin(numerator: 0, denominator: 1)
    }

    /// Among the variants whose range holds `value`, the one with the largest margin (earlier on a tie).
    static func bestVariant(_ variants: [LengthVariant], holding value: Length) -> LengthVariant? {
        var best: (variant: LengthVariant, margin: Margin)?
        for variant in variants where variant.range.contains(value) {
            let margin = variant.range.margin(of: value)
            if best == nil || margin > best!.margin { best = (variant, margin) }
        }
        return best?.variant
    }

    /// The variant whose range is closest to `value` (earlier on a tie).
    static func nearestVariant(_ variants: [LengthVariant], to value: Length) -> LengthVariant {
        var best = variants[0]
        for variant in variants.dropFirst() where variant.range.distance(to: value) < best.range.distance(to: value) {
            best = variant
        }
        return best
    }

    /// The nearest size (spec §3.4): among the sizes whose cB range holds cB — else those whose cB
    /// range is closest to it; all sizes if cB is not charted — the one with the fewest required
    /// points out of range, the earlier on a tie.
    static func nearestSize(_ leg: LegMeasurements, line: ProductLine, points: [MeasurementPoint], tolerance: Int64)
        -> ChartSize?
    {
        var pool = line.sizes
        if points.contains(.cB), let ankle = leg[.cB] {
            let holding = pool.filter { $0.range(for: .cB)?.contains(ankle, tolerance: tolerance) ?? false }
            if holding.isEmpty {
                let distances = pool.map { $0.range(for: .cB)?.distance(to: ankle) ?? Int64.max }
                let closest = distances.min() ?? Int64.max
                pool = zip(pool, distances).filter { $0.1 == closest }.map(\.0)
            } else {
                pool = holding
            }
        }
        var best: (size: ChartSize, outside: Int)?
        for size in pool {
            let outside = points.count { point in
                guard let range = size.range(for: point), let value = leg[point] else { return true }
                return !range.contains(value, tolerance: tolerance)
            }
            if best == nil || outside < best!.outside { best = (size, outside) }
        }
        return best?.size
    }

    private static func reports(_ leg: LegMeasurements, size: ChartSize, points: [MeasurementPoint], tolerance: Int64)
        -> [PointReport]
    {
        points.compactMap { point in
            guard let value = leg[point] else { return nil }
            guard let range = size.range(for: point) else {
                return PointReport(point: point, value: value, range: nil, inside: false, margin: nil)
            }
            return PointReport(
                point: point,
                value: value,
                range: range,
                inside: range.contains(value, tolerance: tolerance),
                margin: range.margin(of: value)
            )
        }
    }

    private static func lengthReport(style: Style, value: Length?, variant: LengthVariant?) -> [PointReport] {
        guard let value, let variant else { return [] }
        return [
            PointReport(
                point: style.lengthPoint,
                value: value,
                range: variant.range,
                inside: variant.range.contains(value),
                margin: variant.range.margin(of: value)
            )
        ]
    }

    private static func sizeReasons(
        _ leg: LegMeasurements,
        size: ChartSize,
        points: [MeasurementPoint],
        tolerance: Int64,
        unit: LengthUnit
    ) -> [MadeToMeasureReason] {
        points.compactMap { point in
            guard let value = leg[point] else { return nil }
            guard let range = size.range(for: point) else {
                return MadeToMeasureReason(
                    point: point,
                    value: value,
                    size: size.name,
                    length: nil,
                    range: nil,
                    message: "\(point.rawValue) \(value.formatted(in: unit)) \(unit.rawValue): size \(size.name) gives no range for \(point.rawValue)"
                )
            }
            guard !range.contains(value, tolerance: tolerance) else { return nil }
            return MadeToMeasureReason(
                point: point,
                value: value,
                size: size.name,
                length: nil,
                range: range,
                message: outsideMessage(point: point, value: value, range: range, what: "size \(size.name)", unit: unit)
            )
        }
    }

    private static func lengthReason(style: Style, value: Length, variant: LengthVariant, unit: LengthUnit)
        -> MadeToMeasureReason
    {
        MadeToMeasureReason(
            point: style.lengthPoint,
            value: value,
            size: nil,
            length: variant.name,
            range: variant.range,
            message: outsideMessage(
                point: style.lengthPoint,
                value: value,
                range: variant.range,
                what: "the nearest length, \(variant.name),",
                unit: unit
            )
        )
    }

    private static func outsideMessage(point: MeasurementPoint, value: Length, range: MeasureRange, what: String, unit: LengthUnit)
        -> String
    {
        let below = value < range.lower
        let gap = Length(micrometres: range.distance(to: value))
        return "\(point.rawValue) \(value.formatted(in: unit)) \(unit.rawValue) is \(gap.formatted(in: unit)) \(unit.rawValue) "
            + "\(below ? "below" : "above") \(what) \(range.formatted(in: unit)) \(unit.rawValue)"
    }
}

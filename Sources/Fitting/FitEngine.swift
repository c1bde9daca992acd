/// What the fitter asks of every line: a style, the prescribed class, and how forgiving to be.
public struct FitRequest: Hashable, Sendable {
    /// The garment style prescribed.
    public var style: Style
    /// The class prescribed; only lines of this class's standard and label are fitted.
    public var pressureClass: PressureClass
    /// How far each size's circumference ranges are widened on both sides (spec §3.2; default 0),
    /// except the ankle's: cB is where a class's pressure is defined, so a garment too small there
    /// over-compresses and one too large under-treats (compression.md §4). The ankle is widened
    /// only by ``ankleTolerance``, asked for apart.
    public var tolerance: Length
    /// How far each size's cB range is widened on both sides (default 0): never implied by
    /// ``tolerance``, and every size that fits only thanks to it is flagged for the fitter to confirm.
    public var ankleTolerance: Length
    /// How far each length variant's range is widened on both sides (default 0, which is spec
    /// §3.3 exactly: the catalog format widens circumferences only, so a fitter widens lengths
    /// on purpose and apart).
    public var lengthTolerance: Length
    /// The unit reasons are written in.
    public var unit: LengthUnit

    /// A request for `style` in `pressureClass`, its size ranges but the ankle's widened by
    /// `tolerance`, the ankle's by `ankleTolerance` and its length ranges by `lengthTolerance`,
    /// explained in `unit`.
    public init(
        style: Style, pressureClass: PressureClass, tolerance: Length = Length(micrometres: 0),
        ankleTolerance: Length = Length(micrometres: 0), lengthTolerance: Length = Length(micrometres: 0),
        unit: LengthUnit = .cm
    ) {
        self.style = style
        self.pressureClass = pressureClass
        self.tolerance = tolerance
        self.ankleTolerance = ankleTolerance
        self.lengthTolerance = lengthTolerance
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
        let table = line.table(for: style)
        for point in table.required where leg.micrometres(at: point.index) == 0 {
            throw .missingPoint(point, line: line.id, style: style)
        }
        let circumferences = table.circumferences
        let tolerance = Widening(
            circumference: request.tolerance.micrometres, ankle: request.ankleTolerance.micrometres)
        let lengthTolerance = request.lengthTolerance.micrometres

        var candidates: [FitCandidate] = []
        for (index, size) in line.sizes.enumerated() {
            if let (margin, widened) = smallestMargin(leg, size: size, points: circumferences, tolerance: tolerance) {
                if candidates.isEmpty { candidates.reserveCapacity(line.sizes.count) }
                candidates.append(
                    FitCandidate(
                        size: size.name, length: "", margin: margin, onlyByTolerance: widened, sizeIndex: index))
            }
        }
        // Largest smallest margin first; the stable sort keeps smaller sizes first on a tie.
        if candidates.count > 1 { candidates.sort { $0.margin > $1.margin } }

        let variants = table.variants
        let lengthValue = leg[style.lengthPoint]
        let chosenLength: LengthVariant? =
            variants.isEmpty
            ? nil : lengthValue.flatMap { bestVariant(variants, holding: $0, tolerance: lengthTolerance) }
        let lengthName = variants.isEmpty ? LengthVariant.standardName : chosenLength?.name

        if let lengthName, let best = candidates.first {
            let size = line.sizes[best.sizeIndex]
            for index in candidates.indices { candidates[index].length = lengthName }
            return LineFit(
                line: line,
                style: style,
                pressureClass: request.pressureClass,
                outcome: .standard,
                candidates: candidates,
                points: reports(
                    leg,
                    size: size,
                    points: circumferences,
                    tolerance: tolerance,
                    length: lengthReport(
                        style: style, value: lengthValue, variant: chosenLength, tolerance: lengthTolerance)
                ),
                reasons: [],
                comparedSize: size.name,
                unit: request.unit
            )
        }

        var reasons: [MadeToMeasureReason] = []
        let compared: ChartSize?
        if let best = candidates.first {
            compared = line.sizes[best.sizeIndex]
        } else {
            compared = nearestSize(leg, line: line, points: circumferences, tolerance: tolerance)
            if let compared {
                reasons += sizeReasons(
                    leg, size: compared, points: circumferences, tolerance: tolerance, unit: request.unit)
            }
        }
        var lengthReports: PointReport?
        if !variants.isEmpty, let lengthValue {
            let variant = chosenLength ?? nearestVariant(variants, to: lengthValue)
            lengthReports = lengthReport(
                style: style, value: lengthValue, variant: variant, tolerance: lengthTolerance)
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
            points: compared.map {
                reports(leg, size: $0, points: circumferences, tolerance: tolerance, length: lengthReports)
            } ?? (lengthReports.map { [$0] } ?? []),
            reasons: reasons,
            comparedSize: compared?.name,
            unit: request.unit
        )
    }

    /// The smallest relative margin of the leg over `points` in `size`, or `nil` when some point lies
    /// outside the size's widened range (or the size gives no range for it).
    static func smallestMargin(
        _ leg: LegMeasurements,
        size: ChartSize,
        points: [MeasurementPoint],
        tolerance: Widening
    ) -> (Margin, widened: Bool)? {
        var smallest: Margin?
        var widened = false
        for point in points {
            guard let range = size.rangeAt(point.index) else { return nil }
            let value = leg.micrometres(at: point.index)
            let lower = range.lower.micrometres
            let upper = range.upper.micrometres
            let by = tolerance.at(point)
            guard value >= lower - by, value <= upper + by else { return nil }
            if value < lower || value > upper { widened = true }
            let margin = range.margin(of: Length(micrometres: value))
            if let current = smallest, current <= margin { continue }
            smallest = margin
        }
        return (smallest ?? Margin(numerator: 0, denominator: 1), widened)
    }

    /// Among the variants whose range holds `value`, the one with the largest margin (earlier on a tie).
    static func bestVariant(_ variants: [LengthVariant], holding value: Length, tolerance: Int64 = 0)
        -> LengthVariant?
    {
        var best: (variant: LengthVariant, margin: Margin)?
        for variant in variants where variant.range.contains(value, tolerance: tolerance) {
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
    static func nearestSize(_ leg: LegMeasurements, line: ProductLine, points: [MeasurementPoint], tolerance: Widening)
        -> ChartSize?
    {
        // How far each size's cB range is from the ankle (0 when it holds it); the pool is the sizes
        // at the smallest distance. Without a charted cB every size is in the pool.
        let ankle = points.contains(.cB) ? leg[.cB] : nil
        func ankleDistance(_ size: ChartSize) -> Int64 {
            guard let ankle else { return 0 }
            guard let range = size.range(for: .cB) else { return Int64.max }
            let widened = MeasureRange(
                lower: Length(micrometres: range.lower.micrometres - tolerance.ankle),
                upper: Length(micrometres: range.upper.micrometres + tolerance.ankle)
            )
            return widened.distance(to: ankle)
        }
        var closest = Int64.max
        for size in line.sizes { closest = min(closest, ankleDistance(size)) }
        var best: (size: ChartSize, outside: Int)?
        for size in line.sizes where ankleDistance(size) == closest {
            var outside = 0
            for point in points {
                guard let range = size.range(for: point), let value = leg[point],
                    range.contains(value, tolerance: tolerance.at(point))
                else {
                    outside += 1
                    continue
                }
            }
            if best == nil || outside < best!.outside { best = (size, outside) }
        }
        return best?.size
    }

    /// The required circumference points against `size`, then the length point's report if any.
    private static func reports(
        _ leg: LegMeasurements,
        size: ChartSize,
        points: [MeasurementPoint],
        tolerance: Widening,
        length: PointReport?
    ) -> [PointReport] {
        var reports: [PointReport] = []
        reports.reserveCapacity(points.count + 1)
        for point in points {
            guard let value = leg[point] else { continue }
            guard let range = size.range(for: point) else {
                reports.append(PointReport(point: point, value: value, range: nil, inside: false, margin: nil))
                continue
            }
            reports.append(
                PointReport(
                    point: point,
                    value: value,
                    range: range,
                    inside: range.contains(value, tolerance: tolerance.at(point)),
                    margin: range.margin(of: value)
                )
            )
        }
        if let length { reports.append(length) }
        return reports
    }

    private static func lengthReport(style: Style, value: Length?, variant: LengthVariant?, tolerance: Int64)
        -> PointReport?
    {
        guard let value, let variant else { return nil }
        return PointReport(
            point: style.lengthPoint,
            value: value,
            range: variant.range,
            inside: variant.range.contains(value, tolerance: tolerance),
            margin: variant.range.margin(of: value)
        )
    }

    private static func sizeReasons(
        _ leg: LegMeasurements,
        size: ChartSize,
        points: [MeasurementPoint],
        tolerance: Widening,
        unit: LengthUnit
    ) -> [MadeToMeasureReason] {
        var reasons: [MadeToMeasureReason] = []
        for point in points {
            guard let value = leg[point] else { continue }
            let range = size.range(for: point)
            if let range, range.contains(value, tolerance: tolerance.at(point)) { continue }
            reasons.append(
                MadeToMeasureReason(point: point, value: value, size: size.name, length: nil, range: range, unit: unit)
            )
        }
        return reasons
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
            unit: unit
        )
    }
}

/// How far a size's ranges are widened, point by point: the ankle (cB) by its own tolerance only.
struct Widening: Hashable, Sendable {
    /// Every circumference point's widening but the ankle's, in micrometres.
    let circumference: Int64
    /// The ankle's (cB) widening, in micrometres.
    let ankle: Int64

    /// The widening at `point`.
    @inline(__always)
    func at(_ point: MeasurementPoint) -> Int64 {
        point == .cB ? ankle : circumference
    }
}

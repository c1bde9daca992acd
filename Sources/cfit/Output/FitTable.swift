import Counter
import Fitting

/// The readable report of `cfit fit`: per line the verdict, then each point against the size's
/// range with a gauge showing how close it sits to a bound.
enum FitTable {
    static func render(_ report: FitReport, stock: [LegLine: [ArticleStock]] = [:], location: String = "shop") -> String
    {
        var out: [String] = []
        let unit = report.unit.rawValue
        var heading =
            "\(report.style.rawValue) (\(report.style)), class \(report.requestedClass), measurements in \(unit)"
        if report.tolerance.micrometres > 0 {
            heading += ", tolerance ±\(report.tolerance.formatted(in: report.unit)) \(unit)"
        }
        if report.ankleTolerance.micrometres > 0 {
            heading += ", ankle tolerance ±\(report.ankleTolerance.formatted(in: report.unit)) \(unit)"
        }
        if report.lengthTolerance.micrometres > 0 {
            heading += ", length tolerance ±\(report.lengthTolerance.formatted(in: report.unit)) \(unit)"
        }
        out.append(heading)
        for leg in report.legs {
            if let side = leg.side {
                out.append("")
                out.append("== \(side.rawValue.capitalized) leg ==")
            }
            // The leg's arterial status (a confirmation the policy asks for is its first warning).
            if case .confirm = leg.arterial {} else { out.append(leg.arterialWords) }
            for warning in leg.warnings { out.append("warning: \(warning)") }
            if leg.fits.isEmpty {
                out.append("No line offers style \(report.style.rawValue) in class \(report.requestedClass).")
            }
            for fit in leg.fits {
                out += lineBlock(fit, unit: report.unit)
                if let articles = stock[LegLine(side: leg.side, line: fit.line.id)] {
                    if articles.isEmpty { out.append("  no article of this size and length in the catalog") }
                    for item in articles {
                        let elsewhere = item.elsewhere.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                        out.append(
                            "  \(item.sku) (\(item.toe) toe, \(item.color)): \(item.here) available at \(location)"
                                + (elsewhere.isEmpty ? "" : "; elsewhere: \(elsewhere.joined(separator: ", "))")
                        )
                    }
                }
            }
            if let first = leg.fits.first {
                out.append("")
                out.append(first.pressureClass.approximateEquivalentsWords)
            }
        }
        if !report.pairs.isEmpty {
            out.append("")
            out.append("== Both legs ==")
            for pair in report.pairs {
                out.append("\(pair.left.line.id): \(pair.summary)")
            }
        }
        return out.joined(separator: "\n")
    }

    private static func lineBlock(_ fit: LineFit, unit: LengthUnit) -> [String] {
        var out: [String] = [""]
        let title = "\(fit.line.manufacturer) \(fit.line.name) [\(fit.line.id)], \(fit.pressureClass.description)"
        if let size = fit.size, let length = fit.length {
            out.append(
                "\(title): size \(size), length \(length)\(fit.needsConfirmation ? " — TO CONFIRM: fits only by a tolerance" : "")"
            )
            for note in fit.toleranceNotes { out.append("  confirm: \(note)") }
            let others = fit.candidates.dropFirst().map { "\($0.size)" }
            if !others.isEmpty {
                out.append("  also fits: size \(others.joined(separator: ", ")) (by margin, best first)")
            }
        } else {
            out.append("\(title): MADE TO MEASURE")
            for reason in fit.reasons { out.append("  - \(reason.message)") }
        }
        guard !fit.points.isEmpty else { return out }
        let against = fit.comparedSize.map { fit.outcome == .standard ? "size \($0)" : "nearest size \($0)" } ?? "range"
        var rows: [[String]] = [["point", "value", against, "", "position"]]
        for point in fit.points {
            rows.append([
                point.point.rawValue,
                point.value.tapeFormatted(in: unit, minFractionDigits: 1),
                point.range?.tapeFormatted(in: unit) ?? "not charted",
                gauge(point),
                position(point, unit: unit),
            ])
        }
        out += textTable(rows).split(separator: "\n").map { "  " + $0 }
        return out
    }

    /// A small picture of where the value sits in its range: `[···●······]`, `●[··········]` when below.
    private static func gauge(_ point: PointReport) -> String {
        guard let range = point.range else { return "" }
        let slots = 10
        if point.value < range.lower { return "●[" + String(repeating: "·", count: slots) + "]" }
        if point.value > range.upper { return " [" + String(repeating: "·", count: slots) + "]●" }
        let offset =
            range.width == 0
            ? slots / 2 : Int((point.value.micrometres - range.lower.micrometres) * Int64(slots - 1) / range.width)
        var cells = Array(repeating: "·", count: slots)
        cells[offset] = "●"
        return " [" + cells.joined() + "]"
    }

    private static func position(_ point: PointReport, unit: LengthUnit) -> String {
        guard let range = point.range, let margin = point.margin else { return "this size gives no range here" }
        let u = unit.rawValue
        if point.value < range.lower {
            return
                "\(Length(micrometres: range.lower.micrometres - point.value.micrometres).tapeFormatted(in: unit, minFractionDigits: 1)) \(u) below the range"
        }
        if point.value > range.upper {
            return
                "\(Length(micrometres: point.value.micrometres - range.upper.micrometres).tapeFormatted(in: unit, minFractionDigits: 1)) \(u) above the range"
        }
        let toLower = point.value.micrometres - range.lower.micrometres
        let toUpper = range.upper.micrometres - point.value.micrometres
        if toLower == 0 && toUpper == 0 { return "on the only value charted" }
        if toLower == 0 { return "on the lower bound" }
        if toUpper == 0 { return "on the upper bound" }
        let nearer = toLower <= toUpper ? "lower" : "upper"
        let percent = Int((margin.value * 100).rounded())
        return
            "\(Length(micrometres: min(toLower, toUpper)).tapeFormatted(in: unit, minFractionDigits: 1)) \(u) from the \(nearer) bound (margin \(percent)%)"
    }
}

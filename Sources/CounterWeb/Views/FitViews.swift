import Counter
import Fitting
import Foundation

/// The fit page: style and class, exactly the points the style needs, one or both legs; then each
/// line's result with where each measurement sits in its range, made-to-measure reasons, the ABPI
/// guard's word, and the stock here and elsewhere, with a reservation one click away.
enum FitViews {
    /// What the person typed, kept to show the form again.
    struct Entry: Sendable {
        var style: Style = .AD
        var classText = "2"
        var unit: LengthUnit = .cm
        var bothLegs = false
        var abpi = ""
        var abpiLeft = ""
        var abpiRight = ""
        var confirmedBy = ""
        var conditions: [String: String] = [:]
        var pressures: [String: String] = [:]
        var tolerance = ""
        var ankleTolerance = ""
        var lengthTolerance = ""
        var prescription = ""
        var values: [String: String] = [:]
    }

    static func form(session: Session, lines: [ProductLine], entry: Entry, error: String?) -> HTML {
        let points = Set(lines.flatMap { $0.requiredPoints(for: entry.style) }).sorted()
        let styles: [HTML] = Style.allCases.map { style in
            "<option value=\"\(style.rawValue)\"\(HTML(raw: style == entry.style ? " selected" : ""))>\(style.description)</option>"
        }
        func legFields(_ side: String?) -> HTML {
            let inputs: [HTML] = points.map { point in
                let name = side.map { "\($0).\(point.rawValue)" } ?? point.rawValue
                return
                    "<label title=\"\(point.description)\">\(point.name) <code>\(point.rawValue)</code> <input name=\"\(name)\" value=\"\(entry.values[name] ?? "")\" inputmode=\"decimal\" size=\"5\"></label>"
            }
            // An ABPI is per leg: each leg's box sits with its measurements.
            let abpiName = side.map { "abpi_\($0)" } ?? "abpi"
            let abpiValue = side == "left" ? entry.abpiLeft : side == "right" ? entry.abpiRight : entry.abpi
            let suffix = side.map { "_\($0)" } ?? ""
            let abpi: HTML = """
                <label>ABPI <input name="\(abpiName)" value="\(abpiValue)" size="5" inputmode="decimal"></label>
                <label>Ankle mmHg <input name="ankle_pressure\(suffix)" value="\(entry.pressures["ankle_pressure\(suffix)"] ?? "")" size="4" inputmode="numeric"></label>
                <label>Toe mmHg <input name="toe_pressure\(suffix)" value="\(entry.pressures["toe_pressure\(suffix)"] ?? "")" size="4" inputmode="numeric"></label>
                """
            return "<fieldset><legend>\(side.map { "\($0) leg" } ?? "Leg")</legend>\(abpi)\(inputs)</fieldset>"
        }
        let legs: HTML = entry.bothLegs ? "\(legFields("left"))\(legFields("right"))" : legFields(nil)
        // How the legs were measured, and the checklist (recorded with the fitting).
        func choice(_ name: String, _ label: String, _ options: [String]) -> HTML {
            let items: [HTML] = ([""] + options).map { option in
                "<option value=\"\(option)\"\(HTML(raw: entry.conditions[name] == option ? " selected" : ""))>\(option.isEmpty ? "—" : option)</option>"
            }
            return "<label>\(label) <select name=\"\(name)\">\(items)</select></label>"
        }
        let checklist: [HTML] = Contraindication.allCases.map { found in
            let name = "ci_\(found.rawValue)"
            return
                "<label><input type=\"checkbox\" name=\"\(name)\" value=\"yes\"\(HTML(raw: entry.conditions[name] == "yes" ? " checked" : ""))> \(found.words)\(found.isAbsolute ? " (absolute)" : "")</label>"
        }
        let conditions: HTML = """
            <fieldset><legend>How measured</legend>
            <label>At <input name="measured_at" type="time" value="\(entry.conditions["measured_at"] ?? "")"></label>
            \(choice("posture", "Posture", MeasurementConditions.postures))
            \(choice("points_marked", "Points marked", ["yes", "no"]))
            \(choice("after_bandages", "Bandages just off", ["yes", "no"]))
            \(choice("legs_raised", "Legs raised first", ["yes", "no"]))
            <label>Foot length <input name="foot_length" value="\(entry.conditions["foot_length"] ?? "")" size="4" inputmode="decimal"></label>
            </fieldset>
            <fieldset><legend>Contraindications found</legend>\(checklist)</fieldset>
            """
        return """
            <h1>Fit</h1>\(Pages.message(error))
            <form method="get" action="/fit">
            <label>Style <select name="style">\(styles)</select></label>
            <label><input type="checkbox" name="both" value="1"\(HTML(raw: entry.bothLegs ? " checked" : ""))> both legs</label>
            <button>Show the points</button></form>
            <form method="post" action="/fit">
            <input type="hidden" name="csrf" value="\(session.csrf)">
            <input type="hidden" name="style" value="\(entry.style.rawValue)">
            <input type="hidden" name="both" value="\(entry.bothLegs ? "1" : "")">
            <label>Class <input name="class" value="\(entry.classText)" size="6" required autofocus></label>
            <label>Unit <select name="unit"><option value="cm"\(HTML(raw: entry.unit == .cm ? " selected" : ""))>cm</option><option value="in"\(HTML(raw: entry.unit == .inch ? " selected" : ""))>in</option></select></label>
            <label>Confirmed by (specialist, where the policy asks) <input name="confirmed_by" value="\(entry.confirmedBy)" size="14"></label>
            <details\(HTML(raw: entry.tolerance.isEmpty && entry.ankleTolerance.isEmpty && entry.lengthTolerance.isEmpty ? "" : " open"))><summary>Tolerances (each size they admit is marked to confirm)</summary>
            <label>Tolerance ± <input name="tolerance" value="\(entry.tolerance)" size="4" inputmode="decimal"></label>
            <label>Ankle (cB) tolerance ± <input name="ankle_tolerance" value="\(entry.ankleTolerance)" size="4" inputmode="decimal"></label>
            <label>Length tolerance ± <input name="length_tolerance" value="\(entry.lengthTolerance)" size="4" inputmode="decimal"></label>
            <small>The tolerance never widens the ankle: the class's pressure is defined there.</small></details>
            <label>Prescription (to record the fitting) <input name="rx" value="\(entry.prescription)" size="10"></label>
            <input type="hidden" name="key" value="\(Token.make())">
            \(legs)
            \(conditions)
            <button>Fit</button></form>
            """
    }

    /// Where `value` sits in `range`, from 0 to 1, for the gauge.
    static func position(_ value: Length, in range: MeasureRange) -> Double {
        let width = Double(range.upper.micrometres - range.lower.micrometres)
        guard width > 0 else { return 0.5 }
        return min(1, max(0, Double(value.micrometres - range.lower.micrometres) / width))
    }

    static func results(
        session: Session, report: FitReport, stock: [LegLine: [ArticleStock]], location: String,
        prescription: String = ""
    ) -> HTML {
        let unit = report.unit
        var sections: [HTML] = []
        for leg in report.legs {
            var items: [HTML] = []
            for fit in leg.fits {
                let points: [HTML] = fit.points.map { point in
                    let gauge: HTML =
                        point.range.map { range in
                            let left = Int(position(point.value, in: range) * 100)
                            return
                                "<span class=\"gauge\" title=\"\(range.tapeFormatted(in: unit))\"><span style=\"left:\(left)%\"></span></span> \(range.tapeFormatted(in: unit))"
                        } ?? "—"
                    return
                        "<tr><td title=\"\(point.point.description)\">\(point.point.name) <code>\(point.point.rawValue)</code></td><td>\(point.value.tapeFormatted(in: unit, minFractionDigits: 1))</td><td>\(gauge)</td><td>\(point.insideOnlyByTolerance ? "inside only by the tolerance" : point.inside ? "inside" : "outside")</td></tr>"
                }
                let reasonItems: [HTML] = fit.reasons.map { "<li>\($0.message)</li>" }
                let confirmItems: [HTML] = fit.toleranceNotes.map { "<li>\($0)</li>" }
                let confirm: HTML =
                    confirmItems.isEmpty ? "" : "<ul class=\"confirm error\">\(confirmItems)</ul>"
                let reasons: HTML = reasonItems.isEmpty ? "" : "<ul class=\"reasons\">\(reasonItems)</ul>"
                let articles = stock[LegLine(side: leg.side, line: fit.line.id)] ?? []
                let rows: [HTML] = articles.map { article in
                    let elsewhere = article.elsewhere.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
                        .joined(separator: ", ")
                    let reserve: HTML =
                        session.role >= .pharmacy && article.here > 0
                        ? """
                        <form method="post" action="/reserve"><input type="hidden" name="csrf" value="\(session.csrf)">
                        <input type="hidden" name="key" value="\(Token.make())"><input type="hidden" name="sku" value="\(article.sku)">
                        <label>Prescription <input name="rx" size="10" value="\(prescription)" required></label> <button>Reserve</button></form>
                        """ : ""
                    return
                        "<tr><td>\(article.sku)</td><td>\(article.color)</td><td>\(article.toe)</td><td>\(article.here)</td><td>\(elsewhere.isEmpty ? "—" : elsewhere)</td><td>\(reserve)</td></tr>"
                }
                let stockTable: HTML =
                    fit.outcome == .standard
                    ? """
                    <table><thead><tr><th>Article</th><th>Colour</th><th>Toe</th><th>Here (\(location))</th><th>Elsewhere</th><th></th></tr></thead>
                    <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"6\">None in stock.</td></tr>"] : rows)</tbody></table>
                    """ : ""
                let verdict: HTML =
                    fit.outcome == .standard
                    ? "size <strong>\(fit.size ?? "")</strong>, length <strong>\(fit.length ?? "")</strong>\(HTML(raw: fit.needsConfirmation ? " — <strong>to confirm</strong>: it fits only by a tolerance" : ""))"
                    : "<strong>made to measure</strong>"
                items.append(
                    """
                    <section><h3>\(fit.line.name) <small>\(fit.line.manufacturer) · class \(fit.pressureClass.label)</small></h3>
                    <p>\(verdict)</p>
                    <table><thead><tr><th>Point</th><th>Measured</th><th>Range</th><th></th></tr></thead><tbody>\(points)</tbody></table>
                    \(confirm)\(reasons)\(stockTable)</section>
                    """)
            }
            // What the shop's arterial-safety policy says of this leg's ABPI, or that it is unknown
            // (a confirmation it asks for is the leg's first warning).
            var warnings: [HTML] = leg.warnings.map { "<p class=\"error\">\($0)</p>" }
            if case .confirm = leg.arterial {
            } else {
                warnings.insert("<p class=\"arterial\">\(leg.arterialWords)</p>", at: 0)
            }
            // Other standards' classes are an approximation, never a fit of the class.
            let equivalents: HTML =
                leg.fits.first.map {
                    "<p class=\"approximate\"><small>\($0.pressureClass.approximateEquivalentsWords)</small></p>"
                }
                ?? ""
            sections.append(
                "<h2>\(leg.side.map { "\($0.rawValue.capitalized) leg" } ?? "Result")</h2>\(warnings)\(items.isEmpty ? ["<p>No line offers this style and class.</p>"] : items)\(equivalents)"
            )
        }
        // Both legs measured: what to order for the pair, line by line (one pair, two singles, or
        // made to measure), as `cfit fit` says it.
        if !report.pairs.isEmpty {
            let rows: [HTML] = report.pairs.map { pair in
                "<li><strong>\(pair.left.line.name)</strong>: \(pair.summary)</li>"
            }
            sections.insert("<section class=\"pair\"><h2>Both legs</h2><ul>\(rows)</ul></section>", at: 0)
        }
        return HTML(joining: sections)
    }
}

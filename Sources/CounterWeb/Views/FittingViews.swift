import Counter
import Fitting
import Foundation
import Hummingbird

/// A recorded fitting — each point with its change since the patient's previous fitting, what each
/// line answered — and its made-to-measure order sheet, ready to print.
enum FittingViews {
    static func fitting(_ session: Session, _ record: FittingRecord, notice: String? = nil) -> HTML {
        let legs = record.measurements.keys.sorted()
        let tables: [HTML] = legs.map { leg in
            let points = record.measurements[leg] ?? [:]
            let changes = record.changes[leg] ?? [:]
            let rows: [HTML] = MeasurementPoint.upTheLeg(points.keys).map { point in
                "<tr><td>\(point) <small>\(MeasurementPoint(rawValue: point)?.name ?? "")</small></td><td>\(points[point] ?? "")</td><td>\(changes[point] ?? "—")</td></tr>"
            }
            return """
                <h3>\(leg == "leg" ? "The leg" : leg.capitalized + " leg")</h3>
                <table><thead><tr><th>Point</th><th>\(record.unit)</th><th>Change since the last fitting</th></tr></thead>
                <tbody>\(rows)</tbody></table>
                """
        }
        let safety: [HTML] = record.safetyLines.map { "<li>\($0)</li>" }
        let results: [HTML] = record.results.map { result in
            let answer =
                result.outcome == .standard
                ? "size \(result.size ?? "") \(result.length ?? "")" : "made-to-measure"
            let order: HTML =
                result.outcome == .standard || record.voided != nil
                ? ""
                : """
                <form method="get" action="/fittings/\(String(record.id))/order"><input type="hidden" name="line" value="\(result.line)">
                <label>Toe <select name="toe"><option>closed</option><option>open</option></select></label>
                <label>Colour <input name="color" value="beige" size="8" required></label> <button>Order sheet</button></form>
                """
            return "<tr><td>\(result.line)</td><td>\(result.side)</td><td>\(answer)</td><td>\(order)</td></tr>"
        }
        let voiding: HTML
        if let voided = record.voided {
            voiding =
                "<p class=\"error\">Voided \(Pages.time(voided.at)) by \(voided.by): \(voided.reason). Kept for the record; not compared with, not ordered from.</p>"
        } else {
            voiding = """
                <h2>Recorded in error?</h2>
                <form method="post" action="/fittings/void"><input type="hidden" name="csrf" value="\(session.csrf)">
                <input type="hidden" name="key" value="\(Token.make())"><input type="hidden" name="fitting" value="\(String(record.id))">
                <label>Why <input name="reason" size="40" required placeholder="e.g. measured the wrong patient"></label>
                <button>Void this fitting</button></form>
                """
        }
        return """
            <h1>Fitting \(String(record.id)) <small>\(record.voided == nil ? "" : "voided · ")\(Pages.time(record.takenAt)) by \(record.fitter)</small></h1>\(Pages.message(notice, error: false))
            <p><a href="/patients/\(PageRoutes.percent(record.patient))">\(record.patient)</a> ·
            prescription <a href="/prescriptions/\(PageRoutes.percent(record.prescription))">\(record.prescription)</a> ·
            \(record.style.rawValue) \(record.pressureClass) · measured in \(record.unit)</p>
            <h2>Safety</h2><ul>\(safety)</ul>
            \(tables)
            <h2>What each line answered</h2>
            <table><thead><tr><th>Line</th><th>Leg</th><th>Answer</th><th></th></tr></thead>
            <tbody>\(results.isEmpty ? ["<tr><td colspan=\"4\">No line offered this style and class.</td></tr>"] : results)</tbody></table>
            \(voiding)
            """
    }

    /// The order sheet: everything the manufacturer needs, every point in the line's unit, up the leg.
    static func sheet(_ order: MadeToMeasureOrder) -> HTML {
        let legs: [HTML] = order.measurements.keys.sorted().map { leg in
            let points = order.measurements[leg] ?? [:]
            let codes = MeasurementPoint.upTheLeg(points.keys)
            let heads: [HTML] = codes.map { "<th>\($0)</th>" }
            let cells: [HTML] = codes.map { "<td>\(points[$0] ?? "")</td>" }
            return """
                <tr><th>\(leg)</th>\(heads)</tr><tr><td>\(order.unit)</td>\(cells)</tr>
                """
        }
        return """
            <article class="sheet">
            <h1>Made-to-measure order</h1>
            <table>
            <tr><th>Shop</th><td colspan="3">\(order.shop ?? "—")</td></tr>
            <tr><th>Patient</th><td>\(order.patientName) (\(order.patient))\(order.patientBorn.map { ", born \("\($0)")" } ?? "")</td><th>Prescription</th><td>\(order.prescription)\(order.prescribedOn.map { " of \("\($0)")" } ?? "")</td></tr>
            <tr><th>Prescriber</th><td colspan="3">\(order.prescriberName) (\(order.prescriber))</td></tr>
            <tr><th>Line</th><td>\(order.lineName) [\(order.line)]</td><th>Style, class</th><td>\(order.style) \(order.pressureClass)</td></tr>
            <tr><th>Toe</th><td>\(order.toe)</td><th>Colour</th><td>\(order.color)</td></tr>
            <tr><th>Side</th><td>\(order.side)</td><th>Measured</th><td>\(Pages.time(order.measuredAt)) by \(order.fitter), fitting \(String(order.fitting))</td></tr>
            </table>
            <h2>Measurements</h2>
            <table>\(legs)</table>
            \(order.footLength.map { "<p>Foot length (heel to longest toe): \($0) \(order.unit)</p>" as HTML } ?? "")
            </article>
            <p class="noprint">Print this page (Ctrl+P): the header and this line are left off the paper.</p>
            """
    }
}

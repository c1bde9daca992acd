import Counter
import Fitting
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The fit page: a leg's measurements in, each line's size or made-to-measure out, with stock; recorded against a prescription when one is named.
enum FitController {
    static func routes(state: WebState) -> RouteCollection<WebContext> {
        let router = RouteCollection(context: WebContext.self)
        router.add(middleware: FormMiddleware(state: state))
        router.get("/fit") { request, context in
            guard let session = context.session else {
                return Web.redirect("/login")
            }
            var entry = FitViews.Entry()
            // A style in the address is read like any other (an unknown one is said, not replaced).
            var problem: String?
            if let typed = try Web.query(request, "style") {
                do { entry.style = try Input.style(typed) } catch { problem = Web.describe(error).message }
            }
            entry.bothLegs = (try Web.query(request, "both")) == "1"
            // A link from a prescription fills in the prescription the fitting is recorded for.
            entry.prescription = (try Web.query(request, "rx")) ?? ""
            do {
                let lines = try await state.withDesk(session.login) { try $0.productLines() }
                return Web.page(
                    Pages.layout(
                        "Fit", session: session, current: "/fit",
                        FitViews.form(session: session, lines: lines, entry: entry, error: problem)),
                    status: problem == nil ? .ok : .unprocessableContent)
            } catch {
                return Web.page(
                    Pages.layout("Fit", session: session, current: "/fit", Pages.message(Web.describe(error).message)),
                    status: Web.describe(error).status)
            }
        }

        router.post("/fit") { request, context in
            guard let session = context.session, let fields = context.form else { return Web.redirect("/login") }
            var entry = FitViews.Entry()
            entry.classText = fields["class"] ?? ""
            entry.bothLegs = fields["both"] == "1"
            entry.abpi = fields["abpi"] ?? ""
            entry.abpiLeft = fields["abpi_left"] ?? ""
            entry.abpiRight = fields["abpi_right"] ?? ""
            entry.confirmedBy = fields["confirmed_by"] ?? ""
            for name in ["measured_at", "posture", "points_marked", "after_bandages", "legs_raised", "foot_length"] {
                entry.conditions[name] = fields[name]
            }
            for field in ArterialIndices.pressureFields { entry.pressures[field] = fields[field] }
            for found in Contraindication.allCases where fields["ci_\(found.rawValue)"] == "yes" {
                entry.conditions["ci_\(found.rawValue)"] = "yes"
            }
            entry.tolerance = fields["tolerance"] ?? ""
            entry.ankleTolerance = fields["ankle_tolerance"] ?? ""
            entry.lengthTolerance = fields["length_tolerance"] ?? ""
            entry.prescription = (fields["rx"] ?? "").trimmingCharacters(in: .whitespaces)
            entry.values = fields
            let location = state.location
            // Style, unit and the form's key are read by the layer: nothing unknown is taken for a
            // default, and a form without its key is refused rather than given a new one.
            let read = Result { () throws -> String in
                entry.style = try Input.style(fields["style"])
                entry.unit = try Input.unit(fields["unit"])
                return Input.scopedKey(try Input.idempotencyKey(fields["key"], field: "key"), face: "web")
            }
            let entered = entry
            let (lines, outcome): ([ProductLine], Result<(FitReport, [LegLine: [ArticleStock]], String?), any Error>) =
                try await state.withDesk(session.login) { desk in
                    let lines = try desk.productLines()
                    let result = Result { () throws -> (FitReport, [LegLine: [ArticleStock]], String?) in
                        let recordKey = try read.get()
                        var indices = try ArterialIndices(
                            abpi: entered.abpi, left: entered.abpiLeft, right: entered.abpiRight,
                            confirmedBy: entered.confirmedBy)
                        try indices.readPressures(entered.pressures)
                        let tolerances = try FitTolerances(
                            tolerance: entered.tolerance, ankle: entered.ankleTolerance,
                            length: entered.lengthTolerance, unit: entered.unit)
                        let found = Contraindication.allCases.filter {
                            entered.conditions["ci_\($0.rawValue)"] == "yes"
                        }
                        let conditions = try MeasurementConditions(
                            measuredAt: entered.conditions["measured_at"], posture: entered.conditions["posture"],
                            pointsMarked: entered.conditions["points_marked"],
                            afterBandages: entered.conditions["after_bandages"],
                            legsRaised: entered.conditions["legs_raised"],
                            footLength: entered.conditions["foot_length"],
                            contraindications: found.map(\.rawValue).joined(separator: ","), unit: entered.unit,
                            recording: !entered.prescription.isEmpty)
                        let (report, legs, stock) = try desk.fit(
                            { try FitController.legs(fields, entry: entered, lines: lines) }, lines: lines,
                            style: entered.style, classText: entered.classText, unit: entered.unit,
                            tolerances: tolerances, indices: indices, conditions: conditions)
                        // Recorded against the prescription, when one was given (once per form).
                        let recorded =
                            entered.prescription.isEmpty
                            ? nil : try desk.record(report, legs: legs, rx: entered.prescription, key: recordKey)
                        return (report, stock, recorded)
                    }
                    return (lines, result)
                }
            switch outcome {
            case .success(let (report, stock, recorded)):
                let notice = recorded.map { "fitting \($0) recorded for prescription \(entry.prescription)" }
                return Web.page(
                    Pages.layout(
                        "Fit", session: session, current: "/fit",
                        """
                        \(FitViews.form(session: session, lines: lines, entry: entry, error: nil))
                        \(Pages.message(notice, error: false))
                        \(FitViews.results(session: session, report: report, stock: stock, location: location, prescription: entry.prescription))
                        """))
            case .failure(let error):
                let failure = Web.failure(error, request, logger: state.logger)
                return Web.page(
                    Pages.layout(
                        "Fit", session: session, current: "/fit",
                        FitViews.form(session: session, lines: lines, entry: entry, error: failure.message)),
                    failure: failure)
            }
        }
        return router
    }

    /// Reads the posted form into legs through the layer's readers; a bad value names its point
    /// as every face does (`cB`, `left cB`). An empty box is a point not measured.
    static func legs(_ fields: [String: String], entry: FitViews.Entry, lines: [ProductLine]) throws -> [(
        side: Side?, leg: LegMeasurements
    )] {
        let points = Set(lines.flatMap { $0.requiredPoints(for: entry.style) }).sorted()
        func leg(_ side: Side?) throws -> LegMeasurements {
            let values: [(point: String, text: String)] = points.compactMap { point in
                let name = side.map { "\($0.rawValue).\(point.rawValue)" } ?? point.rawValue
                let text = (fields[name] ?? "").trimmingWhitespace()
                return text.isEmpty ? nil : (point.rawValue, text)
            }
            return try Input.leg(values, unit: entry.unit, side: side)
        }
        return entry.bothLegs ? [(.left, try leg(.left)), (.right, try leg(.right))] : [(nil, try leg(nil))]
    }
}

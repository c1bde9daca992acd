import Counter
import Foundation
import Hummingbird

/// Prescriptions, a patient's history, low stock and an article's ledger: read-only pages over the
/// records (the database decides what each role may read).
enum RecordPages {
    static let dateFormat: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter
    }()

    static func time(_ date: Date) -> String { dateFormat.string(from: date) }

    static func add(to router: Router<WebContext>, state: WebState) {
        router.get("/prescriptions") { request, context in
            try await page(request, context: context, state: state, title: "Prescriptions", current: "/prescriptions") {
                session, desk in
                let status = (try Web.query(request, "status")).flatMap { $0.isEmpty ? nil : $0 } ?? "active"
                let records = try desk.prescriptions(status: status == "all" ? nil : status, patient: nil)
                let rows: [HTML] = records.map { rx in
                    """
                    <tr><td><a href="/patients/\(PageRoutes.percent(rx.patient))">\(rx.patientName)</a></td><td><a href="/prescriptions/\(PageRoutes.percent(rx.number))">\(rx.number)</a></td>
                    <td>\(rx.style) \(rx.pressureClass) \(rx.side)</td><td>\(rx.quantityPrescribed)</td><td>\(rx.quantityReserved)</td>
                    <td>\(rx.quantityDispensed)</td><td>\(rx.status)</td><td>\(rx.validUntil.map { "\($0)" } ?? "—")</td></tr>
                    """
                }
                let choices: [HTML] = ["active", "on-hold", "completed", "revoked", "all"].map { choice in
                    choice == status
                        ? "<strong>\(choice)</strong> " : "<a href=\"/prescriptions?status=\(choice)\">\(choice)</a> "
                }
                let new: HTML =
                    session.role >= .pharmacy
                    ? "<p><a href=\"/prescriptions/new\" accesskey=\"n\">New prescription</a></p>" : ""
                return """
                    <h1>Prescriptions</h1>\(new)<p>\(choices)</p>
                    <table><thead><tr><th>Patient</th><th>Number</th><th>Garment</th><th>Prescribed</th><th>Reserved</th>
                    <th>Handed over</th><th>Status</th><th>Valid until</th></tr></thead>
                    <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"8\">None.</td></tr>"] : rows)</tbody></table>
                    """
            }
        }

        router.get("/patients/:reference") { request, context in
            let reference = try Web.path(context, "reference")
            let notice = (try Web.query(request, "done"))
            return try await page(request, context: context, state: state, title: "Patient", current: "/patients") {
                session, desk in
                let history = try desk.patient(reference)
                let prescriptions: [HTML] = history.prescriptions.map { rx in
                    "<tr><td><a href=\"/prescriptions/\(PageRoutes.percent(rx.number))\">\(rx.number)</a></td><td>\(rx.style) \(rx.pressureClass)</td><td>\(rx.quantityDispensed) of \(rx.quantityPrescribed)</td><td>\(rx.status)</td></tr>"
                }
                let fittings: [HTML] = history.fittings.map { fitting in
                    let results = fitting.results.map { result in
                        "\(result.line): \(result.outcome == "standard" ? "\(result.size ?? "") \(result.length ?? "")" : result.outcome)"
                    }.joined(separator: "; ")
                    let changes = fitting.changes.sorted { $0.key < $1.key }.flatMap { side, points in
                        points.sorted { $0.key < $1.key }.map {
                            "\(side == "leg" ? "" : "\(side) ")\($0.key) \($0.value)"
                        }
                    }.joined(separator: ", ")
                    return
                        "<tr><td><a href=\"/fittings/\(String(fitting.id))\">\(time(fitting.takenAt))</a></td><td>\(fitting.fitter)</td><td>\(fitting.style) \(fitting.pressureClass)</td><td>\(results)</td><td>\(changes.isEmpty ? "—" : changes)</td></tr>"
                }
                let dispenses: [HTML] = history.dispenses.map { handOver in
                    "<tr><td>\(time(handOver.handedOverAt))</td><td>\(handOver.prescription)</td><td>\(handOver.sku)</td><td>\(handOver.lot ?? "—")</td><td>\(handOver.quantity)</td><td>\(handOver.returned)</td></tr>"
                }
                let new: HTML =
                    session.role >= .pharmacy
                    ? "<p><a href=\"/prescriptions/new?patient=\(PageRoutes.percent(history.patient.reference))\" accesskey=\"n\">New prescription for \(history.patient.name)</a></p>"
                    : ""
                return """
                    <h1>\(history.patient.name) <small>\(history.patient.reference)\(history.patient.born.map { " · born \($0)" } ?? "")</small></h1>
                    \(Pages.message(notice, error: false))\(new)
                    <h2>Prescriptions</h2><table><thead><tr><th>Number</th><th>Garment</th><th>Handed over</th><th>Status</th></tr></thead>
                    <tbody>\(prescriptions.isEmpty ? ["<tr><td colspan=\"4\">None.</td></tr>"] : prescriptions)</tbody></table>
                    <h2>Fittings</h2><table><thead><tr><th>Taken</th><th>Fitter</th><th>Garment</th><th>Result</th><th>Change since the last</th></tr></thead>
                    <tbody>\(fittings.isEmpty ? ["<tr><td colspan=\"5\">None.</td></tr>"] : fittings)</tbody></table>
                    <h2>Garments handed over</h2><table><thead><tr><th>When</th><th>Prescription</th><th>Article</th><th>Lot</th><th>Units</th><th>Returned</th></tr></thead>
                    <tbody>\(dispenses.isEmpty ? ["<tr><td colspan=\"6\">None.</td></tr>"] : dispenses)</tbody></table>
                    """
            }
        }

        router.get("/stock/low") { request, context in
            try await page(request, context: context, state: state, title: "Low stock", current: "/stock/low") {
                _, desk in
                let low = try desk.low(location: nil)
                let rows: [HTML] = low.map { item in
                    "<tr><td><a href=\"/stock?q=\(PageRoutes.percent(item.sku))\">\(item.sku)</a></td><td>\(item.location)</td><td>\(item.available)</td><td>\(item.minimum)</td><td>\(item.suggestedOrder)</td></tr>"
                }
                return """
                    <h1>Low stock</h1>
                    <table><thead><tr><th>Article</th><th>Location</th><th>Available</th><th>Minimum</th><th>Suggested order</th></tr></thead>
                    <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"5\">Nothing is below its minimum.</td></tr>"] : rows)</tbody></table>
                    """
            }
        }

        router.get("/stock/history") { request, context in
            let sku = (try Web.query(request, "sku")) ?? ""
            return try await page(request, context: context, state: state, title: "History", current: "/stock") {
                _, desk in
                let movements = try desk.history(sku: sku)
                let rows: [HTML] = movements.map { movement in
                    "<tr><td>\(time(movement.occurredAt))</td><td>\(movement.location)</td><td>\(movement.lot ?? "—")</td><td>\(movement.delta > 0 ? "+\(movement.delta)" : "\(movement.delta)")</td><td>\(movement.onHandAfter)</td><td>\(movement.reason)</td><td>\(movement.reference ?? "")</td><td>\(movement.actor)</td></tr>"
                }
                return """
                    <h1>History of \(sku)</h1>
                    <table><thead><tr><th>When</th><th>Location</th><th>Lot</th><th>Change</th><th>On hand after</th><th>Why</th><th>Reference</th><th>Who</th></tr></thead>
                    <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"8\">No movements.</td></tr>"] : rows)</tbody></table>
                    """
            }
        }
    }

    /// A read-only page of a signed-in person: `body` runs on one of their connections; a refusal
    /// is shown as a plain message.
    static func page(
        _ request: Request, context: WebContext, state: WebState, title: String, current: String,
        _ body: @Sendable @escaping (Session, Desk) throws -> HTML
    ) async throws -> Response {
        guard let session = context.session else {
            return Web.redirect("/login")
        }
        do {
            let html = try await state.withDesk(session.login) { try body(session, $0) }
            return Web.page(Pages.layout(title, session: session, current: current, html))
        } catch {
            let failure = Web.failure(error, request, logger: state.logger)
            return Web.page(
                Pages.layout(title, session: session, current: current, Pages.message(failure.message)),
                failure: failure)
        }
    }
}

import Counter
import Fitting
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Reserving a garment for a prescription, handing it over, releasing a reservation, taking a garment back.
enum DispensingController {
    static func routes(state: WebState) -> RouteCollection<WebContext> {
        let router = RouteCollection(context: WebContext.self)
        router.add(middleware: FormMiddleware(state: state))
        router.post("/reserve") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let (rx, key) = (fields.text("rx"), try fields.key())
                let reserve = ReserveRequest(
                    prescription: rx, sku: fields.text("sku"), confirmedReason: fields.given("confirmed_reason"))
                do {
                    let reservation = try await state.withDesk(session.login) { try reserve.run(on: $0, key: key) }
                    return Web.page(
                        Pages.layout("Reserved", session: session, PrescriptionViews.reserved(session, reservation)))
                } catch {
                    // Another size than the last fitting chose: asked again, with the reason to give.
                    let classified = CounterError(classifying: error)
                    guard classified.kind == .conflict, classified.field == "confirmedReason" else { throw error }
                    let failure = Web.failure(error, request, logger: state.logger)
                    return Web.page(
                        Pages.layout(
                            "Reserve", session: session,
                            PrescriptionViews.confirmReservation(session, rx: rx, sku: reserve.sku, failure.message)),
                        failure: failure)
                }
            } page: { session, fields, message in
                // A refusal leaves a way on: the prescription, and a fitting recorded for it (the
                // arterial gate opens once each leg's ABPI is recorded).
                let rx = (fields["rx"] ?? "").trimmingWhitespace()
                let onward: HTML =
                    rx.isEmpty
                    ? ""
                    : """
                    <p><a href="/prescriptions/\(PageRoutes.percent(rx))">Prescription \(rx)</a> ·
                    <a href="/fit?both=1&amp;rx=\(PageRoutes.percent(rx))">Fit both legs for it, with each leg's ABPI</a></p>
                    """
                return Pages.layout("Reserve", session: session, "\(Pages.message(message))\(onward)")
            }
        }

        router.post("/dispense") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let (id, rx, key) = (fields.text("reservation"), fields.given("rx"), try fields.key())
                let scan = fields.given("scan")
                let dispense = try await state.withDesk(session.login) {
                    try $0.dispense(reservation: id, rx: rx, scan: scan, key: key)
                }
                // Handed over: back to the prescription (and from there the patient).
                return Web.page(
                    Pages.layout(
                        "Dispensed", session: session,
                        """
                        \(Pages.message(
                            "handed over \(dispense.sku)\(dispense.lot.map { " (lot \($0))" } ?? "") for prescription \(dispense.prescription): dispense \(dispense.id)",
                            error: false))
                        <p><a href="/prescriptions/\(PageRoutes.percent(dispense.prescription))" autofocus>Back to prescription \(dispense.prescription)</a></p>
                        """))
            } page: { session, fields, message in
                // Refused (another box scanned, the reservation gone): what to do next.
                let rx = fields["rx"] ?? ""
                return Pages.layout(
                    "Dispense", session: session,
                    """
                    \(Pages.message(message))
                    \(rx.isEmpty ? "" : "<p><a href=\"/prescriptions/\(PageRoutes.percent(rx))\" autofocus>Back to prescription \(rx)</a>: hand over the reserved box, or release the reservation and reserve the one in hand.</p>" as HTML)
                    """)
            }
        }

        router.post("/reservations/release") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let (id, rx, key) = (fields.text("reservation"), fields.given("rx"), try fields.key())
                let released = try await state.withDesk(session.login) {
                    try $0.release(reservation: id, rx: rx, key: key)
                }
                return Web.redirect(
                    "/prescriptions/\(PageRoutes.percent(released.prescription))?done=\(PageRoutes.percent("reservation \(released.id) released: \(released.sku) is back in stock"))"
                )
            } page: { session, _, message in
                Pages.layout("Prescription", session: session, current: "/prescriptions", Pages.message(message))
            }
        }

        router.post("/dispenses/return") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let taking = ReturnRequest(
                    reason: fields.text("reason"), quantity: fields.given("quantity").map { NumberText($0) },
                    location: fields.given("location"))
                let (dispense, rx, key) = (fields.text("dispense"), fields.text("rx"), try fields.key())
                let taken = try await state.withDesk(session.login) {
                    try taking.run(on: $0, dispense: .reference(dispense, rx: rx.isEmpty ? nil : rx), key: key)
                }
                let location = taken.location
                return Web.redirect(
                    "/prescriptions/\(PageRoutes.percent(rx))?done=\(PageRoutes.percent("taken back \(taken.quantity) into \(location), to inspect before use"))"
                )
            } page: { session, _, message in
                Pages.layout("Prescription", session: session, current: "/prescriptions", Pages.message(message))
            }
        }
        return router
    }
}

import Counter
import Foundation
import Hummingbird

/// One prescription at the counter: its reservations (hand over or release each) and the garments
/// handed over for it (take one back, as a return awaiting inspection).
enum PrescriptionPage {
    static func add(to router: Router<WebContext>, state: WebState) {
        router.get("/prescriptions/:number") { request, context in
            let number = try Web.path(context, "number")
            let notice: String? = (try Web.query(request, "done"))
            return try await RecordPages.page(
                request, context: context, state: state, title: "Prescription", current: "/prescriptions"
            ) {
                session, desk in
                let here = try desk.prescriptionAtCounter(number)
                return page(
                    session, here.prescription, here.reservations, here.handedOver, notice: notice,
                    location: desk.location)
            }
        }

        router.post("/reservations/release") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let (id, key) = (fields.text("reservation"), try fields.key())
                let released = try await state.withDesk(session.login) { try $0.release(reservation: id, key: key) }
                return Web.redirect(
                    "/prescriptions/\(PageRoutes.percent(released.prescription))?done=\(PageRoutes.percent("reservation \(id) released: \(released.sku) is back in stock"))"
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
                    try taking.run(on: $0, dispense: .number(dispense), key: key)
                }
                let location = taken.location
                return Web.redirect(
                    "/prescriptions/\(PageRoutes.percent(rx))?done=\(PageRoutes.percent("taken back \(taken.quantity) into \(location), to inspect before use"))"
                )
            } page: { session, _, message in
                Pages.layout("Prescription", session: session, current: "/prescriptions", Pages.message(message))
            }
        }
    }

    static func page(
        _ session: Session, _ rx: PrescriptionRecord, _ reservations: [ReservationRecord],
        _ handedOver: [PatientHistory.HandOver], notice: String?, location: String
    ) -> HTML {
        let pharmacy = session.role >= .pharmacy
        let held: [HTML] = reservations.map { reservation in
            let actions: HTML =
                pharmacy
                ? """
                <form method="post" action="/dispense"><input type="hidden" name="csrf" value="\(session.csrf)">
                <input type="hidden" name="key" value="\(Token.make())"><input type="hidden" name="reservation" value="\(reservation.id)">
                <button>Hand over</button></form>
                <form method="post" action="/reservations/release"><input type="hidden" name="csrf" value="\(session.csrf)">
                <input type="hidden" name="key" value="\(Token.make())"><input type="hidden" name="reservation" value="\(reservation.id)">
                <button>Release</button></form>
                """ : ""
            return
                "<tr><td>\(reservation.id)</td><td>\(reservation.sku)</td><td>\(reservation.location)</td><td>\(reservation.lot ?? "—")</td><td>\(actions)</td></tr>"
        }
        let given: [HTML] = handedOver.map { handOver in
            let outstanding = handOver.quantity - handOver.returned
            let form: HTML =
                pharmacy && outstanding > 0
                ? """
                <form method="post" action="/dispenses/return"><input type="hidden" name="csrf" value="\(session.csrf)">
                <input type="hidden" name="key" value="\(Token.make())"><input type="hidden" name="dispense" value="\(handOver.id)">
                <input type="hidden" name="rx" value="\(rx.number)">
                <label>Units <input name="quantity" size="3" value="\(outstanding)"></label>
                <label>Into <input name="location" size="8" value="\(location)"></label>
                <label>Reason <input name="reason" required></label> <button>Take back</button></form>
                """ : ""
            return
                "<tr><td>\(RecordPages.time(handOver.handedOverAt))</td><td>\(handOver.sku)</td><td>\(handOver.lot ?? "—")</td><td>\(handOver.quantity)</td><td>\(handOver.returned)</td><td>\(form)</td></tr>"
        }
        let cancel: HTML =
            pharmacy && (rx.status == "active" || rx.status == "on-hold")
            ? """
            <form method="post" action="/prescriptions/cancel"><input type="hidden" name="csrf" value="\(session.csrf)">
            <input type="hidden" name="key" value="\(Token.make())"><input type="hidden" name="rx" value="\(rx.number)">
            <button>Cancel the prescription</button></form>
            """ : ""
        return """
            <h1>Prescription \(rx.number) <small>\(rx.status)</small></h1>\(Pages.message(notice, error: false))
            <p><a href="/patients/\(PageRoutes.percent(rx.patient))">\(rx.patientName)</a> · \(rx.style) \(rx.pressureClass) \(rx.side)
            · prescribed \(rx.quantityPrescribed), reserved \(rx.quantityReserved), handed over \(rx.quantityDispensed)
            \(rx.validUntil.map { " · valid until \($0)" } ?? "")</p>
            <p><a href="/fit?style=\(rx.style)">Fit for this prescription</a></p>
            <h2>Reserved</h2><table><thead><tr><th>Reservation</th><th>Article</th><th>Location</th><th>Lot</th><th></th></tr></thead>
            <tbody>\(held.isEmpty ? ["<tr><td colspan=\"5\">Nothing reserved.</td></tr>"] : held)</tbody></table>
            <h2>Handed over</h2><table><thead><tr><th>When</th><th>Article</th><th>Lot</th><th>Units</th><th>Returned</th><th></th></tr></thead>
            <tbody>\(given.isEmpty ? ["<tr><td colspan=\"6\">Nothing yet.</td></tr>"] : given)</tbody></table>
            \(cancel)
            """
    }
}

import Counter
import Foundation
import Hummingbird

/// One prescription at the counter: its reservations (hand over or release each) and the garments
/// handed over for it (take one back, as a return awaiting inspection).
enum PrescriptionViews {
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
                <input type="hidden" name="key" value="\(Token.make())"><input type="hidden" name="reservation" value="\(reservation.id)"><input type="hidden" name="rx" value="\(reservation.prescription)">
                <label>Scan the box <input name="scan" size="16" autocomplete="off"></label> <button>Hand over</button></form>
                <form method="post" action="/reservations/release"><input type="hidden" name="csrf" value="\(session.csrf)">
                <input type="hidden" name="key" value="\(Token.make())"><input type="hidden" name="reservation" value="\(reservation.id)"><input type="hidden" name="rx" value="\(reservation.prescription)">
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
                "<tr><td>\(Pages.time(handOver.handedOverAt))</td><td>\(handOver.sku)</td><td>\(handOver.lot ?? "—")</td><td>\(handOver.quantity)</td><td>\(handOver.returned)</td><td>\(form)</td></tr>"
        }
        let releases: HTML =
            reservations.isEmpty
            ? "Nothing is reserved for it."
            : "Cancelling releases \(reservations.map { "\($0.id) (\($0.sku) at \($0.location))" }.joined(separator: ", ")) back into stock."
        let cancel: HTML =
            pharmacy && rx.canCancel
            ? """
            <h2>Cancel the prescription</h2>
            <form method="post" action="/prescriptions/cancel"><input type="hidden" name="csrf" value="\(session.csrf)">
            <input type="hidden" name="key" value="\(Token.make())"><input type="hidden" name="rx" value="\(rx.number)">
            <p>\(releases) It cannot be undone.</p>
            <label>Why <input name="reason" size="40" required placeholder="e.g. the prescriber changed the class"></label>
            <button>Cancel the prescription</button></form>
            """ : ""
        // Fittings are recorded against active prescriptions only.
        let fit: HTML = """
            <p><a href="/fit?style=\(rx.style.rawValue)\(HTML(raw: rx.side == .both ? "&amp;both=1" : ""))&amp;rx=\(PageRoutes.percent(rx.number))">Fit for this prescription</a></p>
            """
        let why: HTML =
            rx.statusReason.map { reason in
                rx.status == .revoked
                    ? "<p>Cancelled: \(reason)</p>"
                    : "<p>Expired: \(reason)\(rx.quantityReserved > 0 ? " — its reserved garments are released when the day's expiry runs (Due page: Expire now)" : "")</p>"
            } ?? ""
        return """
            <h1>Prescription \(rx.number) <small>\(rx.status)</small></h1>\(Pages.message(notice, error: false))\(why)
            <p><a href="/patients/\(PageRoutes.percent(rx.patient))">\(rx.patientName)</a> · \(rx.style.rawValue) \(rx.pressureClass) \(rx.side)
            · prescribed \(rx.quantityPrescribed), reserved \(rx.quantityReserved), handed over \(rx.quantityDispensed)
            \(rx.validUntil.map { " · valid until \($0)" } ?? "")</p>
            \(rx.washingSet ? "<p>A second set for washing is covered: two garments per leg, one to wear, one to wash.</p>" as HTML : "")
            <p>Arterial status: \(rx.arterialAssessed ? "assessed by the prescriber" : "not assessed by the prescriber — a garment above 20 mmHg is reserved only once a fitting records each leg's ABPI")</p>
            \(rx.status == .active || rx.status == .draft ? fit : "")
            <h2>Reserved</h2><table><thead><tr><th>Reservation</th><th>Article</th><th>Location</th><th>Lot</th><th></th></tr></thead>
            <tbody>\(held.isEmpty ? ["<tr><td colspan=\"5\">Nothing reserved.</td></tr>"] : held)</tbody></table>
            <h2>Handed over</h2><table><thead><tr><th>When</th><th>Article</th><th>Lot</th><th>Units</th><th>Returned</th><th></th></tr></thead>
            <tbody>\(given.isEmpty ? ["<tr><td colspan=\"6\">Nothing yet.</td></tr>"] : given)</tbody></table>
            \(cancel)
            """
    }

    static func list(_ session: Session, _ records: [PrescriptionRecord], status: String) -> HTML {
        let rows: [HTML] = records.map { rx in
            """
            <tr><td><a href="/patients/\(PageRoutes.percent(rx.patient))">\(rx.patientName)</a></td><td><a href="/prescriptions/\(PageRoutes.percent(rx.number))">\(rx.number)</a></td>
            <td>\(rx.style.rawValue) \(rx.pressureClass) \(rx.side)</td><td>\(rx.quantityPrescribed)</td><td>\(rx.quantityReserved)</td>
            <td>\(rx.quantityDispensed)</td><td>\(rx.status)</td><td>\(rx.validUntil.map { "\($0)" } ?? "—")</td></tr>
            """
        }
        let choices: [HTML] = ["active", "on-hold", "completed", "expired", "revoked", "all"].map { choice in
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

    /// A reservation that departs from the prescription's last fitting, asked again: the reason to
    /// give, or the way back to fit again.
    static func confirmReservation(_ session: Session, rx: String, sku: String, _ message: String) -> HTML {
        """
        \(Pages.message(message))
        <form method="post" action="/reserve"><input type="hidden" name="csrf" value="\(session.csrf)">
        <input type="hidden" name="key" value="\(Token.make())"><input type="hidden" name="rx" value="\(rx)"><input type="hidden" name="sku" value="\(sku)">
        <label>Why this article <input name="confirmed_reason" size="48" required autofocus placeholder="e.g. the patient prefers the longer length; checked at the counter"></label>
        <button>Reserve it anyway</button></form>
        <p><a href="/prescriptions/\(PageRoutes.percent(rx))">Back to prescription \(rx)</a> ·
        <a href="/fit?rx=\(PageRoutes.percent(rx))">Fit again for it</a></p>
        """
    }

    /// A garment just reserved, with the hand-over as the next step.
    static func reserved(_ session: Session, _ reservation: ReservationRecord) -> HTML {
        """
        \(Pages.message("reserved \(reservation.sku) for prescription \(reservation.prescription): reservation \(reservation.id)", error: false))
        <form method="post" action="/dispense"><input type="hidden" name="csrf" value="\(session.csrf)">
        <input type="hidden" name="key" value="\(Token.make())"><input type="hidden" name="reservation" value="\(reservation.id)"><input type="hidden" name="rx" value="\(reservation.prescription)">
        <label>Scan the box to confirm it <input name="scan" size="16" autocomplete="off" autofocus></label> <button>Hand over (dispense)</button></form>
        """
    }
}

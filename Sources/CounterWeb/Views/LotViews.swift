import Counter
import Foundation
import Hummingbird

/// The stock room's other operations: count, transfer, and a lot's hold, release and recall with
/// the patients to contact.
enum LotViews {
    /// A status a lot may be set to, as the form offers it.
    static func statusOption(_ status: LotStatus) -> HTML {
        let words: [LotStatus: String] = [.onHold: "hold", .approved: "release", .recalled: "recall (final)"]
        return "<option value=\"\(status.rawValue)\">\(words[status] ?? status.rawValue)</option>"
    }

    /// A recall's contact list: each hand-over with how to reach the patient, its status and a
    /// form to move it on; the CSV of it.
    static func contacts(_ session: Session, _ lot: LotRecord, _ contacts: [RecallContact], notice: String?) -> HTML {
        let words: [RecallStatus: String] = [
            .toContact: "to contact", .contacted: "contacted", .returned: "garment returned",
        ]
        let rows: [HTML] = contacts.map { c in
            // Each detail escaped, one per line.
            let reach: [HTML] = [
                c.contact?.phone.map { "phone \($0)" }, c.contact?.email.map { "e-mail \($0)" },
                c.contact?.address.map { "address \($0)" }, c.contact?.preferred.map { "prefers \($0)" },
            ].compactMap { $0 }.enumerated().map { index, text in index == 0 ? "\(text)" : "<br>\(text)" }
            let who: HTML = c.updatedBy.map { "<br><small>\($0)</small>" } ?? ""
            let options: [HTML] = RecallStatus.allCases.map { status in
                "<option value=\"\(status.rawValue)\"\(status == c.status ? " selected" : "")>\(words[status] ?? status.rawValue)</option>"
            }
            let form: HTML =
                lot.status == .recalled
                ? """
                <form method="post" action="/lots/\(PageRoutes.percent(lot.code))/contacts"><input type="hidden" name="csrf" value="\(session.csrf)">
                <input type="hidden" name="key" value="\(Token.make())"><input type="hidden" name="sku" value="\(lot.sku)"><input type="hidden" name="dispense" value="\(c.dispense)">
                <select name="status">\(options)</select> <input name="note" size="20" placeholder="note" value="\(c.note ?? "")"> <button>Save</button></form>
                """ : ""
            return """
                <tr><td><strong>\(words[c.status] ?? c.status.rawValue)</strong></td>
                <td><a href="/patients/\(PageRoutes.percent(c.patient))">\(c.patientName)</a> \(c.patient)</td>
                <td>\(reach.isEmpty ? ["none recorded"] : reach)</td>
                <td>\(c.quantity) × \(c.sku), \(Pages.time(c.handedOverAt))\(c.returned > 0 ? ", \(c.returned) returned" : "")</td>
                <td>\(c.note ?? "")\(who)</td><td>\(form)</td></tr>
                """
        }
        let open = contacts.filter { $0.status == .toContact }.count
        let state: HTML =
            lot.status == .recalled
            ? (contacts.isEmpty ? "Nobody to contact." : "\(open) of \(contacts.count) still to contact.")
            : "Lot \(lot.code) is \(lot.status), not recalled: statuses are recorded once it is."
        return """
            <h1>Contact list <small>lot \(lot.code) · \(lot.sku) · \(lot.status)</small></h1>
            \(Pages.message(notice, error: false))<p>\(state) <a href="/lots/\(PageRoutes.percent(lot.code))/contacts.csv?sku=\(PageRoutes.percent(lot.sku))">Download as CSV</a> ·
            <a href="/lots/\(PageRoutes.percent(lot.code))?sku=\(PageRoutes.percent(lot.sku))">The lot</a></p>
            <table><thead><tr><th>Status</th><th>Patient</th><th>How to reach</th><th>Received</th><th>Note</th><th></th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"6\">Nobody received units of this lot.</td></tr>"] : rows)</tbody></table>
            """
    }

    static func lotPage(_ session: Session, _ lot: LotRecord, notice: String?) -> HTML {
        let stock: [HTML] = lot.stock.map {
            "<tr><td>\($0.location)</td><td>\($0.onHand)</td><td>\($0.reserved)</td><td>\($0.returned ? "returned" : "")</td></tr>"
        }
        let holds: [HTML] = lot.reservations.map {
            "<tr><td>\($0.id)</td><td>\($0.prescription)</td><td>\($0.patient)</td><td>\($0.location)</td></tr>"
        }
        let contacts: [HTML] = lot.dispenses.map {
            "<tr><td>\($0.patientName)</td><td><a href=\"/patients/\(PageRoutes.percent($0.patient))\">\($0.patient)</a></td><td>\($0.prescription)</td><td>\($0.handedOverAt)</td><td>\($0.quantity - $0.returned)</td></tr>"
        }
        let events: [HTML] = lot.events.map {
            "<tr><td>\(Pages.localTime($0.at))</td><td>\($0.status)</td><td>\($0.reason)</td><td>\($0.actor)</td></tr>"
        }
        let actions: HTML =
            session.role >= .pharmacy && !lot.nextStatuses.isEmpty
            ? """
            <form method="post" action="/lots/\(PageRoutes.percent(lot.code))/status">
            <input type="hidden" name="csrf" value="\(session.csrf)"><input type="hidden" name="key" value="\(Token.make())">
            <input type="hidden" name="sku" value="\(lot.sku)">
            <label>Reason <input name="reason" required></label>
            <select name="status">\(lot.nextStatuses.map(statusOption))</select>
            <button>Set</button></form>
            """ : ""
        return """
            <h1>Lot \(lot.code) <small>\(lot.sku) · \(lot.status)\(lot.expiresOn.map { " · expires \($0)" } ?? "")</small></h1>
            \(Pages.message(notice, error: false))\(actions)
            <h2>Where its units are</h2><table><thead><tr><th>Location</th><th>On hand</th><th>Reserved</th><th></th></tr></thead>
            <tbody>\(stock.isEmpty ? ["<tr><td colspan=\"4\">None on hand.</td></tr>"] : stock)</tbody></table>
            <h2>Reserved from it</h2><table><thead><tr><th>Reservation</th><th>Prescription</th><th>Patient</th><th>Location</th></tr></thead>
            <tbody>\(holds.isEmpty ? ["<tr><td colspan=\"4\">None.</td></tr>"] : holds)</tbody></table>
            <h2>Patients who received it (to contact on a recall)</h2>
            \(session.role >= .pharmacy && !lot.dispenses.isEmpty ? "<p><a href=\"/lots/\(PageRoutes.percent(lot.code))/contacts?sku=\(PageRoutes.percent(lot.sku))\">Contact list</a>: how to reach each, how far staff got</p>" as HTML : "")
            <table><thead><tr><th>Name</th><th>Reference</th><th>Prescription</th><th>Handed over</th><th>Still with them</th></tr></thead>
            <tbody>\(contacts.isEmpty ? ["<tr><td colspan=\"5\">Nobody yet.</td></tr>"] : contacts)</tbody></table>
            <h2>Events</h2><table><thead><tr><th>When</th><th>Status</th><th>Reason</th><th>Who</th></tr></thead>
            <tbody>\(events.isEmpty ? ["<tr><td colspan=\"4\">None.</td></tr>"] : events)</tbody></table>
            """
    }
}

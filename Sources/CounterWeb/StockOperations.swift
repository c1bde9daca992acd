import Counter
import Foundation
import Hummingbird

/// The stock room's other operations: count, transfer, and a lot's hold, release and recall with
/// the patients to contact.
enum StockOperations {
    static func add(to router: Router<WebContext>, state: WebState) {
        router.post("/stock/count") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let (sku, location, key) = (
                    fields.text("sku"), fields.given("location") ?? state.location, try fields.key()
                )
                let count = CountRequest(
                    sku: sku, counted: NumberText(fields.text("counted")), location: location, lot: fields.given("lot"))
                let movement = try await state.withDesk(session.login) { try count.run(on: $0, key: key) }
                let counted = count.counted.text
                let done =
                    movement.map { "counted \(counted) at \(location): \($0.delta > 0 ? "+" : "")\($0.delta) recorded" }
                    ?? "counted \(counted) at \(location): as recorded, nothing to correct"
                return Web.redirect("/stock?q=\(PageRoutes.percent(sku))&done=\(PageRoutes.percent(done))")
            } page: {
                Pages.stockRefused($0, $1, $2)
            }
        }

        router.post("/stock/transfer") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let (sku, key) = (fields.text("sku"), try fields.key())
                let transfer = TransferRequest(
                    sku: sku, quantity: NumberText(fields.text("quantity")), from: fields.given("from"),
                    to: fields.text("to"))
                let moved = try await state.withDesk(session.login) { try transfer.run(on: $0, key: key) }
                let done =
                    "moved \(moved.last?.delta ?? 0) from \(moved.first?.location ?? "") to \(moved.last?.location ?? "")"
                return Web.redirect("/stock?q=\(PageRoutes.percent(sku))&done=\(PageRoutes.percent(done))")
            } page: {
                Pages.stockRefused($0, $1, $2)
            }
        }

        // Returned garments that passed inspection go back on the shelf; units that cannot be
        // sold (failed inspection, expired, recalled, damaged) are written off with their reason.
        router.post("/stock/release-return") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let (sku, key) = (fields.text("sku"), try fields.key())
                let release = ReleaseReturnRequest(
                    sku: sku, quantity: NumberText(fields.text("quantity")), location: fields.given("location"),
                    lot: fields.given("lot"))
                let moved = try await state.withDesk(session.login) { try release.run(on: $0, key: key) }
                let done =
                    "\(moved.last?.delta ?? 0) returned at \(moved.last?.location ?? "") passed inspection: back in stock"
                return Web.redirect("/stock?q=\(PageRoutes.percent(sku))&done=\(PageRoutes.percent(done))")
            } page: {
                Pages.stockRefused($0, $1, $2)
            }
        }

        router.post("/stock/write-off") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let (sku, key) = (fields.text("sku"), try fields.key())
                let writeOff = WriteOffRequest(
                    sku: sku, quantity: NumberText(fields.text("quantity")), location: fields.given("location"),
                    lot: fields.given("lot"), reason: fields.text("reason"), note: fields.given("note"))
                let movement = try await state.withDesk(session.login) { try writeOff.run(on: $0, key: key) }
                let done = "wrote off \(-movement.delta) at \(movement.location) (\(writeOff.reason))"
                return Web.redirect("/stock?q=\(PageRoutes.percent(sku))&done=\(PageRoutes.percent(done))")
            } page: {
                Pages.stockRefused($0, $1, $2)
            }
        }

        router.get("/lots/:code") { request, context in
            let code = try Web.path(context, "code")
            let sku: String? = (try Web.query(request, "sku")).flatMap { $0.isEmpty ? nil : $0 }
            let notice: String? = (try Web.query(request, "done"))
            return try await RecordPages.page(request, context: context, state: state, title: "Lot", current: "/stock")
            {
                session, desk in
                lotPage(session, try desk.lot(code, sku: sku), notice: notice)
            }
        }

        router.post("/lots/:code/status") { request, context in
            let code = try Web.path(context, "code")
            return try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let change = LotStatusRequest(
                    status: fields.text("status"), reason: fields.text("reason"), sku: fields.given("sku"))
                let key = try fields.key()
                let lot = try await state.withDesk(session.login) { try change.run(on: $0, code: code, key: key) }
                return Web.redirect(
                    "/lots/\(PageRoutes.percent(code))?sku=\(PageRoutes.percent(lot.sku))&done=\(PageRoutes.percent("lot \(code) is now \(lot.status)"))"
                )
            } page: { session, _, message in
                Pages.layout("Lot", session: session, current: "/stock", Pages.message(message))
            }
        }
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
            "<tr><td>\($0.at)</td><td>\($0.status)</td><td>\($0.reason)</td><td>\($0.actor)</td></tr>"
        }
        let actions: HTML =
            session.role >= .pharmacy && lot.status != "recalled"
            ? """
            <form method="post" action="/lots/\(PageRoutes.percent(lot.code))/status">
            <input type="hidden" name="csrf" value="\(session.csrf)"><input type="hidden" name="key" value="\(Token.make())">
            <input type="hidden" name="sku" value="\(lot.sku)">
            <label>Reason <input name="reason" required></label>
            <select name="status"><option value="on-hold">hold</option><option value="approved">release</option><option value="recalled">recall (final)</option></select>
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
            <table><thead><tr><th>Name</th><th>Reference</th><th>Prescription</th><th>Handed over</th><th>Still with them</th></tr></thead>
            <tbody>\(contacts.isEmpty ? ["<tr><td colspan=\"5\">Nobody yet.</td></tr>"] : contacts)</tbody></table>
            <h2>Events</h2><table><thead><tr><th>When</th><th>Status</th><th>Reason</th><th>Who</th></tr></thead>
            <tbody>\(events.isEmpty ? ["<tr><td colspan=\"4\">None.</td></tr>"] : events)</tbody></table>
            """
    }
}

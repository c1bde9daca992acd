import Counter
import Fitting
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A lot: where its units are and who received them; holding, releasing and recalling it.
enum LotsController {
    static func routes(state: WebState) -> RouteCollection<WebContext> {
        let router = RouteCollection(context: WebContext.self)
        router.add(middleware: FormMiddleware(state: state))
        router.get("/lots/:code") { request, context in
            let code = try Web.path(context, "code")
            let sku: String? = (try Web.query(request, "sku")).flatMap { $0.isEmpty ? nil : $0 }
            let notice: String? = (try Web.query(request, "done"))
            return try await PageRoutes.page(request, context: context, state: state, title: "Lot", current: "/stock") {
                session, desk in
                LotViews.lotPage(session, try desk.lot(code, sku: sku), notice: notice)
            }
        }

        router.get("/lots/:code/contacts") { request, context in
            let code = try Web.path(context, "code")
            let sku: String? = (try Web.query(request, "sku")).flatMap { $0.isEmpty ? nil : $0 }
            let notice: String? = (try Web.query(request, "done"))
            return try await PageRoutes.page(
                request, context: context, state: state, title: "Contact list", current: "/stock"
            ) { session, desk in
                let lot = try desk.lot(code, sku: sku)
                return LotViews.contacts(session, lot, try desk.recallContacts(lot: code, sku: sku), notice: notice)
            }
        }

        // The contact list as CSV, for a spreadsheet or a mail merge: the same rows, the same rights.
        router.get("/lots/:code/contacts.csv") { request, context in
            let code = try Web.path(context, "code")
            let sku: String? = (try Web.query(request, "sku")).flatMap { $0.isEmpty ? nil : $0 }
            return try await PageRoutes.csv(
                request, context: context, state: state, title: "Contact list", current: "/stock",
                filename: "recall-\(code)"
            ) { RecallContactCSV.render(try $0.recallContacts(lot: code, sku: sku)) }
        }

        router.post("/lots/:code/contacts") { request, context in
            let code = try Web.path(context, "code")
            return try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let change = RecallStatusRequest(status: fields.text("status"), note: fields.given("note"))
                let (sku, dispense, key) = (fields.given("sku"), fields.text("dispense"), try fields.key())
                let line = try await state.withDesk(session.login) {
                    try change.run(on: $0, lot: code, sku: sku, dispense: dispense, key: key)
                }
                return Web.redirect(
                    "/lots/\(PageRoutes.percent(code))/contacts?sku=\(PageRoutes.percent(sku ?? ""))&done=\(PageRoutes.percent("\(line.patientName): \(line.status)"))"
                )
            } page: { session, _, message in
                Pages.layout(
                    "Contact list", session: session, current: "/stock",
                    """
                    \(Pages.message(message))
                    <p><a href="/lots/\(PageRoutes.percent(code))/contacts">Back to the contact list of lot \(code)</a>: nothing was saved.</p>
                    """)
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
        return router
    }
}

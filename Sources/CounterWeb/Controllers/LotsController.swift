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

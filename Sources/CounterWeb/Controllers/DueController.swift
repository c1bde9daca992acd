import Counter
import Fitting
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// What is due: garments to replace, prescriptions running out, legs to measure again.
enum DueController {
    static func routes(state: WebState) -> RouteCollection<WebContext> {
        let router = RouteCollection(context: WebContext.self)
        router.add(middleware: FormMiddleware(state: state))
        router.get("/due") { request, context in
            let asked = DueRequest(within: try Web.given(request, "within"))
            let notice: String? = try Web.query(request, "done")
            return try await PageRoutes.page(request, context: context, state: state, title: "Due", current: "/due") {
                session, desk in
                PatientViews.due(session, try asked.run(on: desk), try asked.days(), desk.today, notice: notice)
            }
        }

        router.post("/prescriptions/expire") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let key = try fields.key()
                let expiry = try await state.withDesk(session.login) { try $0.expirePrescriptions(key: key) }
                let released = expiry.expired.flatMap { $0.released ?? [] }
                let words =
                    expiry.expired.isEmpty
                    ? "no prescription was past its last valid day"
                    : "expired \(expiry.expired.map(\.number).joined(separator: ", "))"
                        + (released.isEmpty
                            ? "" : "; released \(released.map(\.id).joined(separator: ", ")) back into stock")
                return Web.redirect("/due?done=\(PageRoutes.percent(words))")
            } page: { session, _, message in
                Pages.layout("Due", session: session, current: "/due", Pages.message(message))
            }
        }
        return router
    }
}

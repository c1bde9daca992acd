import Counter
import Fitting
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Recorded fittings and their made-to-measure order sheets.
enum FittingsController {
    static func routes(state: WebState) -> RouteCollection<WebContext> {
        let router = RouteCollection(context: WebContext.self)
        router.add(middleware: FormMiddleware(state: state))
        router.get("/fittings/:id") { request, context in
            let id = try Web.path(context, "id")
            let notice: String? = try Web.query(request, "done")
            return try await PageRoutes.page(
                request, context: context, state: state, title: "Fitting", current: "/patients"
            ) {
                session, desk in FittingViews.fitting(session, try desk.fitting(id), notice: notice)
            }
        }

        router.post("/fittings/void") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let (id, reason, key) = (fields.text("fitting"), fields.text("reason"), try fields.key())
                let fitting = try await state.withDesk(session.login) {
                    try $0.voidFitting(id, reason: reason, key: key)
                }
                return Web.redirect(
                    "/fittings/\(PageRoutes.percent(fitting.id))?done=\(PageRoutes.percent("fitting \(fitting.id) voided"))"
                )
            } page: { session, fields, message in
                let id = fields["fitting"] ?? ""
                return Pages.layout(
                    "Fitting", session: session, current: "/patients",
                    """
                    \(Pages.message(message))
                    \(id.isEmpty ? "" : "<p><a href=\"/fittings/\(PageRoutes.percent(id))\">Back to fitting \(id)</a></p>" as HTML)
                    """)
            }
        }

        router.get("/fittings/:id/order") { request, context in
            let id = try Web.path(context, "id")
            let (line, toe, color) = (
                try Web.given(request, "line"), try Web.given(request, "toe"), try Web.given(request, "color")
            )
            return try await PageRoutes.page(
                request, context: context, state: state, title: "Order sheet", current: "/patients"
            ) {
                _, desk in FittingViews.sheet(try desk.order(fitting: id, line: line, toe: toe, color: color))
            }
        }
        return router
    }
}

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
            return try await PageRoutes.page(
                request, context: context, state: state, title: "Fitting", current: "/patients"
            ) {
                _, desk in FittingViews.fitting(try desk.fitting(id))
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

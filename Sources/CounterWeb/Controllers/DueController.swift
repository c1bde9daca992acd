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
            return try await PageRoutes.page(request, context: context, state: state, title: "Due", current: "/due") {
                _, desk in PatientViews.due(try asked.run(on: desk), try asked.days(), desk.today)
            }
        }
        return router
    }
}

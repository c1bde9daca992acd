import Hummingbird
import Logging

/// The last word on any error a route lets through: an API call gets its problem document, a page
/// a page with the one line and the status its kind has (a too large body 413, a held row 409 with
/// `Retry-After`, an unavailable database 503) — never Hummingbird's bare 500. Hummingbird's own
/// HTTP errors (an unknown path, a method not routed) pass through as they are.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = WebContext

    /// Where failures that should not happen are written.
    let logger: Logger

    func handle(
        _ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            let failure = Web.failure(error, request, logger: logger)
            if request.uri.path.hasPrefix("/api/") { return APIRoutes.problem(error) }
            return Web.page(Pages.layout("Not done", session: nil, Pages.message(failure.message)), failure: failure)
        }
    }
}

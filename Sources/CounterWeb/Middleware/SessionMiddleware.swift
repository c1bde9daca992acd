import Hummingbird

/// Finds the session the request's cookie names, once per request, and puts it in the context:
/// every page and the API read `context.session`, and a page without one redirects to sign-in.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WebContext

    /// Where sessions are kept.
    let state: WebState

    func handle(
        _ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.session = state.session(request.cookies[Web.sessionCookie]?.value)
        return try await next(request, context)
    }
}

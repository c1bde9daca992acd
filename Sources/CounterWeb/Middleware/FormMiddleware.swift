import Hummingbird

/// The pages' forms: every form a signed-in person posts is read once here — its fields, each
/// refused by name if it holds a control character, at most `--max-body` bytes — and its CSRF token checked against the
/// session's before any route sees it. A post without a session goes to sign-in; one whose token is
/// missing or wrong does nothing and says so (403). The routes take the fields from
/// `context.form`. A multipart upload (a catalog file) carries its token among its parts, which
/// its route checks once it has them.
struct FormMiddleware: RouterMiddleware {
    typealias Context = WebContext

    let state: WebState

    func handle(
        _ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response
    ) async throws -> Response {
        guard SameOriginMiddleware.unsafe.contains(request.method),
            !(request.headers[.contentType] ?? "").lowercased().hasPrefix("multipart/")
        else {
            return try await next(request, context)
        }
        guard let session = context.session else { return Web.redirect("/login") }
        let fields = try await Web.form(request, limit: state.limits.body)
        guard PageRoutes.checkCSRF(fields, session) else { return PageRoutes.expired(session) }
        var context = context
        context.form = fields
        return try await next(request, context)
    }
}

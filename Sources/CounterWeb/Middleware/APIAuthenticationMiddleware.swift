import Counter
import Foundation
import HTTPTypes
import Hummingbird

/// Who is calling the API, found once before any operation runs: HTTP Basic credentials, checked
/// like a sign-in (throttled per login and per address), or a page session — whose unsafe requests
/// must carry the session's token in `X-CSRF-Token`, since a browser sends its cookie with any
/// request. The login found is the context's `apiLogin`; anything else is a problem (401 with
/// `WWW-Authenticate`, 403 for a wrong token, 429 while throttled).
struct APIAuthenticationMiddleware: RouterMiddleware {
    typealias Context = WebContext

    let state: WebState

    func handle(
        _ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        do {
            context.apiLogin = try await login(request, context: context)
        } catch {
            _ = Web.failure(error, request, logger: state.logger)
            // Refused from its head: a body on its way is never read.
            return Web.closingUnread(APIRoutes.problem(error), request)
        }
        return try await next(request, context)
    }

    private func login(_ request: Request, context: WebContext) async throws -> String {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("basic ") {
            guard let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
            else {
                throw StaffSignIn.Refusal(
                    message: "Authorization: expected Basic credentials (login:password)", retryAfter: nil)
            }
            let login = String(text[..<colon])
            _ = try await state.signIn(
                login: login, password: String(text[text.index(after: colon)...]), from: context.clientAddress)
            return login
        }
        guard let session = context.session else {
            throw StaffSignIn.Refusal(message: "sign in: HTTP Basic credentials or a session cookie", retryAfter: nil)
        }
        if SameOriginMiddleware.unsafe.contains(request.method) {
            let token = request.headers[HTTPField.Name("X-CSRF-Token")!] ?? ""
            guard PasswordCheck.constantTimeEqual(Array(token.utf8), Array(session.csrf.utf8)) else {
                throw CounterError.badInput("X-CSRF-Token", expected: "the session's token", typed: token)
            }
        }
        return session.login
    }
}

import Counter
import Fitting
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Signing in and out, and the health check a load balancer asks: the pages anyone may reach.
enum SignInController {
    static func routes(state: WebState) -> RouteCollection<WebContext> {
        let router = RouteCollection(context: WebContext.self)
        // For a load balancer or a monitor: 200 when the database answers, 503 when it does not. An
        // admin signed in also reads what an acknowledged write is worth: the server's replication.
        router.get("/healthz") { _, context in
            do {
                try await state.staff.check()
                var text = "ok\n"
                if let session = context.session, session.role == .admin {
                    let replication = try await state.withDesk(session.login) { try $0.replication() }
                    text += "replication: \(replication.summary)\n"
                }
                return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
            } catch {
                state.logger.warning(
                    "health check: the database does not answer",
                    metadata: ["error": "\(LogText.escaped("\(error)", limit: 2_000))"])
                return Response(
                    status: .serviceUnavailable,
                    body: ResponseBody(byteBuffer: ByteBuffer(string: "database unavailable\n")))
            }
        }

        router.get("/") { request, context in
            context.session == nil
                ? Web.redirect("/login") : Web.redirect("/fit")
        }

        // The sign-in form: a random cookie, and in the form the server's signature of it.
        @Sendable func signInPage(login: String = "", error: String? = nil, status: HTTPResponse.Status = .ok)
            -> Response
        {
            let nonce = Token.make()
            var response = Web.page(
                Pages.login(csrf: state.signInFormToken(nonce), login: login, error: error), status: status)
            response.setCookie(PageRoutes.loginCookie(nonce, state: state))
            return response
        }

        router.get("/login") { _, _ in signInPage() }

        router.post("/login") { request, context in
            let fields = try await Web.form(request, limit: state.limits.body)
            let login = fields["login"] ?? ""
            guard let nonce = request.cookies[Web.loginCookie]?.value, let given = fields["csrf"],
                PasswordCheck.constantTimeEqual(Array(state.signInFormToken(nonce).utf8), Array(given.utf8))
            else {
                return signInPage(
                    login: login, error: "the sign-in form had expired: sign in again", status: .forbidden)
            }
            do {
                let role = try await state.signIn(
                    login: login, password: fields["password"] ?? "", from: context.clientAddress,
                    device: request.cookies[Web.deviceCookie]?.value)
                let session = state.startSession(login: login, role: role)
                var response = Web.redirect("/")
                response.setCookie(PageRoutes.sessionCookie(session.id, state: state))
                response.setCookie(Cookie(name: Web.loginCookie, value: "", maxAge: 0, path: "/", sameSite: .strict))
                // This browser has now signed in as the login: it keeps signing in while the
                // login is under attack from elsewhere.
                response.setCookie(PageRoutes.deviceCookie(state.staff.deviceCookie(for: login), state: state))
                return response
            } catch let refusal as StaffSignIn.Refusal {
                var response = signInPage(
                    login: login, error: refusal.message,
                    status: refusal.retryAfter == nil ? .unauthorized : .tooManyRequests)
                if let seconds = refusal.retryAfter { response.headers[.retryAfter] = String(seconds) }
                return response
            }
        }

        router.post("/logout") { request, context in
            let fields = try await Web.form(request, limit: state.limits.body)
            if let session = context.session, PageRoutes.checkCSRF(fields, session) {
                state.endSession(session.id)
            }
            var response = Web.redirect("/login")
            response.setCookie(Cookie(name: Web.sessionCookie, value: "", maxAge: 0, path: "/", sameSite: .strict))
            return response
        }
        return router
    }
}

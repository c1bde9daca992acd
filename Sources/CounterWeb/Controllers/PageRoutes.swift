import Counter
import Fitting
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The pages: sign in and out, fit, stock; every form posts with the session's CSRF token.
enum PageRoutes {
    /// A posted form of a signed-in person (read and its token checked by ``FormMiddleware``):
    /// `body`, and for a refusal the page `page` makes with the message.
    static func posted(
        _ request: Request, context: WebContext, state: WebState,
        _ body: (Session, [String: String]) async throws -> Response,
        page: (Session, [String: String], String) -> HTML
    ) async throws -> Response {
        // The form middleware has read the fields and checked the token.
        guard let session = context.session, let fields = context.form else { return Web.redirect("/login") }
        do {
            return try await body(session, fields)
        } catch {
            let failure = Web.failure(error, request, logger: state.logger)
            if failure.status != .internalServerError {
                state.logger.info(
                    "refused",
                    metadata: [
                        "login": "\(LogText.escaped(session.login))", "path": "\(LogText.escaped(request.uri.path))",
                    ])
            }
            return Web.page(page(session, fields, failure.message), failure: failure)
        }
    }

    static func checkCSRF(_ fields: [String: String], _ session: Session) -> Bool {
        guard let given = fields["csrf"] else { return false }
        return PasswordCheck.constantTimeEqual(Array(given.utf8), Array(session.csrf.utf8))
    }

    static func expired(_ session: Session) -> Response {
        Web.page(
            Pages.layout(
                "Expired", session: session,
                Pages.message("this form had expired or did not come from this site: nothing was done; try again")),
            status: .forbidden)
    }

    static func sessionCookie(_ id: String, state: WebState) -> Cookie {
        Cookie(
            name: Web.sessionCookie, value: id, path: "/", secure: state.secureCookies, httpOnly: true,
            sameSite: .strict)
    }

    static func loginCookie(_ token: String, state: WebState) -> Cookie {
        Cookie(
            name: Web.loginCookie, value: token, maxAge: 3_600, path: "/", secure: state.secureCookies, httpOnly: true,
            sameSite: .strict)
    }

    /// The device cookie of a browser that signed in (see ``StaffSignIn/deviceCookie(for:)``):
    /// kept 180 days, sent only to this server's sign-in.
    static func deviceCookie(_ value: String, state: WebState) -> Cookie {
        Cookie(
            name: Web.deviceCookie, value: value, maxAge: 180 * 86_400, path: "/login", secure: state.secureCookies,
            httpOnly: true, sameSite: .strict)
    }

    /// `text` percent-encoded for a query value or a path segment (RFC 3986's unreserved kept).
    static func percent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    static let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))

    /// A read-only page of a signed-in person: `body` runs on one of their connections; a refusal
    /// is shown as a plain message.
    /// A CSV download `body` makes on the signed-in login's desk, saved as `filename`.csv (letters,
    /// digits and dashes of it); a refusal is the page `title` saying why, as ``page(_:context:state:title:current:_:)``.
    static func csv(
        _ request: Request, context: WebContext, state: WebState, title: String, current: String, filename: String,
        _ body: @Sendable @escaping (Desk) throws -> String
    ) async throws -> Response {
        guard let session = context.session else { return Web.redirect("/login") }
        do {
            let text = try await state.withDesk(session.login, body)
            var headers = HTTPFields()
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] =
                "attachment; filename=\"\(filename.filter { $0.isLetter || $0.isNumber || $0 == "-" }).csv\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        } catch {
            let failure = Web.failure(error, request, logger: state.logger)
            return Web.page(
                Pages.layout(title, session: session, current: current, Pages.message(failure.message)),
                failure: failure)
        }
    }

    static func page(
        _ request: Request, context: WebContext, state: WebState, title: String, current: String,
        _ body: @Sendable @escaping (Session, Desk) throws -> HTML
    ) async throws -> Response {
        guard let session = context.session else {
            return Web.redirect("/login")
        }
        do {
            let html = try await state.withDesk(session.login) { try body(session, $0) }
            return Web.page(Pages.layout(title, session: session, current: current, html))
        } catch {
            let failure = Web.failure(error, request, logger: state.logger)
            return Web.page(
                Pages.layout(title, session: session, current: current, Pages.message(failure.message)),
                failure: failure)
        }
    }
}

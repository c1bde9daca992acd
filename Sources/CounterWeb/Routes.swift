import Counter
import Fitting
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The pages: sign in and out, fit, stock; every form posts with the session's CSRF token.
enum PageRoutes {
    static func add(to router: Router<WebContext>, state: WebState) {
        // For a load balancer or a monitor: 200 when the database answers, 503 when it does not.
        router.get("/healthz") { _, _ in
            do {
                try await state.staff.check()
                return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ok\n")))
            } catch {
                state.logger.warning("health check: the database does not answer", metadata: ["error": "\(error)"])
                return Response(
                    status: .serviceUnavailable,
                    body: ResponseBody(byteBuffer: ByteBuffer(string: "database unavailable\n")))
            }
        }

        router.get("/") { request, context in
            context.session == nil
                ? Web.redirect("/login") : Web.redirect("/fit")
        }

        router.get("/login") { _, _ in
            let token = Token.make()
            var response = Web.page(Pages.login(csrf: token))
            response.setCookie(loginCookie(token, state: state))
            return response
        }

        router.post("/login") { request, context in
            let fields = try await Web.form(request)
            let login = fields["login"] ?? ""
            guard let expected = request.cookies[Web.loginCookie]?.value, let given = fields["csrf"],
                PasswordCheck.constantTimeEqual(Array(expected.utf8), Array(given.utf8))
            else {
                let token = Token.make()
                var response = Web.page(
                    Pages.login(csrf: token, login: login, error: "the sign-in form had expired: sign in again"),
                    status: .forbidden)
                response.setCookie(loginCookie(token, state: state))
                return response
            }
            do {
                let role = try await state.signIn(
                    login: login, password: fields["password"] ?? "", from: context.clientAddress)
                let session = state.startSession(login: login, role: role)
                var response = Web.redirect("/")
                response.setCookie(sessionCookie(session.id, state: state))
                response.setCookie(Cookie(name: Web.loginCookie, value: "", maxAge: 0, path: "/", sameSite: .strict))
                return response
            } catch let refusal as StaffSignIn.Refusal {
                let token = Token.make()
                var response = Web.page(
                    Pages.login(csrf: token, login: login, error: refusal.message),
                    status: refusal.retryAfter == nil ? .unauthorized : .tooManyRequests)
                response.setCookie(loginCookie(token, state: state))
                if let seconds = refusal.retryAfter { response.headers[.retryAfter] = String(seconds) }
                return response
            }
        }

        router.post("/logout") { request, context in
            let fields = try await Web.form(request)
            if let session = context.session, checkCSRF(fields, session) {
                state.endSession(session.id)
            }
            var response = Web.redirect("/login")
            response.setCookie(Cookie(name: Web.sessionCookie, value: "", maxAge: 0, path: "/", sameSite: .strict))
            return response
        }

        router.get("/stock") { request, context in
            guard let session = context.session else {
                return Web.redirect("/login")
            }
            let query = (try Web.query(request, "q"))?.trimmingCharacters(in: .whitespaces) ?? ""
            let notice = (try Web.query(request, "done"))
            guard !query.isEmpty else {
                return Web.page(
                    Pages.stock(
                        session: session, query: "", article: nil, error: nil, notice: notice, formKey: Token.make()))
            }
            do {
                let finding = try await state.withDesk(session.login) {
                    try $0.findArticle(query, limit: Pages.searchLimit)
                }
                guard let article = finding.article else {
                    return Web.page(
                        Pages.stock(
                            session: session, query: query, article: nil, error: nil, notice: notice,
                            formKey: Token.make(), matches: finding.matches))
                }
                // A scanned box's lot and expiry fill in the receive form.
                let scanned = Pages.Scanned(
                    lot: finding.scannedLot, expires: finding.scannedExpiry.map { "\($0)" }, location: state.location)
                return Web.page(
                    Pages.stock(
                        session: session, query: query, article: article, error: nil, notice: notice,
                        formKey: Token.make(), scanned: scanned))
            } catch {
                let failure = Web.describe(error)
                let (status, message) = (failure.status, failure.message)
                return Web.page(
                    Pages.stock(
                        session: session, query: query, article: nil, error: message, notice: nil, formKey: Token.make()
                    ),
                    status: status == .internalServerError ? status : .ok)
            }
        }

        router.post("/stock/receive") { request, context in
            try await posted(request, context: context, state: state) { session, fields in
                let (sku, key) = (fields.text("sku"), try fields.key())
                let receipt = ReceiveRequest(
                    sku: sku, quantity: NumberText(fields.text("quantity")), location: fields.given("location"),
                    lot: fields.given("lot"), expires: fields.given("expires"), reference: "received at the counter")
                let movement = try await state.withDesk(session.login) { try receipt.run(on: $0, key: key) }
                let quantity = movement.delta
                return Web.redirect(
                    "/stock?q=\(percent(sku))&done=\(percent("received \(quantity) into \(movement.location) (movement \(movement.id))"))"
                )
            } page: {
                Pages.stockRefused($0, $1, $2)
            }
        }

        router.get("/fit") { request, context in
            guard let session = context.session else {
                return Web.redirect("/login")
            }
            var entry = FitPage.Entry()
            // A style in the address is read like any other (an unknown one is said, not replaced).
            var problem: String?
            if let typed = try Web.query(request, "style") {
                do { entry.style = try Input.style(typed) } catch { problem = Web.describe(error).message }
            }
            entry.bothLegs = (try Web.query(request, "both")) == "1"
            do {
                let lines = try await state.withDesk(session.login) { try $0.productLines() }
                return Web.page(
                    Pages.layout(
                        "Fit", session: session, current: "/fit",
                        FitPage.form(session: session, lines: lines, entry: entry, error: problem)),
                    status: problem == nil ? .ok : .unprocessableContent)
            } catch {
                return Web.page(
                    Pages.layout("Fit", session: session, current: "/fit", Pages.message(Web.describe(error).message)),
                    status: Web.describe(error).status)
            }
        }

        router.post("/fit") { request, context in
            guard let session = context.session else {
                return Web.redirect("/login")
            }
            let fields = try await Web.form(request)
            guard checkCSRF(fields, session) else { return expired(session) }
            var entry = FitPage.Entry()
            entry.classText = fields["class"] ?? ""
            entry.bothLegs = fields["both"] == "1"
            entry.abpi = fields["abpi"] ?? ""
            entry.prescription = (fields["rx"] ?? "").trimmingCharacters(in: .whitespaces)
            entry.values = fields
            let location = state.location
            // Style, unit and the form's key are read by the layer: nothing unknown is taken for a
            // default, and a form without its key is refused rather than given a new one.
            let read = Result { () throws -> String in
                entry.style = try Input.style(fields["style"])
                entry.unit = try Input.unit(fields["unit"])
                return Input.scopedKey(try Input.idempotencyKey(fields["key"], field: "key"), face: "web")
            }
            let entered = entry
            let (lines, outcome): ([ProductLine], Result<(FitReport, [LegLine: [ArticleStock]], Int64?), any Error>) =
                try await state.withDesk(session.login) { desk in
                    let lines = try desk.productLines()
                    let result = Result { () throws -> (FitReport, [LegLine: [ArticleStock]], Int64?) in
                        let recordKey = try read.get()
                        let abpi = try Input.abpi(entered.abpi)
                        let (report, legs, stock) = try desk.fit(
                            { try FitPage.legs(fields, entry: entered, lines: lines) }, lines: lines,
                            style: entered.style, classText: entered.classText, unit: entered.unit, abpi: abpi)
                        // Recorded against the prescription, when one was given (once per form).
                        let recorded =
                            entered.prescription.isEmpty
                            ? nil : try desk.record(report, legs: legs, rx: entered.prescription, key: recordKey)
                        return (report, stock, recorded)
                    }
                    return (lines, result)
                }
            switch outcome {
            case .success(let (report, stock, recorded)):
                let notice = recorded.map { "fitting \($0) recorded for prescription \(entry.prescription)" }
                return Web.page(
                    Pages.layout(
                        "Fit", session: session, current: "/fit",
                        """
                        \(FitPage.form(session: session, lines: lines, entry: entry, error: nil))
                        \(Pages.message(notice, error: false))
                        \(FitPage.results(session: session, report: report, stock: stock, location: location, prescription: entry.prescription))
                        """))
            case .failure(let error):
                let failure = Web.failure(error, request, logger: state.logger)
                return Web.page(
                    Pages.layout(
                        "Fit", session: session, current: "/fit",
                        FitPage.form(session: session, lines: lines, entry: entry, error: failure.message)),
                    failure: failure)
            }
        }

        router.post("/reserve") { request, context in
            try await posted(request, context: context, state: state) { session, fields in
                let (rx, key) = (fields.text("rx"), try fields.key())
                let reserve = ReserveRequest(prescription: rx, sku: fields.text("sku"))
                let reservation = try await state.withDesk(session.login) { try reserve.run(on: $0, key: key) }
                return Web.page(
                    Pages.layout(
                        "Reserved", session: session,
                        """
                        \(Pages.message("reserved \(reservation.sku) for prescription \(rx): reservation \(String(reservation.id))", error: false))
                        <form method="post" action="/dispense"><input type="hidden" name="csrf" value="\(session.csrf)">
                        <input type="hidden" name="key" value="\(Token.make())"><input type="hidden" name="reservation" value="\(reservation.id)">
                        <button autofocus>Hand over (dispense)</button></form>
                        """))
            } page: { session, _, message in
                Pages.layout("Reserve", session: session, Pages.message(message))
            }
        }

        router.post("/dispense") { request, context in
            try await posted(request, context: context, state: state) { session, fields in
                let (id, key) = (fields.text("reservation"), try fields.key())
                let dispense = try await state.withDesk(session.login) { try $0.dispense(reservation: id, key: key) }
                return Web.page(
                    Pages.layout(
                        "Dispensed", session: session,
                        Pages.message(
                            "handed over \(dispense.sku)\(dispense.lot.map { " (lot \($0))" } ?? "") for prescription \(dispense.prescription): dispense \(dispense.id)",
                            error: false)))
            } page: { session, _, message in
                Pages.layout("Dispense", session: session, Pages.message(message))
            }
        }
    }

    /// A posted form of a signed-in person: the session and its CSRF token checked, then `body`;
    /// a refusal is the page `page` makes with the message.
    static func posted(
        _ request: Request, context: WebContext, state: WebState,
        _ body: (Session, [String: String]) async throws -> Response,
        page: (Session, [String: String], String) -> HTML
    ) async throws -> Response {
        guard let session = context.session else {
            return Web.redirect("/login")
        }
        let fields = try await Web.form(request)
        guard checkCSRF(fields, session) else { return expired(session) }
        do {
            return try await body(session, fields)
        } catch {
            let failure = Web.failure(error, request, logger: state.logger)
            if failure.status != .internalServerError {
                state.logger.info("refused", metadata: ["login": "\(session.login)", "path": "\(request.uri.path)"])
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

    /// `text` percent-encoded for a query value or a path segment (RFC 3986's unreserved kept).
    static func percent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    static let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))

}

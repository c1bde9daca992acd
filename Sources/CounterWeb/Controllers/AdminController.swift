import Counter
import Fitting
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The admin desk: catalog files checked whole before anything is stored, staff logins and roles, locations.
enum AdminController {
    static func routes(state: WebState) -> RouteCollection<WebContext> {
        let router = RouteCollection(context: WebContext.self)
        router.add(middleware: FormMiddleware(state: state))
        router.get("/admin") { request, context in
            try await PageRoutes.page(request, context: context, state: state, title: "Admin", current: "/admin") {
                session, desk in
                try AdminViews.admin(session: session, desk: desk, notice: (try Web.query(request, "done")))
            }
        }

        router.post("/admin/catalog") { request, context in
            guard let session = context.session else {
                return Web.closingUnread(Web.redirect("/login"), request)
            }
            // Who may import is the database's answer, asked before the upload is read; a
            // refusal closes the connection rather than read the rest.
            guard try await state.staff.permits(session.login, .table("article", privilege: "INSERT")) else {
                return Web.closingUnread(
                    AdminViews.problemPage(
                        session, "permission: your login may not import catalogs; the database grants it to admins",
                        status: .forbidden), request)
            }
            do {
                try Web.requireDeclaredLength(request, limit: state.limits.importBytes)
            } catch {
                return Web.closingUnread(
                    AdminViews.problemPage(session, Web.describe(error).message, status: .contentTooLarge), request)
            }
            let body: [UInt8]
            do {
                // At most `--max-imports` uploads are read and checked at once.
                try state.beginImport()
            } catch {
                let failure = Web.describe(error)
                var page = AdminViews.problemPage(session, failure.message, status: failure.status)
                if let seconds = failure.retryAfter { page.headers[.retryAfter] = String(seconds) }
                return Web.closingUnread(page, request)
            }
            defer { state.endImport() }
            do {
                body = Array(buffer: try await Web.body(request, limit: state.limits.importBytes))
            } catch {
                let failure = Web.describe(error)
                var page = AdminViews.problemPage(session, failure.message, status: failure.status)
                if let seconds = failure.retryAfter { page.headers[.retryAfter] = String(seconds) }
                return Web.closingUnread(page, request)
            }
            guard let boundary = request.headers[.contentType].flatMap(Multipart.boundary),
                let parts = Multipart.parts(body, boundary: boundary)
            else {
                return AdminViews.problemPage(
                    session, "catalog: expected the upload form's files, found another kind of request",
                    status: .unsupportedMediaType)
            }
            let csrf = parts.first { $0.name == "csrf" }.map { String(decoding: $0.bytes, as: UTF8.self) } ?? ""
            guard PageRoutes.checkCSRF(["csrf": csrf], session) else { return PageRoutes.expired(session) }
            guard let catalog = parts.first(where: { $0.name == "catalog" }), !catalog.bytes.isEmpty else {
                return AdminViews.problemPage(session, "catalog: expected a catalog JSON file, found none")
            }
            let articles = parts.first { $0.name == "articles" && !$0.bytes.isEmpty }
            let upload = WebState.Upload(
                login: session.login, catalog: catalog.bytes, catalogName: catalog.fileName ?? "catalog.json",
                articles: articles?.bytes, articlesName: articles?.fileName ?? "articles.csv", received: .now)
            do {
                let summary = try await state.withDesk(session.login) {
                    try upload.importing(dryRun: true, on: $0)
                }
                let token = Token.make()
                state.uploads.withLock { table in
                    table = table.filter { ContinuousClock.now - $0.value.received < .seconds(3_600) }
                    table[token] = upload
                }
                return Web.page(
                    Pages.layout(
                        "Catalog", session: session, current: "/admin",
                        """
                        <h1>\(upload.catalogName)</h1>\(AdminViews.report(summary))
                        \(summary.unchanged ? "" : """
                        <form method="post" action="/admin/catalog/confirm"><input type="hidden" name="csrf" value="\(session.csrf)">
                        <input type="hidden" name="upload" value="\(token)"><button autofocus>Import</button> <a href="/admin">Cancel</a></form>
                        """ as HTML)
                        """))
            } catch {
                return AdminViews.problemPage(
                    session, Web.describe(error).message, details: Web.describe(error).details)
            }
        }

        router.post("/admin/catalog/confirm") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let token = fields["upload"] ?? ""
                guard let upload = state.uploads.withLock({ $0.removeValue(forKey: token) }),
                    upload.login == session.login
                else {
                    throw CounterError.badInput("upload", expected: "a file checked in the last hour", typed: token)
                }
                let summary = try await state.withDesk(session.login) {
                    try upload.importing(dryRun: false, on: $0)
                }
                return Web.redirect(
                    "/admin?done=\(PageRoutes.percent("imported \(upload.catalogName): \(summary.lines.count) lines, \(summary.articlesAdded) articles added, \(summary.articlesChanged) changed, \(summary.articlesDeactivated) deactivated"))"
                )
            } page: { session, _, message in
                Pages.layout("Catalog", session: session, current: "/admin", Pages.message(message))
            }
        }

        router.post("/admin/users") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let name = fields["name"] ?? ""
                let done: String
                switch fields["action"] {
                case "role":
                    let role = fields["role"] ?? ""
                    _ = try await state.withDesk(session.login) { try $0.setRole(name, role: role) }
                    state.revoke(name)  // signed in again, they see what the new role may do
                    done = "\(name) is now \(role)"
                case "disable":
                    _ = try await state.withDesk(session.login) { try $0.disableUser(name) }
                    state.revoke(name)  // PostgreSQL would leave their open connections alone
                    done = "\(name) can no longer sign in"
                default:
                    let (role, password) = (fields["role"] ?? "", fields["password"] ?? "")
                    _ = try await state.withDesk(session.login) { try $0.addUser(name, role: role, password: password) }
                    done = "\(name) added as \(role)"
                }
                return Web.redirect("/admin?done=\(PageRoutes.percent(done))")
            } page: { session, _, message in
                Pages.layout("Admin", session: session, current: "/admin", Pages.message(message))
            }
        }

        router.post("/admin/locations") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let location = LocationRequest(
                    code: fields.text("code"), name: fields.text("name"), kind: fields.given("kind"),
                    parent: fields.given("parent"))
                let key = try fields.key()
                let added = try await state.withDesk(session.login) { try location.run(on: $0, key: key) }
                return Web.redirect("/admin?done=\(PageRoutes.percent("location \(added.code) added"))")
            } page: { session, _, message in
                Pages.layout("Admin", session: session, current: "/admin", Pages.message(message))
            }
        }
        router.post("/admin/guideline") { request, context in
            try await PageRoutes.posted(request, context: context, state: state) { session, fields in
                let guideline = GuidelineRequest(policy: fields.given("policy"), standard: fields.given("standard"))
                let key = try fields.key()
                let set = try await state.withDesk(session.login) { try guideline.run(on: $0, key: key) }
                return Web.redirect(
                    "/admin?done=\(PageRoutes.percent("guideline set: policy \(set.arterialPolicy.rawValue), standard \(set.defaultStandard)"))"
                )
            } page: { session, _, message in
                Pages.layout("Admin", session: session, current: "/admin", Pages.message(message))
            }
        }
        return router
    }
}

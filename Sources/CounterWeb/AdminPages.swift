import Counter
import Foundation
import HTTPTypes
import Hummingbird

/// The admin desk: catalog files uploaded and checked whole (every problem with its line and field)
/// before anything is stored, staff logins and their roles, locations.
enum AdminPages {
    static func add(to router: Router<WebContext>, state: WebState) {
        router.get("/admin") { request, context in
            try await RecordPages.page(request, context: context, state: state, title: "Admin", current: "/admin") {
                session, desk in
                try admin(session: session, desk: desk, notice: (try Web.query(request, "done")))
            }
        }

        router.post("/admin/catalog") { request, context in
            guard let session = context.session else {
                return Web.redirect("/login")
            }
            let body = Array(buffer: try await Web.body(request, limit: 64 << 20))
            guard let boundary = request.headers[.contentType].flatMap(Multipart.boundary),
                let parts = Multipart.parts(body, boundary: boundary)
            else {
                return problemPage(session, "catalog: expected the upload form's files, found another kind of request")
            }
            let csrf = parts.first { $0.name == "csrf" }.map { String(decoding: $0.bytes, as: UTF8.self) } ?? ""
            guard PageRoutes.checkCSRF(["csrf": csrf], session) else { return PageRoutes.expired(session) }
            guard let catalog = parts.first(where: { $0.name == "catalog" }), !catalog.bytes.isEmpty else {
                return problemPage(session, "catalog: expected a catalog JSON file, found none")
            }
            let articles = parts.first { $0.name == "articles" && !$0.bytes.isEmpty }
            let upload = WebState.Upload(
                login: session.login, catalog: catalog.bytes, catalogName: catalog.fileName ?? "catalog.json",
                articles: articles?.bytes, articlesName: articles?.fileName ?? "articles.csv", received: .now)
            do {
                let summary = try await state.withDesk(session.login) { try importing(upload, dryRun: true, on: $0) }
                let token = Token.make()
                state.uploads.withLock { table in
                    table = table.filter { ContinuousClock.now - $0.value.received < .seconds(3_600) }
                    table[token] = upload
                }
                return Web.page(
                    Pages.layout(
                        "Catalog", session: session, current: "/admin",
                        """
                        <h1>\(upload.catalogName)</h1>\(report(summary))
                        \(summary.unchanged ? "" : """
                        <form method="post" action="/admin/catalog/confirm"><input type="hidden" name="csrf" value="\(session.csrf)">
                        <input type="hidden" name="upload" value="\(token)"><button autofocus>Import</button> <a href="/admin">Cancel</a></form>
                        """ as HTML)
                        """))
            } catch {
                return problemPage(
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
                let summary = try await state.withDesk(session.login) { try importing(upload, dryRun: false, on: $0) }
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
    }

    static func importing(_ upload: WebState.Upload, dryRun: Bool, on desk: Desk) throws -> ImportSummary {
        try desk.importCatalog(
            json: upload.catalog, fileName: upload.catalogName, articles: upload.articles,
            articlesFileName: upload.articlesName ?? "articles.csv", dryRun: dryRun)
    }

    static func report(_ summary: ImportSummary) -> HTML {
        if summary.unchanged {
            return Pages.message(
                "already up to date: the database holds exactly this content; nothing to import", error: false)
        }
        let changes: [HTML] = summary.chartChanges.prefix(200).map { "<li>\($0)</li>" }
        return """
            \(Pages.message("checked, nothing stored yet: \(summary.lines.count) lines (\(summary.lines.joined(separator: ", "))), \(summary.sizes) sizes; articles: \(summary.articlesAdded) to add, \(summary.articlesChanged) to change, \(summary.articlesDeactivated) to deactivate", error: false))
            \(changes.isEmpty ? "" : "<h2>Chart changes</h2><ul>\(changes)</ul>" as HTML)
            \(summary.deactivatedOnHand.isEmpty ? "" : "<p class=\"error\">\(summary.deactivatedOnHand.count) deactivated articles still have units on hand.</p>" as HTML)
            """
    }

    static func problemPage(_ session: Session, _ message: String, details: [String] = []) -> Response {
        let items: [HTML] = details.prefix(500).map { "<li>\($0)</li>" }
        return Web.page(
            Pages.layout(
                "Catalog", session: session, current: "/admin",
                """
                <h1>Not imported</h1>\(Pages.message(message))\(items.isEmpty ? "" : "<ul>\(items)</ul>" as HTML)
                <p>Nothing was stored. <a href="/admin">Back</a></p>
                """),
            status: .unprocessableContent)
    }

    static func admin(session: Session, desk: Desk, notice: String?) throws -> HTML {
        let (users, locations) = (try desk.users(), try desk.locations())
        let userRows: [HTML] = users.map { user in
            """
            <tr><td>\(user.name)</td><td>\(user.role ?? "—")</td><td>\(user.canLogin ? "yes" : "no")</td><td>
            <form method="post" action="/admin/users"><input type="hidden" name="csrf" value="\(session.csrf)">
            <input type="hidden" name="name" value="\(user.name)"><input type="hidden" name="action" value="role">
            <select name="role"><option>fitter</option><option>pharmacy</option><option>admin</option></select> <button>Set role</button></form>
            <form method="post" action="/admin/users"><input type="hidden" name="csrf" value="\(session.csrf)">
            <input type="hidden" name="name" value="\(user.name)"><input type="hidden" name="action" value="disable"><button>Disable</button></form>
            </td></tr>
            """
        }
        let locationRows: [HTML] = locations.map {
            "<tr><td>\($0.code)</td><td>\($0.name)</td><td>\($0.kind)</td><td>\($0.active ? "yes" : "no")</td><td>\($0.onHand)</td></tr>"
        }
        return """
            <h1>Admin</h1>\(Pages.message(notice, error: false))
            <h2>Catalog</h2>
            <form method="post" action="/admin/catalog" enctype="multipart/form-data">
            <input type="hidden" name="csrf" value="\(session.csrf)">
            <label>Catalog (JSON) <input type="file" name="catalog" accept=".json,application/json" required></label>
            <label>Articles (CSV) <input type="file" name="articles" accept=".csv,text/csv"></label>
            <button>Check</button></form>
            <p>Both files are checked whole and compared with the database first; nothing is stored until you press Import.</p>
            <h2>Staff</h2>
            <table><thead><tr><th>Login</th><th>Role</th><th>May sign in</th><th></th></tr></thead><tbody>\(userRows)</tbody></table>
            <form method="post" action="/admin/users"><input type="hidden" name="csrf" value="\(session.csrf)">
            <label>Login <input name="name" size="12" required></label>
            <label>Role <select name="role"><option>fitter</option><option>pharmacy</option><option>admin</option></select></label>
            <label>Password <input name="password" type="password" autocomplete="new-password" required></label>
            <button>Add</button></form>
            <h2>Locations</h2>
            <table><thead><tr><th>Code</th><th>Name</th><th>Kind</th><th>Active</th><th>On hand</th></tr></thead><tbody>\(locationRows)</tbody></table>
            <form method="post" action="/admin/locations"><input type="hidden" name="csrf" value="\(session.csrf)">
            <input type="hidden" name="key" value="\(Token.make())">
            <label>Code <input name="code" size="8" required></label><label>Name <input name="name" required></label>
            <label>Kind <select name="kind"><option>stock</option><option>quarantine</option><option>returns</option></select></label>
            <button>Add</button></form>
            """
    }
}

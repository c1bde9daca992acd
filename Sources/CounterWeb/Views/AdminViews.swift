import Counter
import Fitting
import Foundation
import HTTPTypes
import Hummingbird

/// The admin desk: catalog files uploaded and checked whole (every problem with its line and field)
/// before anything is stored, staff logins and their roles, locations.
enum AdminViews {
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

    static func problemPage(
        _ session: Session, _ message: String, details: [String] = [],
        status: HTTPResponse.Status = .unprocessableContent
    ) -> Response {
        let items: [HTML] = details.prefix(500).map { "<li>\($0)</li>" }
        return Web.page(
            Pages.layout(
                "Catalog", session: session, current: "/admin",
                """
                <h1>Not imported</h1>\(Pages.message(message))\(items.isEmpty ? "" : "<ul>\(items)</ul>" as HTML)
                <p>Nothing was stored. <a href="/admin">Back</a></p>
                """),
            status: status)
    }

    static func admin(session: Session, desk: Desk, notice: String?) throws -> HTML {
        let (users, locations, guideline) = (try desk.users(), try desk.locations(), try desk.guideline())
        let policies: [HTML] = ArterialPolicy.allCases.map { policy in
            "<option value=\"\(policy.rawValue)\"\(HTML(raw: policy == guideline.arterialPolicy ? " selected" : ""))>\(policy.rawValue) — \(policy.source)</option>"
        }
        let standards: [HTML] = PressureStandard.allCases.map { standard in
            "<option\(HTML(raw: standard.rawValue == guideline.defaultStandard ? " selected" : ""))>\(standard.rawValue)</option>"
        }
        let userRows: [HTML] = users.map { user in
            // The role box shows the login's current role.
            let roles: [HTML] = ["fitter", "pharmacy", "admin"].map {
                "<option\(HTML(raw: $0 == user.role ? " selected" : ""))>\($0)</option>"
            }
            return """
                <tr><td>\(user.name)</td><td>\(user.role ?? "—")</td><td>\(user.canLogin ? "yes" : "no")</td><td>
                <form method="post" action="/admin/users"><input type="hidden" name="csrf" value="\(session.csrf)">
                <input type="hidden" name="name" value="\(user.name)"><input type="hidden" name="action" value="role">
                <select name="role" aria-label="Role of \(user.name)">\(roles)</select> <button>Set role</button></form>
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
            <h2>Clinical guideline</h2>
            <form method="post" action="/admin/guideline"><input type="hidden" name="csrf" value="\(session.csrf)">
            <input type="hidden" name="key" value="\(Token.make())">
            <label>Arterial policy <select name="policy">\(policies)</select></label>
            <label>Default standard <select name="standard">\(standards)</select></label>
            <button>Set</button></form>
            <p>Every fitting's ABPI is judged by the policy (nice refuses below 0.8 and above 1.3; formulary and s2k ask for a
            specialist's confirmation in between); a class given without its standard is read in the default standard.
            Set \(guideline.updatedAt) by \(guideline.updatedBy).</p>
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

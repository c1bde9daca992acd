import Foundation
import HTTPTypes
import HummingbirdTesting
import Inventory
import Postgres
import SyntheticData
import Testing

@testable import CounterWeb

/// The admin desk: catalog files checked whole before anything is stored, staff logins, locations.
@Suite("cfit serve: the admin desk")
struct AdminPageTests {
    static func count(_ url: String, _ table: String) throws -> Int {
        let connection = try Connection(url)
        defer { connection.close() }
        return try connection.query("SELECT count(*)::int AS n FROM \(unescaped: table)")[0].decode(Int.self, "n")
    }

    @Test("a broken catalog shows every problem and stores nothing; a good one is checked, then imported on Import")
    func catalogUpload() async throws {
        let fixture = try WebFixture()
        let synthetic = SyntheticCatalog(lines: 2, colors: 1, variant: 9)
        var rows = ""
        synthetic.forEachArticleRow { rows += $0 + "\n" }
        let articles = rows
        let linesBefore = try Self.count(fixture.url, "product_line")
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.admin, fixture.password) == .seeOther)
            let desk = try await browser.get("/admin")
            #expect(desk.status == .ok && desk.body.contains(fixture.pharmacist))
            let csrf = Browser.token(desk.body) ?? ""
            let broken = try await browser.upload(
                "/admin/catalog", ["csrf": csrf],
                files: [
                    "catalog": ("s.json", Array(synthetic.json.utf8)),
                    "articles": ("a.csv", Array((articles + "X-1,123,nowhere,AD,2,I,short,closed,red,\n").utf8)),
                ])
            #expect(broken.status == .unprocessableContent)
            #expect(
                broken.body.contains("column &quot;gtin&quot;") || broken.body.contains("column \"gtin\""),
                "\(broken.body)")
            #expect(try Self.count(fixture.url, "product_line") == linesBefore)
            let checked = try await browser.upload(
                "/admin/catalog", ["csrf": csrf],
                files: ["catalog": ("s.json", Array(synthetic.json.utf8)), "articles": ("a.csv", Array(articles.utf8))])
            #expect(checked.status == .ok && checked.body.contains("nothing stored yet"), "\(checked.body)")
            #expect(try Self.count(fixture.url, "product_line") == linesBefore)
            let token = String(
                checked.body[checked.body.range(of: "name=\"upload\" value=\"")!.upperBound...].prefix { $0 != "\"" })
            let imported = try await browser.post("/admin/catalog/confirm", ["csrf": csrf, "upload": token])
            #expect(imported.status == .seeOther)
            #expect(try Self.count(fixture.url, "product_line") == linesBefore + 2)
            // The same token cannot import twice.
            let again = try await browser.post("/admin/catalog/confirm", ["csrf": csrf, "upload": token])
            #expect(again.status == .unprocessableContent)
            let forged = try await browser.upload(
                "/admin/catalog", ["csrf": "forged"], files: ["catalog": ("s.json", Array(synthetic.json.utf8))])
            #expect(forged.status == .forbidden)
        }
    }

    @Test("an admin adds a login that can then sign in; a pharmacist may not, the database says so")
    func users() async throws {
        let fixture = try WebFixture()
        let name = "n\(getpid())_\(UUID().uuidString.prefix(6).lowercased())"
        try await fixture.test { client in
            let pharmacist = Browser(client)
            #expect(try await pharmacist.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            let page = try await pharmacist.get("/stock")
            #expect(!page.body.contains("href=\"/admin\""))
            let refused = try await pharmacist.post(
                "/admin/users",
                ["csrf": Browser.token(page.body) ?? "", "name": name, "role": "admin", "password": "x-secret"])
            #expect(refused.status == .forbidden && refused.body.contains("permission denied"), "\(refused.body)")

            let admin = Browser(client)
            #expect(try await admin.signIn(fixture.admin, fixture.password) == .seeOther)
            let desk = try await admin.get("/admin")
            let added = try await admin.post(
                "/admin/users",
                ["csrf": Browser.token(desk.body) ?? "", "name": name, "role": "fitter", "password": "new-secret"])
            #expect(added.status == .seeOther)
            #expect(try await admin.get("/admin").body.contains(name))
            let newcomer = Browser(client)
            #expect(try await newcomer.signIn(name, "new-secret") == .seeOther)
            let location = try await admin.post(
                "/admin/locations",
                [
                    "csrf": Browser.token(desk.body) ?? "", "code": "van", "name": "Delivery van", "kind": "stock",
                    "key": "l1",
                ])
            #expect(location.status == .seeOther)
            #expect(try await admin.get("/admin").body.contains("Delivery van"))
        }
    }
}

import Fitting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Inventory
import NIOCore
import Postgres
import Testing

@testable import CounterWeb

/// The pages over a real PostgreSQL: sign-in (the password checked whatever pg_hba says — the
/// test cluster trusts its socket), sessions, CSRF, roles as the database decides them, escaping.
@Suite("cfit serve: pages")
struct PageRouteTests {
    @Test("health, and every page but sign-in sends an anonymous visitor to sign in")
    func anonymous() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.get("/healthz").body == "ok\n")
            for path in ["/", "/fit", "/stock", "/stock?q=x"] {
                let response = try await browser.get(path)
                #expect(response.status == .seeOther && response.headers[.location] == "/login", "\(path)")
            }
            for path in ["/stock/receive", "/reserve", "/dispense", "/fit"] {
                let response = try await browser.post(path, [:])
                #expect(response.status == .seeOther && response.headers[.location] == "/login", "\(path)")
            }
        }
    }

    @Test(
        "the right password signs in with a strict, HttpOnly session cookie; a wrong one does not, though the server trusts the socket"
    )
    func signIn() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.fitter, "wrong") == .unauthorized)
            #expect(try await browser.signIn(fixture.fitter, "") == .unauthorized)
            #expect(try await browser.signIn("nobody_here", fixture.password) == .unauthorized)
            #expect(browser.cookies["cfit_session"] == nil)
            let form = try await browser.get("/login")
            let answer = try await browser.post(
                "/login",
                ["csrf": Browser.token(form.body) ?? "", "login": fixture.fitter, "password": fixture.password])
            #expect(answer.status == .seeOther)
            let cookie = answer.headers[values: .setCookie].first { $0.hasPrefix("cfit_session=") } ?? ""
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"))
            let page = try await browser.get("/stock")
            #expect(page.status == .ok && page.body.contains(fixture.fitter) && page.body.contains("(fitter)"))
        }
    }

    @Test("a sign-in form without its own token is refused; repeated failures are throttled with Retry-After")
    func forgedAndThrottled() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let browser = Browser(client)
            let forged = try await browser.post(
                "/login", ["csrf": "0", "login": fixture.pharmacist, "password": fixture.password])
            #expect(forged.status == .forbidden && browser.cookies["cfit_session"] == nil)
            // Five failures are free; then each next attempt waits 1, 2, 4 … s. Guessing goes on,
            // waiting out each short wait, until the wait left is long enough (4 s) for the check
            // below not to race it, however slow the machine.
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<20 {
                let form = try await browser.get("/login")
                let answer = try await browser.post(
                    "/login",
                    ["csrf": Browser.token(form.body) ?? "", "login": fixture.pharmacist, "password": "guess"])
                statuses.append(answer.status)
                guard answer.status == .tooManyRequests else { continue }
                let seconds = answer.headers[.retryAfter].flatMap { Int($0) } ?? 0
                if seconds >= 4 { break }
                try await Task.sleep(for: .seconds(seconds))
            }
            #expect(statuses.prefix(5).allSatisfy { $0 == .unauthorized }, "\(statuses)")
            #expect(statuses.last == .tooManyRequests, "\(statuses)")
            // Even the right password waits while the login is throttled.
            let form = try await browser.get("/login")
            let blocked = try await browser.post(
                "/login",
                ["csrf": Browser.token(form.body) ?? "", "login": fixture.pharmacist, "password": fixture.password])
            #expect(blocked.status == .tooManyRequests && blocked.headers[.retryAfter] != nil)
        }
    }

    @Test("a disabled login, and one whose password was never set through cfit, cannot sign in")
    func disabledAndUnknown() async throws {
        let fixture = try WebFixture()
        let admin = try Connection(fixture.url)
        _ = try Users(connection: admin).disable(fixture.fitter)
        try admin.executeScript("CREATE ROLE \(fixture.pharmacist)_sql LOGIN PASSWORD 'whatever' IN ROLE cfit_pharmacy")
        admin.close()
        try await fixture.test { (client: any TestClientProtocol) async throws in
            let browser = Browser(client)
            let disabled = try await browser.signIn(fixture.fitter, fixture.password)
            let unset = try await browser.signIn("\(fixture.pharmacist)_sql", "whatever")
            #expect(disabled == .unauthorized && unset == .unauthorized)
        }
    }

    @Test("a session idle longer than the limit has ended; signing out ends one at once")
    func expiryAndLogout() async throws {
        let fixture = try WebFixture(idle: .seconds(3))
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.fitter, fixture.password) == .seeOther)
            #expect(try await browser.get("/stock").status == .ok)
            try await Task.sleep(for: .milliseconds(3_500))
            #expect(try await browser.get("/stock").headers[.location] == "/login")
            #expect(try await browser.signIn(fixture.fitter, fixture.password) == .seeOther)
            let page = try await browser.get("/stock")
            _ = try await browser.post("/logout", ["csrf": Browser.token(page.body) ?? ""])
            #expect(try await browser.get("/stock").headers[.location] == "/login")
        }
    }

    @Test("a form posted without the session's token does nothing")
    func csrf() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            let refused = try await browser.post(
                "/stock/receive",
                ["csrf": "forged", "key": "k1", "sku": "NW-CL-AD2-I-R-C-BE", "quantity": "5", "location": "shop"])
            #expect(refused.status == .forbidden)
            let page = try await browser.get("/stock?q=NW-CL-AD2-I-R-C-BE")
            #expect(page.body.contains("<td>shop</td><td>—</td><td>—</td>\n<td>3</td>"))
        }
    }

    @Test("receive by scan: a GS1 code finds the article, the receipt is recorded once however often it is posted")
    func receiveByScan() async throws {
        let fixture = try WebFixture()
        let admin = try Connection(fixture.url)
        let gtin = try admin.query("SELECT gtin14 FROM article WHERE sku = 'NW-CL-AD2-I-R-C-BE'")[0].decode(
            String.self, "gtin14")
        admin.close()
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            let page = try await browser.get("/stock?q=(01)\(gtin)(10)LOT9")
            #expect(page.status == .ok && page.body.contains("NW-CL-AD2-I-R-C-BE"), "\(page.body)")
            let fields = [
                "csrf": Browser.token(page.body) ?? "", "key": "scan-1", "sku": "NW-CL-AD2-I-R-C-BE", "quantity": "2",
                "location": "shop", "lot": "LOT9", "expires": "2030-01-31",
            ]
            let first = try await browser.post("/stock/receive", fields)
            let again = try await browser.post("/stock/receive", fields)
            #expect(first.status == .seeOther && again.status == .seeOther)
            let after = try await browser.get("/stock?q=NW-CL-AD2-I-R-C-BE")
            #expect(after.body.contains(">LOT9</a></td><td>2030-01-31</td>\n<td>2</td>"), "\(after.body)")
        }
        let check = try Connection(fixture.url)
        #expect(
            try check.query("SELECT count(*)::int AS n FROM stock_movement WHERE actor = \(fixture.pharmacist)")[0]
                .decode(Int.self, "n") == 1)
    }

    @Test("a fitter may fit but not reserve: the database refuses, and the page says so plainly")
    func roles() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.fitter, fixture.password) == .seeOther)
            let page = try await browser.get("/fit")
            let refused = try await browser.post(
                "/reserve",
                ["csrf": Browser.token(page.body) ?? "", "key": "r1", "sku": "NW-CL-AD2-I-R-C-BE", "rx": "RX-1001"])
            #expect(refused.status == .forbidden)
            #expect(refused.body.contains("permission denied"))
            #expect(!refused.body.contains("Error(") && !refused.body.contains("SQLSTATE"))
            // No receive form is offered to a fitter.
            #expect(!(try await browser.get("/stock?q=NW-CL-AD2-I-R-C-BE").body.contains("action=\"/stock/receive\"")))
        }
    }

    @Test("fit, reserve and hand over at the counter; the rows record the pharmacist")
    func counterFlow() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            let form = try await browser.get("/fit?style=AD")
            #expect(form.body.contains("name=\"cB\"") && form.body.contains("name=\"lD\""))
            let result = try await browser.post(
                "/fit",
                [
                    "csrf": Browser.token(form.body) ?? "", "key": "fit-form-1", "style": "AD", "class": "2",
                    "unit": "cm",
                    "cB": "20", "cC": "30", "cD": "30", "lD": "40", "cB1": "25",
                ])
            #expect(result.status == .ok)
            #expect(result.body.contains("class=\"gauge\""), "\(result.body)")
            let reserveAt = try #require(result.body.range(of: "action=\"/reserve\""))
            let reserveForm = String(result.body[reserveAt.lowerBound...].prefix(600))
            func hidden(_ name: String) -> String {
                guard let range = reserveForm.range(of: "name=\"\(name)\" value=\"") else { return "" }
                return String(reserveForm[range.upperBound...].prefix { $0 != "\"" })
            }
            let reserved = try await browser.post(
                "/reserve", ["csrf": hidden("csrf"), "key": hidden("key"), "sku": hidden("sku"), "rx": "RX-1001"])
            #expect(reserved.status == .ok && reserved.body.contains("reservation"), "\(reserved.body)")
            let dispensed = try await browser.post(
                "/dispense",
                [
                    "csrf": Browser.token(reserved.body) ?? "", "key": "d-1",
                    "reservation": String(
                        reserved.body[reserved.body.range(of: "name=\"reservation\" value=\"")!.upperBound...].prefix {
                            $0 != "\""
                        }),
                ])
            #expect(dispensed.status == .ok && dispensed.body.contains("handed over"), "\(dispensed.body)")
        }
        let check = try Connection(fixture.url)
        #expect(
            try check.query("SELECT count(*)::int AS n FROM dispense WHERE actor = \(fixture.pharmacist)")[0].decode(
                Int.self, "n") == 1)
    }

    @Test("hostile text is shown as text, never as markup")
    func escaping() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.fitter, fixture.password) == .seeOther)
            let hostile = "<script>alert(1)</script>\"'&"
            let page = try await browser.get(
                "/stock?q=\(hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
            #expect(!page.body.contains("<script>alert(1)"))
            #expect(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
        }
    }

    @Test("a fitting recorded against a prescription from the fit page shows in the patient's history, names escaped")
    func records() async throws {
        let fixture = try WebFixture()
        let admin = try Connection(fixture.url)
        _ = try Prescriptions(connection: admin).create(
            NewPrescription(
                number: "RX-HOSTILE", patient: "P-HOSTILE", patientName: "<script>alert(1)</script>",
                prescriber: "DR-01", style: .AD, pressureClass: PressureStandard.RAL.pressureClass("2")!, quantity: 1,
                arterialAssessed: true),
            key: "hostile-rx")
        admin.close()
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.fitter, fixture.password) == .seeOther)
            let form = try await browser.get("/fit?style=AD")
            let key = try #require(Browser.value(of: "key", in: form.body))
            let fields = [
                "csrf": Browser.token(form.body) ?? "", "style": "AD", "class": "2", "unit": "cm", "cB": "20",
                "cC": "30", "cD": "30", "lD": "40", "cB1": "25", "rx": "RX-1001", "key": key,
            ]
            let first = try await browser.post("/fit", fields)
            #expect(first.body.contains("recorded for prescription RX-1001"), "\(first.body)")
            _ = try await browser.post("/fit", fields)  // the same form again: recorded once
            let history = try await browser.get("/patients/P-0001")
            #expect(history.status == .ok && history.body.contains("Ada Sample"))
            #expect(history.body.components(separatedBy: "<td>\(fixture.fitter)</td>").count == 2, "\(history.body)")
            let list = try await browser.get("/prescriptions")
            #expect(list.body.contains("RX-1001") && list.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!list.body.contains("<script>alert(1)"))
            let ledger = try await browser.get("/stock/history?sku=NW-CL-AD2-I-R-C-BE")
            #expect(ledger.status == .ok && ledger.body.contains("opening stock"), "\(ledger.body)")
        }
    }

    @Test("the stock field also searches by words: many matches listed, one shown at once, none explained")
    func stockSearch() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.fitter, fixture.password) == .seeOther)
            let many = try await browser.get("/stock?q=classic%20AD%20RAL:2%20regular%20open")
            #expect(many.status == .ok && many.body.contains("articles match"), "\(many.body)")
            #expect(many.body.contains("href=\"/stock?q=NW-CL-AD2-I-R-O-BE\""))
            #expect(!many.body.contains("NW-CL-AD1-") && !many.body.contains("-C-BE\""), "\(many.body)")
            let one = try await browser.get("/stock?q=classic%20ad2%20II%20regular%20closed%20beige")
            #expect(one.body.contains("<h2>NW-CL-AD2-II-R-C-BE"), "\(one.body)")
            let none = try await browser.get("/stock?q=purple%20unicorn")
            #expect(
                none.body.contains(
                    "q: expected a SKU, GTIN, scanned code or words describing an article, found &#39;purple unicorn&#39;"
                ),
                "\(none.body)")
            // One word that is no article's is taken for a code, and the page says what is wrong with it.
            let badCode = try await browser.get("/stock?q=02000000000458")
            #expect(badCode.body.contains("expected a known SKU or GTIN"), "\(badCode.body)")
            // Words with characters LIKE would treat specially are matched as they are.
            #expect((try await browser.get("/stock?q=%25%20_")).body.contains("found &#39;% _&#39;"))
        }
        try await fixture.test { client in
            let auth = APIRouteTests.basic(fixture.fitter, fixture.password)
            let found = try await APIRouteTests.call(
                client, .get, "/api/v1/articles?search=prairie&limit=3", auth: auth)
            let skus = APIRecordTests.array(found.body).compactMap { $0["sku"] as? String }
            #expect(skus.count == 3 && skus.allSatisfy { $0.hasPrefix("PR") } && skus == skus.sorted(), "\(found.body)")
            let empty = try await APIRouteTests.call(client, .get, "/api/v1/articles?search=%20", auth: auth)
            #expect(empty.status == .unprocessableContent)
        }
    }

    @Test(
        "a login disabled, given a new password or a new role loses its sessions: at the next poll when done elsewhere, at once from the admin desk"
    )
    func revokedLogins() async throws {
        let fixture = try WebFixture()
        let admin = try Connection(fixture.url)
        defer { admin.close() }
        try await fixture.test { client in
            let pharmacist = Browser(client)
            #expect(try await pharmacist.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            #expect(try await pharmacist.get("/stock").status == .ok)
            // Disabled from the command line: PostgreSQL leaves the open connections alone, so the
            // session would go on; the server's minute check ends it.
            _ = try Users(connection: admin).disable(fixture.pharmacist)
            #expect(try await pharmacist.get("/stock").status == .ok)
            await fixture.server.state.revokeChanged()
            #expect(try await pharmacist.get("/stock").headers[.location] == "/login")
            #expect(try await pharmacist.signIn(fixture.pharmacist, fixture.password) == .unauthorized)

            // A new password: the old sessions end; the new password signs in.
            let fitter = Browser(client)
            #expect(try await fitter.signIn(fixture.fitter, fixture.password) == .seeOther)
            _ = try Users(connection: admin).setPassword(fixture.fitter, password: "another-one")
            await fixture.server.state.revokeChanged()
            #expect(try await fitter.get("/fit").headers[.location] == "/login")
            #expect(try await fitter.signIn(fixture.fitter, "another-one") == .seeOther)
            // Nothing changed: the check leaves the session be.
            await fixture.server.state.revokeChanged()
            #expect(try await fitter.get("/fit").status == .ok)

            // From the admin desk: a new role ends the sessions at once, and so does disabling.
            let desk = Browser(client)
            #expect(try await desk.signIn(fixture.admin, fixture.password) == .seeOther)
            let page = try await desk.get("/admin")
            let csrf = Browser.token(page.body) ?? ""
            let promoted = try await desk.post(
                "/admin/users", ["csrf": csrf, "name": fixture.fitter, "action": "role", "role": "pharmacy"])
            #expect(promoted.status == .seeOther, "\(promoted.body)")
            #expect(try await fitter.get("/fit").headers[.location] == "/login")
            #expect(try await fitter.signIn(fixture.fitter, "another-one") == .seeOther)
            #expect(try await fitter.get("/stock/low").status == .ok)  // the pharmacy's page, with the new role
            let disabled = try await desk.post(
                "/admin/users", ["csrf": csrf, "name": fixture.fitter, "action": "disable"])
            #expect(disabled.status == .seeOther)
            #expect(try await fitter.get("/fit").headers[.location] == "/login")
        }
    }

    @Test("/healthz says ok to anyone, and to an admin signed in also what the server's replication guarantees")
    func healthDetail() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let anyone = Browser(client)
            #expect(try await anyone.get("/healthz").body == "ok\n")
            let fitter = Browser(client)
            #expect(try await fitter.signIn(fixture.fitter, fixture.password) == .seeOther)
            #expect(try await fitter.get("/healthz").body == "ok\n")
            let admin = Browser(client)
            #expect(try await admin.signIn(fixture.admin, fixture.password) == .seeOther)
            let detail = try await admin.get("/healthz")
            #expect(detail.status == .ok, "\(detail.body)")
            #expect(
                detail.body.hasPrefix("ok\nreplication: primary, no standby: this machine's disk holds the only copy"),
                "\(detail.body)")
        }
    }

    @Test("low stock lists what is under its minimum, for the pharmacy")
    func lowStock() async throws {
        let fixture = try WebFixture()
        let admin = try Connection(fixture.url)
        _ = try Stock(connection: admin).setMinimum(sku: "NW-CL-AD2-I-R-C-BE", minimum: 5, location: "shop")
        admin.close()
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            let page = try await browser.get("/stock/low")
            #expect(page.status == .ok && page.body.contains("NW-CL-AD2-I-R-C-BE"), "\(page.body)")
        }
    }

    @Test("count, transfer, and a lot held then recalled with its events, from the stock page")
    func stockRoom() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            let page = try await browser.get("/stock?q=NW-CL-AD2-I-R-C-BE")
            let csrf = Browser.token(page.body) ?? ""
            let counted = try await browser.post(
                "/stock/count",
                ["csrf": csrf, "key": "c1", "sku": "NW-CL-AD2-I-R-C-BE", "counted": "5", "location": "shop"])
            #expect(counted.status == .seeOther)
            #expect(try await browser.get(counted.headers[.location]!).body.contains("counted 5 at shop: +2 recorded"))
            let moved = try await browser.post(
                "/stock/transfer",
                [
                    "csrf": csrf, "key": "t1", "sku": "NW-CL-AD2-I-R-C-BE", "quantity": "1", "from": "store",
                    "to": "shop",
                ])
            #expect(moved.status == .seeOther, "\(moved.body)")
            let tooMany = try await browser.post(
                "/stock/transfer",
                [
                    "csrf": csrf, "key": "t2", "sku": "NW-CL-AD2-I-R-C-BE", "quantity": "99", "from": "store",
                    "to": "shop",
                ])
            #expect(tooMany.status == .conflict || tooMany.status == .unprocessableContent, "\(tooMany.status)")
            let lot = try await browser.get("/lots/LI-A?sku=NW-CL-AD2-I-R-C-BE")
            #expect(lot.status == .ok && lot.body.contains("approved"), "\(lot.body)")
            let held = try await browser.post(
                "/lots/LI-A/status",
                ["csrf": csrf, "key": "h1", "sku": "NW-CL-AD2-I-R-C-BE", "status": "on-hold", "reason": "damp box"])
            #expect(held.status == .seeOther)
            let recalled = try await browser.post(
                "/lots/LI-A/status",
                [
                    "csrf": csrf, "key": "h2", "sku": "NW-CL-AD2-I-R-C-BE", "status": "recalled",
                    "reason": "maker's recall",
                ])
            #expect(recalled.status == .seeOther, "\(recalled.body)")
            let after = try await browser.get(recalled.headers[.location] ?? "/")
            #expect(after.body.contains("is now recalled") && after.body.contains("damp box"), "\(after.body)")
            #expect(!after.body.contains("action=\"/lots/LI-A/status\""))
        }
    }

    @Test("a prescription's page: release a reservation, hand another over, take it back for inspection")
    func prescriptionPage() async throws {
        let fixture = try WebFixture()
        let admin = try Connection(fixture.url)
        let reservations = Reservations(connection: admin)
        let first = try reservations.reserve(rx: "RX-1001", sku: "NW-CL-AD2-II-R-C-BE", location: "shop", key: "p1")
        admin.close()
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            let page = try await browser.get("/prescriptions/RX-1001")
            #expect(page.status == .ok && page.body.contains("Ada Sample") && page.body.contains("NW-CL-AD2-II-R-C-BE"))
            let csrf = Browser.token(page.body) ?? ""
            let released = try await browser.post(
                "/reservations/release", ["csrf": csrf, "key": "rel-1", "reservation": String(first.id)])
            #expect(released.status == .seeOther)
            #expect(try await browser.get(released.headers[.location]!).body.contains("Nothing reserved."))
        }
        let again = try Connection(fixture.url)
        let second = try Reservations(connection: again).reserve(
            rx: "RX-1001", sku: "NW-CL-AD2-II-R-C-BE", location: "shop", key: "p2")
        let dispense = try Dispensing(connection: again).dispense(reservation: second.id, key: "p3")
        again.close()
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            let page = try await browser.get("/prescriptions/RX-1001")
            #expect(page.body.contains("Take back"))
            let taken = try await browser.post(
                "/dispenses/return",
                [
                    "csrf": Browser.token(page.body) ?? "", "key": "tb-1", "dispense": String(dispense.id),
                    "rx": "RX-1001",
                    "quantity": "1", "location": "shop", "reason": "wrong size",
                ])
            #expect(taken.status == .seeOther, "\(taken.body)")
            #expect(try await browser.get(taken.headers[.location]!).body.contains("taken back 1 into shop"))
            // On the stock page the returned unit awaits inspection: it passes, and is back on the shelf.
            let stock = try await browser.get("/stock?q=NW-CL-AD2-II-R-C-BE")
            #expect(
                stock.body.contains("<td>returned</td>") && stock.body.contains("Passed inspection"), "\(stock.body)")
            let form = try #require(stock.body.range(of: "action=\"/stock/release-return\">"))
            let key = Browser.value(of: "key", in: stock.body[form.upperBound...]) ?? ""
            // The row's write-off form carries a key of its own (one key on two operations is refused).
            let writeOffForm = try #require(stock.body[form.upperBound...].range(of: "action=\"/stock/write-off\">"))
            let writeOffKey = Browser.value(of: "key", in: stock.body[writeOffForm.upperBound...])
            #expect(writeOffKey != nil && writeOffKey != key)
            let release = [
                "csrf": Browser.token(stock.body) ?? "", "key": key, "sku": "NW-CL-AD2-II-R-C-BE",
                "location": "shop", "lot": "", "quantity": "1",
            ]
            let passed = try await browser.post("/stock/release-return", release)
            #expect(passed.status == .seeOther, "\(passed.body)")
            let after = try await browser.get(passed.headers[.location]!)
            #expect(
                after.body.contains("passed inspection: back in stock") && !after.body.contains("<td>returned</td>"))
            #expect(!after.body.contains("Passed inspection"))
            // The same form again moves nothing more.
            #expect(try await browser.post("/stock/release-return", release).status == .seeOther)
            let writeOff = try await browser.post(
                "/stock/write-off",
                [
                    "csrf": Browser.token(stock.body) ?? "", "key": "wo-page", "sku": "NW-CL-AD2-II-R-C-BE",
                    "location": "shop", "quantity": "1", "reason": "lost",
                ])
            #expect(writeOff.status == .unprocessableContent && writeOff.body.contains("reason: expected expired"))
        }
        let check = try Connection(fixture.url)
        defer { check.close() }
        let moves = try check.query(
            "SELECT count(*)::int AS n FROM stock_movement WHERE reason = 'return_to_stock' AND sku = 'NW-CL-AD2-II-R-C-BE'"
        )
        #expect(try moves[0].decode(Int.self, "n") == 2)  // one out of the returned balance, one into the usable
    }
}

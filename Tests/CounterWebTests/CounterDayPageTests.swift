import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Testing

@testable import CounterWeb

/// A counter's day through the API and the pages: the layer's rules (see the command line's
/// `CounterDayCommandTests`), each face translating them — a reservation against the last
/// fitting confirmed with a reason, a fitting voided, prescriptions expired from the due page.
@Suite("A counter's day on the API and the pages: confirm, void, expire")
struct CounterDayPageTests {
    typealias API = APIRouteTests

    /// A fitting for `rx` choosing Northwind Classic size II regular.
    static let fitting = #"""
        {"rx": "RX-1001", "style": "AD", "class": "RAL:2", "legs": {"leg": {"cB": "22", "cC": "34", "cD": "32", "lD": "42"}}}
        """#

    @Test(
        "another size than the fitting chose: 409 naming confirmedReason, a page asking why; reserved with it; the fitting voided on its page"
    )
    func confirmAndVoid() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let auth = API.basic(fixture.pharmacist, fixture.password)
            let recorded = try await API.call(
                client, .post, "/api/v1/fittings", auth: auth, key: "day-f1", json: Self.fitting)
            #expect(recorded.status == .created, "\(recorded.body)")
            let fitting = try #require(API.object(recorded.body)["id"] as? String)
            let other = try await API.call(
                client, .post, "/api/v1/reservations", auth: auth, key: "day-r1",
                json: #"{"prescription": "RX-1001", "sku": "NW-CL-AD2-III-R-C-BE"}"#)
            #expect(
                other.status == .conflict
                    && API.object(other.body)["detail"] as? String
                        == "confirmedReason: NW-CL-AD2-III-R-C-BE is size III regular; fitting \(fitting) for rx RX-1001 chose size II regular in line northwind-classic: give the reason to reserve it anyway",
                "\(other.body)")

            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            let page = try await browser.get("/prescriptions/RX-1001")
            let csrf = try #require(Browser.token(page.body))
            let asked = try await browser.post(
                "/reserve", ["csrf": csrf, "key": "day-p1", "rx": "RX-1001", "sku": "NW-CL-AD2-III-R-C-BE"])
            #expect(asked.status == .conflict, "\(asked.body)")
            #expect(
                asked.body.contains("give the reason to reserve it anyway")
                    && asked.body.contains(#"name="confirmed_reason""#)
                    && asked.body.contains("Reserve it anyway") && asked.body.contains("Fit again for it"),
                "\(asked.body)")
            let confirmed = try await browser.post(
                "/reserve",
                [
                    "csrf": csrf, "key": "day-p2", "rx": "RX-1001", "sku": "NW-CL-AD2-III-R-C-BE",
                    "confirmed_reason": "looser calf, checked with the patient",
                ])
            #expect(
                confirmed.status == .ok && confirmed.body.contains("reserved NW-CL-AD2-III-R-C-BE"), "\(confirmed.body)"
            )

            let shown = try await browser.get("/fittings/\(fitting)")
            #expect(shown.body.contains("Void this fitting"), "\(shown.body)")
            let blank = try await browser.post(
                "/fittings/void", ["csrf": csrf, "key": "day-v0", "fitting": fitting, "reason": " "])
            #expect(blank.status == .unprocessableContent && blank.body.contains("reason: expected text"))
            let voided = try await browser.post(
                "/fittings/void",
                ["csrf": csrf, "key": "day-v1", "fitting": fitting, "reason": "wrong patient measured"])
            #expect(voided.status == .seeOther, "\(voided.body)")
            let after = try await browser.get(voided.headers[.location] ?? "")
            #expect(
                after.body.contains("Voided") && after.body.contains("wrong patient measured")
                    && !after.body.contains("Void this fitting"), "\(after.body)")
            let again = try await API.call(
                client, .post, "/api/v1/fittings/\(fitting)/void", auth: auth, key: "day-v2",
                json: #"{"reason": "twice"}"#)
            #expect(again.status == .conflict && API.object(again.body)["reason"] as? String == "refused")
            let record = try await API.call(client, .get, "/api/v1/fittings/\(fitting)", auth: auth)
            let mark = API.object(record.body)["voided"] as? [String: Any]
            #expect(mark?["reason"] as? String == "wrong patient measured", "\(record.body)")
        }
    }

    @Test(
        "a prescription past its last day: shown expired, listed as due, expired from the due page with what it released"
    )
    func expire() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let auth = API.basic(fixture.pharmacist, fixture.password)
            let held = try await API.call(
                client, .post, "/api/v1/reservations", auth: auth, key: "day-x1",
                json: #"{"prescription": "RX-1001", "sku": "NW-CL-AD2-II-R-C-BE"}"#)
            let reservation = try #require(API.object(held.body)["id"] as? String)
            let owner = try Connection(fixture.url)
            defer { owner.close() }
            try owner.execute(
                "UPDATE prescription SET valid_from = current_date - 40, valid_until = current_date - 2 WHERE number = 'RX-1001'"
            )
            let shown = try await API.call(client, .get, "/api/v1/prescriptions/RX-1001", auth: auth)
            #expect(API.object(shown.body)["status"] as? String == "expired", "\(shown.body)")

            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            let due = try await browser.get("/due")
            #expect(due.body.contains("prescription expired") && due.body.contains("Expire now"), "\(due.body)")
            let csrf = try #require(Browser.token(due.body))
            let done = try await browser.post("/prescriptions/expire", ["csrf": csrf, "key": "day-x2"])
            #expect(done.status == .seeOther, "\(done.body)")
            let after = try await browser.get(done.headers[.location] ?? "")
            #expect(
                after.body.contains("expired RX-1001") && after.body.contains("released \(reservation) back into stock")
                    && !after.body.contains("Expire now"), "\(after.body)")
            let list = try await browser.get("/prescriptions?status=expired")
            #expect(list.body.contains("RX-1001"), "\(list.body)")
            let api = try await API.call(client, .post, "/api/v1/prescriptions/expire", auth: auth, key: "day-x3")
            #expect(api.status == .ok && API.object(api.body)["expired"] as? [Any] != nil, "\(api.body)")
            #expect((API.object(api.body)["expired"] as? [Any])?.isEmpty == true)
            let fitter = API.basic(fixture.fitter, fixture.password)
            let refused = try await API.call(
                client, .post, "/api/v1/prescriptions/expire", auth: fitter, key: "day-x4")
            #expect(refused.status == .forbidden)
        }
    }

    @Test("a patient twin by name and birth date: 409 naming differentPerson, the form asks again with the box")
    func samePerson() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let auth = API.basic(fixture.pharmacist, fixture.password)
            let first = try await API.call(
                client, .post, "/api/v1/patients", auth: auth, key: "tw-1",
                json: #"{"reference": "P-7200", "name": "Ida Twin", "born": "1950-03-04"}"#)
            #expect(first.status == .created, "\(first.body)")
            let twin = try await API.call(
                client, .post, "/api/v1/patients", auth: auth, key: "tw-2",
                json: #"{"reference": "P-7201", "name": "Ida Twin", "born": "1950-03-04"}"#)
            #expect(
                twin.status == .conflict
                    && (API.object(twin.body)["detail"] as? String)?.hasPrefix(
                        "differentPerson: Ida Twin, born 1950-03-04, is already patient P-7200") == true,
                "\(twin.body)")
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            let page = try await browser.get("/patients")
            let csrf = try #require(Browser.token(page.body))
            let asked = try await browser.post(
                "/patients",
                ["csrf": csrf, "key": "tw-3", "reference": "P-7201", "name": "Ida Twin", "born": "1950-03-04"])
            #expect(asked.status == .conflict && asked.body.contains(#"name="different_person""#), "\(asked.body)")
            #expect(asked.body.contains(#"value="P-7201""#))
            let added = try await browser.post(
                "/patients",
                [
                    "csrf": csrf, "key": "tw-4", "reference": "P-7201", "name": "Ida Twin", "born": "1950-03-04",
                    "different_person": "true",
                ])
            #expect(added.status == .seeOther, "\(added.body)")
        }
    }

    @Test(
        "contact details and a recall's contact list on the API and the pages: pharmacy reads and works them, a fitter is refused; the CSV"
    )
    func recallContacts() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let auth = API.basic(fixture.pharmacist, fixture.password)
            let fitter = API.basic(fixture.fitter, fixture.password)
            let contact = try await API.call(
                client, .post, "/api/v1/patients/P-0001/contact", auth: auth, key: "rc-1",
                json: #"{"phone": "0161 496 0000", "preferred": "phone"}"#)
            #expect(
                contact.status == .ok && API.object(contact.body)["phone"] as? String == "0161 496 0000",
                "\(contact.body)")
            let blank = try await API.call(
                client, .post, "/api/v1/patients/P-0001/contact", auth: auth, key: "rc-2", json: #"{"phone": " "}"#)
            #expect(blank.status == .unprocessableContent, "\(blank.body)")
            let notFitters = try await API.call(
                client, .post, "/api/v1/patients/P-0001/contact", auth: fitter, key: "rc-3", json: #"{"phone": "1"}"#)
            #expect(notFitters.status == .forbidden)
            let history = try await API.call(client, .get, "/api/v1/patients/P-0001", auth: fitter)
            #expect(history.status == .ok && !history.body.contains("0161 496 0000"), "\(history.body)")
            let mine = try await API.call(client, .get, "/api/v1/patients/P-0001", auth: auth)
            #expect(mine.body.contains("0161 496 0000"))

            let held = try await API.call(
                client, .post, "/api/v1/reservations", auth: auth, key: "rc-4",
                json: #"{"prescription": "RX-1001", "sku": "NW-CL-AD2-II-R-C-BE", "location": "store"}"#)
            let id = try #require(API.object(held.body)["id"] as? String, "\(held.body)")
            let given = try await API.call(
                client, .post, "/api/v1/reservations/\(id)/dispense", auth: auth, key: "rc-5")
            let dispense = try #require(API.object(given.body)["id"] as? String, "\(given.body)")
            let recalled = try await API.call(
                client, .post, "/api/v1/lots/LII-A/status", auth: auth, key: "rc-6",
                json: #"{"status": "recalled", "reason": "FSCA-2026-20"}"#)
            #expect(recalled.status == .ok, "\(recalled.body)")
            let list = try await API.call(client, .get, "/api/v1/lots/LII-A/contacts", auth: auth)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.body.utf8)) as? [[String: Any]])
            #expect(rows.count == 1 && rows[0]["status"] as? String == "to-contact", "\(list.body)")
            #expect((rows[0]["contact"] as? [String: Any])?["preferred"] as? String == "phone")
            let refused = try await API.call(client, .get, "/api/v1/lots/LII-A/contacts", auth: fitter)
            #expect(refused.status == .forbidden, "\(refused.body)")
            let worked = try await API.call(
                client, .post, "/api/v1/lots/LII-A/contacts/\(dispense)", auth: auth, key: "rc-7",
                json: #"{"status": "contacted", "note": "left a message"}"#)
            #expect(
                worked.status == .ok && API.object(worked.body)["status"] as? String == "contacted", "\(worked.body)")

            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            let patient = try await browser.get("/patients/P-0001")
            #expect(patient.body.contains("0161 496 0000") && patient.body.contains("Save contact details"))
            let csrf = try #require(Browser.token(patient.body))
            let saved = try await browser.post(
                "/patients/P-0001/contact",
                [
                    "csrf": csrf, "key": "rc-8", "phone": "0161 496 0000", "email": "ada@example.org",
                    "preferred": "email",
                ])
            #expect(saved.status == .seeOther, "\(saved.body)")
            let page = try await browser.get("/lots/LII-A/contacts")
            #expect(
                page.body.contains("contacted") && page.body.contains("left a message")
                    && page.body.contains("ada@example.org")
                    && page.body.contains("0 of 1 still to contact") && page.body.contains("Download as CSV"),
                "\(page.body)")
            #expect(!page.body.contains("&lt;br&gt;") && !page.body.contains("&lt;small&gt;"), "markup shown as text")
            let moved = try await browser.post(
                "/lots/LII-A/contacts",
                ["csrf": csrf, "key": "rc-9", "dispense": dispense, "status": "returned", "note": "back in the shop"])
            #expect(moved.status == .seeOther, "\(moved.body)")
            let csv = try await browser.get("/lots/LII-A/contacts.csv")
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(
                csv.body.contains("ada@example.org") && csv.body.contains("returned,back in the shop"), "\(csv.body)")

            let fitterPages = Browser(client)
            #expect(try await fitterPages.signIn(fixture.fitter, fixture.password) == .seeOther)
            let hidden = try await fitterPages.get("/patients/P-0001")
            #expect(!hidden.body.contains("0161 496 0000") && !hidden.body.contains("Save contact details"))
            let denied = try await fitterPages.get("/lots/LII-A/contacts.csv")
            #expect(denied.status == .forbidden && !denied.body.contains("ada@example.org"))
        }
    }

    @Test(
        "a stocktake on the page and the API: the blind sheet, a whole sheet posted at once, a bad line refusing it all"
    )
    func stocktake() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let auth = API.basic(fixture.pharmacist, fixture.password)
            let sheet = try await API.call(client, .get, "/api/v1/stock/sheet?location=store", auth: auth)
            let lines = try #require(try JSONSerialization.jsonObject(with: Data(sheet.body.utf8)) as? [[String: Any]])
            #expect(lines.count > 1, "\(sheet.body)")
            let first = try #require(lines.first)
            let (sku, lot, onHand) = (
                first["sku"] as? String ?? "", first["lot"] as? String ?? "", first["onHand"] as? Int ?? 0
            )
            let bad = try await API.call(
                client, .post, "/api/v1/stock/sheet", auth: auth, key: "sh-1",
                json: #"{"location": "store", "sheet": "sku,lot,counted\r\n\#(sku),\#(lot),many"}"#)
            #expect(
                bad.status == .unprocessableContent
                    && (API.object(bad.body)["detail"] as? String)?.hasPrefix(
                        "sheet: expected the units counted (0 or more) in column counted of line 2") == true,
                "\(bad.body)")
            let posted = try await API.call(
                client, .post, "/api/v1/stock/sheet", auth: auth, key: "sh-2",
                json: #"{"location": "store", "sheet": "sku,lot,counted\r\n\#(sku),\#(lot),\#(onHand + 2)"}"#)
            #expect(posted.status == .created, "\(posted.body)")
            let result = API.object(posted.body)
            #expect(((result["lines"] as? [[String: Any]])?.first?["difference"] as? Int) == 2, "\(posted.body)")

            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            let page = try await browser.get("/stock/sheet?location=store")
            #expect(page.body.contains("Post every count") && page.body.contains("Download as CSV"), "\(page.body)")
            #expect(!page.body.contains(">\(onHand + 2)<"), "a blind sheet shows no quantity from the books")
            let csrf = try #require(Browser.token(page.body))
            var fields = ["csrf": csrf, "key": "sh-3", "location": "store", "lines": String(lines.count)]
            for (index, line) in lines.enumerated() {
                fields["sku_\(index)"] = line["sku"] as? String ?? ""
                fields["lot_\(index)"] = line["lot"] as? String ?? ""
                fields["counted_\(index)"] = String(index == 0 ? onHand + 2 : (line["onHand"] as? Int ?? 0))
            }
            var missing = fields
            missing["counted_1"] = ""
            let refused = try await browser.post("/stock/sheet", missing)
            #expect(
                refused.status == .unprocessableContent && refused.body.contains("Nothing was posted"),
                "\(refused.body)")
            let done = try await browser.post("/stock/sheet", fields)
            #expect(done.status == .ok && done.body.contains("0 differ from the books"), "\(done.body)")
            let csv = try await browser.get("/stock/sheet.csv?location=store")
            #expect(csv.status == .ok && csv.body.hasPrefix("sku,description,lot,expires,counted\r\n"), "\(csv.body)")
        }
    }
}

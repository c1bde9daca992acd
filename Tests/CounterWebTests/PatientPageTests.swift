import Fitting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Inventory
import Postgres
import Testing

@testable import CounterWeb

/// Patients, new prescriptions and what is due, in pages.
@Suite("cfit serve: patients, prescriptions and what is due")
struct PatientPageTests {
    @Test(
        "a pharmacist finds and adds a patient, records a prescription with a new prescriber and cancels it; a fitter sees no such forms and is refused"
    )
    func newPrescription() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            let search = try await browser.get("/patients?q=sample")
            #expect(search.status == .ok && search.body.contains("Ada Sample") && search.body.contains("Ben Sample"))
            #expect(!(try await browser.get("/patients?q=nobody-is-called-this")).body.contains("Ada Sample"))
            let csrf = Browser.token(search.body) ?? ""
            let key = try #require(Browser.value(of: "key", in: search.body))
            let badDay = try await browser.post(
                "/patients", ["csrf": csrf, "key": key, "reference": "P-WEB", "name": "Wyn Web", "born": "1950-13-01"])
            #expect(badDay.status == .unprocessableContent && badDay.body.contains("born: expected"), "\(badDay.body)")
            // The form comes back with what was typed.
            #expect(badDay.body.contains("value=\"Wyn Web\""))
            let added = try await browser.post(
                "/patients", ["csrf": csrf, "key": key, "reference": "P-WEB", "name": "Wyn Web", "born": "1950-12-01"])
            #expect(added.status == .seeOther)
            let patientPage = try await browser.get(added.headers[.location] ?? "")
            #expect(patientPage.body.contains("patient P-WEB added") && patientPage.body.contains("born 1950-12-01"))
            #expect(patientPage.body.contains("href=\"/prescriptions/new?patient=P-WEB\""))

            let form = try await browser.get("/prescriptions/new?patient=P-WEB")
            #expect(
                form.status == .ok && form.body.contains("value=\"P-WEB\"") && form.body.contains("Dr. Grace Sample"))
            let formKey = try #require(Browser.value(of: "key", in: form.body))
            var fields = [
                "csrf": Browser.token(form.body) ?? "", "key": formKey, "patient": "P-WEB", "prescriber": "DR-WEB",
                "prescriber_name": "Dr Web", "style": "AD", "class": "9", "side": "both", "quantity": "2",
            ]
            let badClass = try await browser.post("/prescriptions/new", fields)
            #expect(
                badClass.status == .unprocessableContent
                    && badClass.body.contains("class: expected a class such as 2, RAL:2 or US:20-30, found &#39;9&#39;"),
                "\(badClass.body)")
            fields["class"] = "2"
            let recorded = try await browser.post("/prescriptions/new", fields)
            #expect(recorded.status == .seeOther, "\(recorded.body)")
            let location = recorded.headers[.location] ?? ""
            // The same form posted twice records one prescription.
            let again = try await browser.post("/prescriptions/new", fields)
            #expect(again.headers[.location] == location)
            let rxPage = try await browser.get(location)
            #expect(rxPage.body.contains("recorded: 2 × AD") && rxPage.body.contains("Wyn Web"), "\(rxPage.body)")
            let number = String(location.dropFirst("/prescriptions/".count).prefix { $0 != "?" })
            let cancelled = try await browser.post(
                "/prescriptions/cancel",
                ["csrf": csrf, "key": "cancel-\(number)", "rx": number, "reason": "the prescriber changed the class"])
            #expect(cancelled.status == .seeOther)
            let after = try await browser.get(cancelled.headers[.location] ?? "")
            #expect(after.body.contains("cancelled") && after.body.contains("revoked"), "\(after.body)")
            #expect(
                after.body.contains("the prescriber changed the class") && after.body.contains("nothing was reserved"),
                "\(after.body)")
            #expect(!after.body.contains("Cancel the prescription"))

            let fitter = Browser(client)
            #expect(try await fitter.signIn(fixture.fitter, fixture.password) == .seeOther)
            let fitterPatients = try await fitter.get("/patients?q=P-WEB")
            #expect(fitterPatients.body.contains("Wyn Web") && !fitterPatients.body.contains("New patient"))
            #expect(!(try await fitter.get("/prescriptions")).body.contains("New prescription"))
            let refused = try await fitter.post(
                "/patients",
                [
                    "csrf": Browser.token(fitterPatients.body) ?? "", "key": "crafted-1", "reference": "P-NO",
                    "name": "Not Allowed",
                ])
            #expect(refused.status == .forbidden && refused.body.contains("permission"), "\(refused.body)")
        }
        let check = try Connection(fixture.url)
        defer { check.close() }
        let count = try check.query(
            "SELECT count(*)::int AS n FROM prescription p JOIN patient pa ON pa.id = p.patient_id WHERE pa.reference = 'P-WEB'"
        )
        #expect(try count[0].decode(Int.self, "n") == 1)
    }

    @Test(
        "what is due: overdue replacements and measurements first, a prescription running out, each linked to its patient"
    )
    func due() async throws {
        let fixture = try WebFixture()
        let admin = try Connection(fixture.url)
        defer { admin.close() }
        let today = CalendarDay.today()
        // Ada had garments 200 days ago and was measured then; Ben's prescription runs out in 5 days.
        let rx = Prescriptions(connection: admin)
        _ = try rx.create(
            NewPrescription(
                number: "RX-DUE", patient: "P-0002", prescriber: "DR-01", style: .AG,
                pressureClass: PressureStandard.RAL.pressureClass("2")!, quantity: 2, validUntil: today.adding(days: 5),
                arterialAssessed: true),
            key: "due-rx")
        let reservation = try Reservations(connection: admin).reserve(
            rx: "RX-1001", sku: "NW-CL-AD2-II-R-C-BE", location: "shop", key: "due-rs")
        _ = try Dispensing(connection: admin).dispense(reservation: reservation.id, key: "due-ds")
        // Noon UTC of the day 200 days before the test's day: the same calendar day whatever the
        // server's time zone, and the same due dates if the test runs across midnight.
        let longAgo = today.adding(days: -200)
        _ = try admin.execute(
            "UPDATE dispense SET handed_over_at = (\(longAgo)::date + time '12:00') AT TIME ZONE 'UTC'")
        _ = try admin.execute(
            """
            INSERT INTO fitting (prescription_id, patient_id, fitter, style, class_code, unit, measurements, result, taken_at)
            SELECT p.id, p.patient_id, 'someone', 'AD', 'RAL:2', 'cm', '{}', '[]',
                   (\(longAgo)::date + time '12:00') AT TIME ZONE 'UTC'
            FROM prescription p WHERE p.number = 'RX-1001'
            """)
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.fitter, fixture.password) == .seeOther)
            let page = try await browser.get("/due")
            // The page counts days from the day it was rendered; normally the test's own day.
            let shift = CalendarDay.today().daysSince2000 - today.daysSince2000
            #expect(page.status == .ok, "\(page.body)")
            let body = page.body
            let replacement = try #require(body.range(of: "replacement garments"), "\(body)")
            let measure = try #require(body.range(of: "measure again"))
            let runsOut = try #require(body.range(of: "prescription runs out"))
            // Overdue (18 days) before the prescription due in 5 days.
            #expect(replacement.lowerBound < runsOut.lowerBound && measure.lowerBound < runsOut.lowerBound)
            #expect(
                body.contains("<strong>\(today.adding(days: -18))</strong>")
                    && body.contains("\(today.adding(days: 5))"))
            #expect(
                body.contains("\(18 + shift) days overdue") && body.contains("(in \(5 - shift) days)"), "\(body)")
            #expect(body.contains("href=\"/patients/P-0001\"") && body.contains("href=\"/patients/P-0002\""))
            #expect(body.contains(#"href="/due" accesskey="d" title="Due (access key D)" aria-current="page">Due</a>"#))
            let bad = try await browser.get("/due?within=soon")
            #expect(bad.status == .unprocessableContent && bad.body.contains("within: expected a whole number of days"))
        }
    }

    @Test("a recorded fitting's page, and the made-to-measure order sheet of a leg no ready-made size fits")
    func fittingAndOrder() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.fitter, fixture.password) == .seeOther)
            // An ankle far beyond every chart: made-to-measure in every line.
            let recorded = try await browser.fitAD(
                ["cB": "45", "cB1": "50", "cC": "52", "cD": "40", "lD": "41"], rx: "RX-1001", key: "mtm-1")
            let id = try #require(Browser.fittingNumber(in: recorded.body), "\(recorded.body)")
            let history = try await browser.get("/patients/P-0001")
            #expect(history.body.contains("href=\"/fittings/\(id)\""))
            let page = try await browser.get("/fittings/\(id)")
            #expect(page.status == .ok && page.body.contains("made-to-measure") && page.body.contains("Order sheet"))
            #expect(page.body.contains("<td>cB <small>ankle</small></td><td>45</td>"), "\(page.body)")
            let sheet = try await browser.get("/fittings/\(id)/order?line=northwind-classic&toe=open&color=black")
            #expect(sheet.status == .ok, "\(sheet.body)")
            #expect(
                sheet.body.contains("Made-to-measure order") && sheet.body.contains("Ada Sample")
                    && sheet.body.contains("<td>black</td>") && sheet.body.contains("<td>open</td>"), "\(sheet.body)")
            #expect(sheet.body.contains("@media print"))
            #expect(
                sheet.body.contains("Dr. Grace Sample (DR-01)") && sheet.body.contains("<th>Shop</th>"), "\(sheet.body)"
            )
            let badToe = try await browser.get("/fittings/\(id)/order?line=northwind-classic&toe=peep")
            #expect(badToe.status == .unprocessableContent && badToe.body.contains("expected open or closed"))
            let unknown = try await browser.get("/fittings/F-0000000-0000000")
            #expect(unknown.status == .notFound && unknown.body.contains("no fitting F-0000000-0000000"))
            // A bare number names nothing on its own: it could be another patient's after a failover.
            let bare = try await browser.get("/fittings/1")
            #expect(
                bare.status == .unprocessableContent && bare.body.contains("found the number 1 alone"), "\(bare.body)")
            let auth = APIRouteTests.basic(fixture.fitter, fixture.password)
            // A closed toe (the default) needs the foot's length, which this fitting did not record.
            let closed = try await APIRouteTests.call(
                client, .get, "/api/v1/fittings/\(id)/order?line=northwind-classic", auth: auth)
            #expect(closed.status == .conflict, "\(closed.body)")
            #expect(
                (APIRouteTests.object(closed.body)["detail"] as? String)?.hasPrefix(
                    "toe: a closed-toe garment needs the foot's length (heel to longest toe)") == true, "\(closed.body)"
            )
            let json = try await APIRouteTests.call(
                client, .get, "/api/v1/fittings/\(id)/order?line=northwind-classic&toe=open", auth: auth)
            let order = APIRouteTests.object(json.body)
            #expect(
                order["line"] as? String == "northwind-classic" && order["toe"] as? String == "open", "\(json.body)")
            #expect((order["measurements"] as? [String: [String: String]])?["leg"]?["cB"] == "45")
        }
    }
}

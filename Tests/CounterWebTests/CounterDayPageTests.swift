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
}

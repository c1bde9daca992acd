import Foundation
import HTTPTypes
import HummingbirdTesting
import Inventory
import NIOCore
import Postgres
import SyntheticData
import Testing

@testable import CounterWeb

/// The rest of the command line's operations through `/api/v1`: patients, prescriptions, a return
/// and what follows it, write-offs, what is due, fittings, locations, staff and catalog imports.
@Suite("cfit serve: /api/v1 records")
struct APIRecordTests {
    typealias API = APIRouteTests

    static func array(_ text: String) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]] ?? []
    }

    @Test(
        "a new patient and prescription, reserve, hand over, take back, release or write off, what is due, cancel: each once, each refusal named"
    )
    func patientToReturn() async throws {
        let fixture = try WebFixture()
        let sku = "NW-CL-AD2-II-R-C-BE"
        let validUntil = CalendarDay.today().adding(days: 10)
        try await fixture.test { client in
            let auth = API.basic(fixture.pharmacist, fixture.password)
            let patientBody = #"{"reference": "P-API", "name": "Eve Api", "born": "1950-03-04"}"#
            let patient = try await API.call(
                client, .post, "/api/v1/patients", auth: auth, key: "pa-1", json: patientBody)
            #expect(patient.status == .created && API.object(patient.body)["reference"] as? String == "P-API")
            let again = try await API.call(
                client, .post, "/api/v1/patients", auth: auth, key: "pa-1", json: patientBody)
            #expect(again.status == .created && again.body == patient.body)
            let badDay = try await API.call(
                client, .post, "/api/v1/patients", auth: auth, key: "pa-2",
                json: #"{"reference": "P-API2", "name": "Eve Api", "born": "1950-02-30"}"#)
            #expect(badDay.status == .unprocessableContent)
            #expect(
                (API.object(badDay.body)["detail"] as? String)?.hasPrefix("born: expected") == true, "\(badDay.body)")
            let found = try await API.call(client, .get, "/api/v1/patients?search=eve", auth: auth)
            #expect(Self.array(found.body).map { $0["reference"] as? String } == ["P-API"], "\(found.body)")

            let badStyle = try await API.call(
                client, .post, "/api/v1/prescriptions", auth: auth, key: "rx-0",
                json: #"{"patient": "P-API", "prescriber": "DR-01", "style": "XX", "class": "2", "quantity": 2}"#)
            #expect(
                API.object(badStyle.body)["detail"] as? String == "style: expected AD, AF, AG or AT, found 'XX'",
                "\(badStyle.body)")
            let rx = try await API.call(
                client, .post, "/api/v1/prescriptions", auth: auth, key: "rx-1",
                json: """
                    {"patient": "P-API", "prescriber": "DR-API", "prescriber_name": "Dr Api", "style": "AD", "class": "2",
                     "quantity": 2, "valid_until": "\(validUntil)", "diagnosis": "I87.2"}
                    """)
            #expect(rx.status == .created, "\(rx.body)")
            let unassessed = try #require(API.object(rx.body)["number"] as? String)
            let shown = try await API.call(client, .get, "/api/v1/prescriptions/\(unassessed)", auth: auth)
            #expect(shown.status == .ok && API.object(shown.body)["prescriber"] as? String == "DR-API", "\(shown.body)")

            // Issue 20: RAL 2 is above 20 mmHg; neither leg's ABPI is recorded and the prescriber's
            // assessment is not on the prescription, so the reservation is refused, naming both ways.
            let gated = try await API.call(
                client, .post, "/api/v1/reservations", auth: auth, key: "rs-0",
                json: #"{"prescription": "\#(unassessed)", "sku": "\#(sku)"}"#)
            #expect(gated.status == .conflict, "\(gated.body)")
            #expect(
                (API.object(gated.body)["detail"] as? String)?.contains(
                    "needs the left leg's ABPI recorded at a fitting for this patient, or the prescriber's arterial assessment recorded on prescription \(unassessed)"
                ) == true, "\(gated.body)")
            let assessed = try await API.call(
                client, .post, "/api/v1/prescriptions", auth: auth, key: "rx-2",
                json: """
                    {"patient": "P-API", "prescriber": "DR-API", "style": "AD", "class": "RAL:2", "quantity": 2,
                     "valid_until": "\(validUntil)", "diagnosis": "I87.2", "arterial_assessed": true}
                    """)
            #expect(API.object(assessed.body)["arterialAssessed"] as? Bool == true, "\(assessed.body)")
            let number = try #require(API.object(assessed.body)["number"] as? String)
            let reserved = try await API.call(
                client, .post, "/api/v1/reservations", auth: auth, key: "rs-1",
                json: #"{"prescription": "\#(number)", "sku": "\#(sku)"}"#)
            let reservation = try #require(API.object(reserved.body)["id"] as? String, "\(reserved.body)")
            let handed = try await API.call(
                client, .post, "/api/v1/reservations/\(reservation)/dispense", auth: auth, key: "ds-1")
            let dispense = try #require(API.object(handed.body)["id"] as? String, "\(handed.body)")
            let due = try await API.call(client, .get, "/api/v1/due?within=365", auth: auth)
            let reasons = Set(
                Self.array(due.body).filter { $0["patient"] as? String == "P-API" }.map { $0["reason"] as? String })
            #expect(reasons == ["replacement", "prescription-expires"], "\(due.body)")
            let badWithin = try await API.call(client, .get, "/api/v1/due?within=-1", auth: auth)
            #expect(
                API.object(badWithin.body)["detail"] as? String
                    == "within: expected a whole number of days from 0 to 36500, found '-1'")

            let returned = try await API.call(
                client, .post, "/api/v1/dispenses/\(dispense)/return", auth: auth, key: "rt-1",
                json: #"{"reason": "wrong colour", "location": "shop"}"#)
            #expect(returned.status == .created, "\(returned.body)")
            let released = try await API.call(
                client, .post, "/api/v1/stock/release-return", auth: auth, key: "rr-1",
                json: #"{"sku": "\#(sku)", "quantity": 1, "location": "shop"}"#)
            #expect(released.status == .created && Self.array(released.body).count == 2, "\(released.body)")
            let lost = try await API.call(
                client, .post, "/api/v1/stock/write-off", auth: auth, key: "wo-0",
                json: #"{"sku": "\#(sku)", "quantity": 1, "location": "shop", "reason": "lost"}"#)
            #expect(
                API.object(lost.body)["detail"] as? String
                    == "reason: expected expired, damaged, returned or recalled, found 'lost'")
            let writeOff =
                #"{"sku": "\#(sku)", "quantity": 1, "location": "shop", "reason": "damaged", "note": "torn"}"#
            let written = try await API.call(
                client, .post, "/api/v1/stock/write-off", auth: auth, key: "wo-1", json: writeOff)
            #expect(written.status == .created && API.object(written.body)["delta"] as? Int == -1, "\(written.body)")
            let repeated = try await API.call(
                client, .post, "/api/v1/stock/write-off", auth: auth, key: "wo-1", json: writeOff)
            #expect(repeated.body == written.body)

            let unexplained = try await API.call(
                client, .post, "/api/v1/prescriptions/\(number)/cancel", auth: auth, key: "cx-0",
                json: #"{"reason": "  "}"#)
            #expect(
                unexplained.status == .unprocessableContent
                    && API.object(unexplained.body)["detail"] as? String == "reason: expected text, found only blanks",
                "\(unexplained.body)")
            let cancelled = try await API.call(
                client, .post, "/api/v1/prescriptions/\(number)/cancel", auth: auth, key: "cx-1",
                json: #"{"reason": "the prescriber changed the class"}"#)
            #expect(API.object(cancelled.body)["status"] as? String == "revoked", "\(cancelled.body)")
            #expect(API.object(cancelled.body)["statusReason"] as? String == "the prescriber changed the class")
            #expect(API.object(cancelled.body)["released"] is [Any], "\(cancelled.body)")
            let twice = try await API.call(
                client, .post, "/api/v1/prescriptions/\(number)/cancel", auth: auth, key: "cx-2",
                json: #"{"reason": "again"}"#)
            #expect(twice.status == .conflict && API.object(twice.body)["reason"] as? String == "refused")

            // A fitter reads but may not write: the database says so.
            let fitter = API.basic(fixture.fitter, fixture.password)
            let refused = try await API.call(
                client, .post, "/api/v1/patients", auth: fitter, key: "pa-9",
                json: #"{"reference": "P-FIT", "name": "Not Allowed"}"#)
            #expect(refused.status == .forbidden && API.object(refused.body)["reason"] as? String == "not-permitted")
        }
        let check = try Connection(fixture.url)
        defer { check.close() }
        // Each keyed write once: one write-off of one unit, by the pharmacist.
        let writeOffs = try check.query(
            "SELECT count(*)::int AS n FROM stock_movement WHERE reason = 'write_off' AND actor = \(fixture.pharmacist)"
        )
        #expect(try writeOffs[0].decode(Int.self, "n") == 1)
        #expect(try Checks(connection: check).run().problems.isEmpty)
    }

    @Test("locations and staff for the admin, a fitting by number, a catalog import checked whole through multipart")
    func adminOperations() async throws {
        let fixture = try WebFixture()
        let synthetic = SyntheticCatalog(lines: 2, colors: 1, variant: 7)
        var rows = ""
        synthetic.forEachArticleRow { rows += $0 + "\n" }
        let articles = rows
        try await fixture.test { client in
            let admin = API.basic(fixture.admin, fixture.password)
            let pharmacist = API.basic(fixture.pharmacist, fixture.password)
            let location = #"{"code": "van-1", "name": "The van", "kind": "stock"}"#
            let refused = try await API.call(
                client, .post, "/api/v1/locations", auth: pharmacist, key: "lo-1", json: location)
            #expect(refused.status == .forbidden, "\(refused.body)")
            let added = try await API.call(client, .post, "/api/v1/locations", auth: admin, key: "lo-1", json: location)
            #expect(added.status == .created && API.object(added.body)["code"] as? String == "van-1", "\(added.body)")
            let listed = try await API.call(client, .get, "/api/v1/locations", auth: pharmacist)
            #expect(
                Set(Self.array(listed.body).compactMap { $0["code"] as? String }).isSuperset(of: ["shop", "van-1"]))
            let disabled = try await API.call(
                client, .post, "/api/v1/locations/van-1/disable", auth: admin, key: "lo-2")
            #expect(disabled.status == .ok, "\(disabled.body)")
            let staff = try await API.call(client, .get, "/api/v1/users", auth: admin)
            let roles = Dictionary(
                Self.array(staff.body).compactMap { user in
                    (user["name"] as? String).map { ($0, user["role"] as? String ?? "") }
                }, uniquingKeysWith: { first, _ in first })
            #expect(roles[fixture.fitter] == "fitter" && roles[fixture.admin] == "admin", "\(staff.body)")

            // A fitting recorded at the counter, read back by its number.
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.fitter, fixture.password) == .seeOther)
            let recorded = try await browser.fitAD(
                ["cB": "20", "cB1": "25", "cC": "30", "cD": "30", "lD": "40"], rx: "RX-1001", key: "fit-1")
            let fittingText = try #require(Browser.fittingNumber(in: recorded.body))
            let fitting = try await API.call(client, .get, "/api/v1/fittings/\(fittingText)", auth: pharmacist)
            #expect(
                fitting.status == .ok && API.object(fitting.body)["prescription"] as? String == "RX-1001",
                "\(fitting.body)")

            // A catalog import: a bad row refuses the whole file, naming every problem; a dry run
            // stores nothing; the import stores the lines; the same files again change nothing.
            func upload(_ query: String, articles: String, auth: String, key: String) async throws -> (
                status: HTTPResponse.Status, body: String
            ) {
                let boundary = "----cfit\(UUID().uuidString)"
                var body = ""
                for (name, file, text) in [("catalog", "s.json", synthetic.json), ("articles", "a.csv", articles)] {
                    body +=
                        "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(file)\"\r\n\r\n\(text)\r\n"
                }
                body += "--\(boundary)--\r\n"
                let answer = try await API.call(
                    client, .post, "/api/v1/catalog/import\(query)", auth: auth, key: key, json: nil,
                    extra: [.contentType: "multipart/form-data; boundary=\(boundary)"], raw: body)
                return (answer.status, answer.body)
            }
            let lines = try AdminPageTests.count(fixture.url, "product_line")
            let broken = try await upload(
                "",
                articles: articles
                    + "X-1,123,nowhere,AD,2,I,short,closed,red,\nX-2,456,nowhere,AD,2,I,short,closed,red,\n",
                auth: admin, key: "import-broken")
            #expect(broken.status == .unprocessableContent, "\(broken.body)")
            let issues = API.object(broken.body)["issues"] as? [String] ?? []
            #expect(issues.count >= 2, "\(broken.body)")
            #expect(try AdminPageTests.count(fixture.url, "product_line") == lines)
            let dry = try await upload("?dry_run=true", articles: articles, auth: admin, key: "import-dry")
            #expect(dry.status == .ok && API.object(dry.body)["dryRun"] as? Bool == true, "\(dry.body)")
            #expect(try AdminPageTests.count(fixture.url, "product_line") == lines)
            let byPharmacist = try await upload("", articles: articles, auth: pharmacist, key: "import-ph")
            #expect(byPharmacist.status == .forbidden, "\(byPharmacist.body)")
            let imported = try await upload("", articles: articles, auth: admin, key: "import-1")
            #expect(imported.status == .ok, "\(imported.body)")
            #expect(try AdminPageTests.count(fixture.url, "product_line") == lines + 2)
            // The same key repeats the first answer; a new key finds nothing left to change.
            let repeated = try await upload("", articles: articles, auth: admin, key: "import-1")
            #expect(repeated.status == .ok && repeated.body == imported.body, "\(repeated.body)")
            #expect(API.object(repeated.body)["unchanged"] as? Bool == false)
            let unchanged = try await upload("", articles: articles, auth: admin, key: "import-2")
            #expect(API.object(unchanged.body)["unchanged"] as? Bool == true, "\(unchanged.body)")
            // The key of that import, given for other files, is refused.
            let other = try await upload("", articles: articles + "\n", auth: admin, key: "import-1")
            #expect(other.status == .conflict, "\(other.body)")
        }
    }
}

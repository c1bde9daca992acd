import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Testing

@testable import CounterWeb

/// Lots expiring soon on the API and the page (the command line's in `ExpiringLotsTests`).
@Suite("Expiring lots on the API and the page")
struct ExpiringLotsPageTests {
    typealias API = APIRouteTests

    @Test("a lot expiring in 10 days is listed within 30, with its days left; a bad within is 422 naming it")
    func expiring() async throws {
        let fixture = try WebFixture()
        let soon = "\(CalendarDay.today().adding(days: 10))"
        try await fixture.test { client in
            let auth = API.basic(fixture.pharmacist, fixture.password)
            let received = try await API.call(
                client, .post, "/api/v1/stock/receive", auth: auth, key: "exp-1",
                json: #"{"sku": "NW-CL-AD2-I-R-C-BE", "quantity": 2, "lot": "EXP-WEB", "expires": "\#(soon)"}"#)
            #expect(received.status == .created, "\(received.body)")
            let listed = try await API.call(client, .get, "/api/v1/stock/expiring?within=30", auth: auth)
            #expect(listed.status == .ok, "\(listed.body)")
            let lots = try JSONSerialization.jsonObject(with: Data(listed.body.utf8)) as? [[String: Any]] ?? []
            let found = lots.first { $0["lot"] as? String == "EXP-WEB" }
            #expect(found?["daysLeft"] as? Int == 10 && found?["onHand"] as? Int == 2, "\(listed.body)")
            let bad = try await API.call(client, .get, "/api/v1/stock/expiring?within=soon", auth: auth)
            #expect(bad.status == .unprocessableContent && bad.body.contains("within: expected a whole number of days"))

            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.fitter, fixture.password) == .seeOther)
            let page = try await browser.get("/stock/expiring?within=30")
            #expect(
                page.status == .ok && page.body.contains("EXP-WEB") && page.body.contains("10 days"), "\(page.body)")
            #expect((try await browser.get("/stock")).body.contains(#"href="/stock/expiring""#))
        }
    }
}

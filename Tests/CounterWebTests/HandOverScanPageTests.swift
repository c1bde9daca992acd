import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CounterWeb

/// The box scanned at hand-over, through the API and the pages: the layer's rule (see the
/// command line's `HandOverScanTests`), each face translating it.
@Suite("Hand-over with a confirming scan, on the API and the pages")
struct HandOverScanPageTests {
    typealias API = APIRouteTests

    @Test(
        "another box is refused (409) with the next step; the reserved box is handed over, leading back to the prescription"
    )
    func scan() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let auth = API.basic(fixture.pharmacist, fixture.password)
            let held = try await API.call(
                client, .post, "/api/v1/reservations", auth: auth, key: "scan-r1",
                json: #"{"prescription": "RX-1001", "sku": "NW-CL-AD2-II-R-C-BE"}"#)
            #expect(held.status == .created, "\(held.body)")
            let id = try #require(API.object(held.body)["id"] as? String)
            let wrong = try await API.call(
                client, .post, "/api/v1/reservations/\(id)/dispense?scan=2000000000466", auth: auth, key: "scan-d1")
            #expect(wrong.status == .conflict, "\(wrong.body)")
            #expect(
                (API.object(wrong.body)["detail"] as? String)?.hasPrefix(
                    "scan: expected the reserved box, NW-CL-AD2-II-R-C-BE") == true, "\(wrong.body)")

            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            let page = try await browser.get("/prescriptions/RX-1001")
            #expect(page.body.contains("Scan the box"), "\(page.body)")
            let csrf = try #require(Browser.token(page.body))
            let refused = try await browser.post(
                "/dispense",
                ["csrf": csrf, "key": "scan-p1", "reservation": id, "rx": "RX-1001", "scan": "2000000000466"])
            #expect(refused.status == .conflict, "\(refused.body)")
            #expect(
                refused.body.contains("scan: expected the reserved box")
                    && refused.body.contains("Back to prescription RX-1001"))
            let handed = try await browser.post(
                "/dispense",
                ["csrf": csrf, "key": "scan-p2", "reservation": id, "rx": "RX-1001", "scan": "2000000000459"])
            #expect(handed.status == .ok && handed.body.contains("handed over NW-CL-AD2-II-R-C-BE"), "\(handed.body)")
            #expect(handed.body.contains(#"href="/prescriptions/RX-1001""#))
        }
    }
}

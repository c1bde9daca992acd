import Foundation
import HTTPTypes
import HummingbirdTesting
import Inventory
import Logging
import NIOCore
import Postgres
import PostgresTestSupport
import Testing

@testable import CounterWeb

/// What the web face answers when the database or the request is not as it should be: each kind
/// of the layer's errors has its documented status and problem, never a 500.
@Suite("cfit serve: failures answered by kind, never 500")
struct FailureAnswerTests {
    typealias API = APIRouteTests

    @Test("NUL in a query, a path or a JSON string, and in a form field, is bad input naming the field")
    func nulCharacters() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let auth = API.basic(fixture.pharmacist, fixture.password)
            let query = try await API.call(client, .get, "/api/v1/articles?search=a%00b", auth: auth)
            #expect(query.status == .unprocessableContent && API.object(query.body)["reason"] as? String == "bad-input")
            #expect(
                (API.object(query.body)["detail"] as? String)?.hasPrefix(
                    "search: expected text without control characters") == true)
            let path = try await API.call(client, .get, "/api/v1/articles/NW%00X", auth: auth)
            #expect(path.status == .unprocessableContent, "\(path.body)")
            let body = try await API.call(
                client, .post, "/api/v1/reservations", auth: auth, key: "nul-1",
                json: #"{"prescription": "RX-1001\u0000", "sku": "NW-CL-AD2-II-R-C-BE"}"#)
            #expect(body.status == .unprocessableContent, "\(body.body)")
            #expect(
                (API.object(body.body)["detail"] as? String)?.hasPrefix(
                    "prescription: expected text without control characters")
                    == true)
            let fit = try await API.call(
                client, .post, "/api/v1/fit", auth: auth,
                json: #"{"style": "AD\u0000", "class": "2", "legs": {"leg": {"cB": "22"}}}"#)
            #expect(fit.status == .unprocessableContent, "\(fit.body)")

            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            let unknownStyle = try await browser.get("/fit?style=XX")
            #expect(
                unknownStyle.status == .unprocessableContent
                    && unknownStyle.body.contains("style: expected AD, AF, AG or AT, found &#39;XX&#39;"))
            #expect(try await browser.get("/fit?style=ag").body.contains("value=\"AG\" selected"))
            let page = try await browser.get("/patients?q=Ada%00")
            #expect(
                page.status == .unprocessableContent
                    && page.body.contains("q: expected text without control characters"))
        }
    }

    @Test("a 2 MB body is too large: 413 with its problem, for the API and for a page")
    func tooLarge() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let auth = API.basic(fixture.pharmacist, fixture.password)
            let big = String(repeating: "x", count: 2 << 20)
            let json = try await API.call(
                client, .post, "/api/v1/reservations", auth: auth, key: "big-1",
                json: #"{"prescription": "\#(big)", "sku": "x"}"#)
            #expect(json.status == .contentTooLarge && API.object(json.body)["reason"] as? String == "too-large")
            let fit = try await API.call(client, .post, "/api/v1/fit", auth: auth, json: big)
            #expect(fit.status == .contentTooLarge)
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            let form = try await browser.post("/patients", ["csrf": "x", "name": big])
            #expect(form.status == .contentTooLarge && form.body.contains("body: expected at most"), "\(form.status)")
        }
    }

    @Test("a row another counter holds past the lock timeout: 409 busy with Retry-After, on the API and the page")
    func busyRow() async throws {
        let fixture = try WebFixture()
        let holder = try Connection(fixture.url)
        defer { holder.close() }
        try holder.executeScript("BEGIN; SELECT * FROM stock_balance FOR UPDATE")
        try await fixture.test { client in
            let auth = API.basic(fixture.pharmacist, fixture.password)
            let reserve = try await API.call(
                client, .post, "/api/v1/reservations", auth: auth, key: "busy-1",
                json: #"{"prescription": "RX-1001", "sku": "NW-CL-AD2-II-R-C-BE"}"#)
            #expect(reserve.status == .conflict, "\(reserve.body)")
            #expect(API.object(reserve.body)["reason"] as? String == "busy")
            #expect(reserve.headers[.retryAfter] == "1")
        }
        try holder.executeScript("ROLLBACK")
    }

    @Test("a read-only server (a hot standby) answers writes with 503 unavailable and Retry-After")
    func readOnlyServer() async throws {
        let fixture = try WebFixture()
        let owner = try Connection(fixture.url)
        try owner.executeScript(
            "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET default_transaction_read_only = on', current_database()); END $$"
        )
        owner.close()
        try await fixture.test { client in
            let auth = API.basic(fixture.pharmacist, fixture.password)
            let read = try await API.call(client, .get, "/api/v1/stock?sku=NW-CL-AD2-II-R-C-BE", auth: auth)
            #expect(read.status == .ok, "\(read.body)")
            let write = try await API.call(
                client, .post, "/api/v1/reservations", auth: auth, key: "ro-1",
                json: #"{"prescription": "RX-1001", "sku": "NW-CL-AD2-II-R-C-BE"}"#)
            #expect(write.status == .serviceUnavailable, "\(write.body)")
            #expect(API.object(write.body)["reason"] as? String == "unavailable" && write.headers[.retryAfter] == "5")
        }
    }

    @Test("a stopped database: 503 unavailable with Retry-After, not 500")
    func stoppedDatabase() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfit-none-\(UUID())").path
        var logger = Logger(label: "cfit.serve.test")
        logger.logLevel = .critical
        let server = try WebServer(
            WebServer.Settings(databaseURL: "postgresql:///cfit?host=\(directory)&connect_timeout=2"), logger: logger)
        try await server.application().test(.router) { client in
            let call = try await API.call(
                client, .get, "/api/v1/stock?sku=X", auth: API.basic("someone", "secret"))
            #expect(call.status == .serviceUnavailable, "\(call.body)")
            #expect(API.object(call.body)["reason"] as? String == "unavailable" && call.headers[.retryAfter] == "5")
        }
    }

    @Test("a query's + is a space: John Smith is found by the patients page and the API")
    func plusIsSpace() async throws {
        let fixture = try WebFixture()
        let owner = try Connection(fixture.url)
        _ = try Patients(connection: owner).add(reference: "P-JS1", name: "John Smith", key: "js-1")
        owner.close()
        try await fixture.test { client in
            let auth = API.basic(fixture.pharmacist, fixture.password)
            let api = try await API.call(client, .get, "/api/v1/patients?search=John+Smith", auth: auth)
            #expect(api.status == .ok && api.body.contains("P-JS1"), "\(api.body)")
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            #expect(try await browser.get("/patients?q=John+Smith").body.contains("P-JS1"))
        }
    }

    @Test(
        "a write a browser says comes from another site is refused before anything is read: 403 on the API and a page")
    func crossSite() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let auth = API.basic(fixture.pharmacist, fixture.password)
            let body = #"{"prescription": "RX-1001", "sku": "NW-CL-AD2-II-R-C-BE"}"#
            let crossSite = try await API.call(
                client, .post, "/api/v1/reservations", auth: auth, key: "xs-1", json: body,
                extra: [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"])
            #expect(crossSite.status == .forbidden, "\(crossSite.body)")
            #expect(API.object(crossSite.body)["reason"] as? String == "not-permitted")
            let otherOrigin = try await API.call(
                client, .post, "/api/v1/reservations", auth: auth, key: "xs-2", json: body,
                extra: [HTTPField.Name("Origin")!: "https://evil.example"])
            #expect(otherOrigin.status == .forbidden, "\(otherOrigin.body)")
            // A browser's own page (same-origin) and a till (no such headers) are served.
            let sameOrigin = try await API.call(
                client, .post, "/api/v1/reservations", auth: auth, key: "xs-3", json: body,
                extra: [HTTPField.Name("Sec-Fetch-Site")!: "same-origin"])
            #expect(sameOrigin.status == .created, "\(sameOrigin.body)")
            // Nothing was reserved by the refused calls.
            let owner = try Connection(fixture.url)
            defer { owner.close() }
            #expect(try owner.query("SELECT count(*) AS n FROM reservation")[0].decode(Int.self, "n") == 1)
        }
        // Over a real socket: the test client names the server `localhost` in its Host header.
        try await fixture.server.application().test(.live) { client in
            let auth = API.basic(fixture.pharmacist, fixture.password)
            let body = #"{"prescription": "RX-1002", "sku": "NW-CL-AG2-II-R-C-BE"}"#
            let own = try await API.call(
                client, .post, "/api/v1/reservations", auth: auth, key: "xs-4", json: body,
                extra: [HTTPField.Name("Origin")!: "http://localhost"])
            #expect(own.status != .forbidden, "\(own.body)")
            let page = try await client.execute(
                uri: "/logout", method: .post,
                headers: [
                    HTTPField.Name("Origin")!: "http://evil.example", .contentType: "application/x-www-form-urlencoded",
                ],
                body: ByteBuffer(string: "csrf=x"))
            #expect(page.status == .forbidden && String(buffer: page.body).contains("Origin: expected this server"))
        }
    }
}

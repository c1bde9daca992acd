import Foundation
import HTTPTypes
import HummingbirdTesting
import Inventory
import NIOCore
import Postgres
import Testing

@testable import CounterWeb

/// The HTTP API over a real PostgreSQL: Basic or session authentication, idempotency keys,
/// problem details, roles, and an OpenAPI document that matches what the server answers.
@Suite("cfit serve: /api/v1")
struct APIRouteTests {
    static func basic(_ login: String, _ password: String) -> String {
        "Basic " + Data("\(login):\(password)".utf8).base64EncodedString()
    }

    static func call(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, auth: String?,
        key: String? = nil, json: String? = nil, extra: HTTPFields = [:], raw: String? = nil
    ) async throws -> (status: HTTPResponse.Status, body: String, headers: HTTPFields) {
        var headers = extra
        if let auth { headers[.authorization] = auth }
        if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
        if json != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: (json ?? raw).map { ByteBuffer(string: $0) })
        return (response.status, String(buffer: response.body), response.headers)
    }

    static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    @Test("reserve with an idempotency key, repeat it, dispense: the same JSON as --json, each write once")
    func reserveAndDispense() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let auth = Self.basic(fixture.pharmacist, fixture.password)
            let body = #"{"prescription": "RX-1001", "sku": "NW-CL-AD2-II-R-C-BE"}"#
            let first = try await Self.call(
                client, .post, "/api/v1/reservations", auth: auth, key: "till-1", json: body)
            #expect(first.status == .created, "\(first.body)")
            let again = try await Self.call(
                client, .post, "/api/v1/reservations", auth: auth, key: "till-1", json: body)
            #expect(again.status == .created && again.body == first.body)
            let id = try #require(Self.object(first.body)["id"] as? String)
            #expect(Self.object(first.body)["sku"] as? String == "NW-CL-AD2-II-R-C-BE")
            let dispensed = try await Self.call(
                client, .post, "/api/v1/reservations/\(id)/dispense", auth: auth, key: "till-2")
            #expect(dispensed.status == .created, "\(dispensed.body)")
            #expect(Self.object(dispensed.body)["reservation"] as? String == id)
            let stock = try await Self.call(
                client, .get, "/api/v1/stock?sku=NW-CL-AD2-II-R-C-BE&location=shop", auth: auth)
            let balances = (try? JSONSerialization.jsonObject(with: Data(stock.body.utf8))) as? [[String: Any]] ?? []
            #expect(balances.first?["onHand"] as? Int == 2, "\(stock.body)")
        }
        let check = try Connection(fixture.url)
        #expect(
            try check.query("SELECT count(*)::int AS n FROM reservation WHERE actor = \(fixture.pharmacist)")[0].decode(
                Int.self, "n") == 1)
    }

    @Test(
        "refusals are problem details with a reason: no credentials, a wrong password, no key, a role that may not, bad JSON"
    )
    func problems() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let body = #"{"prescription": "RX-1001", "sku": "NW-CL-AD2-II-R-C-BE"}"#
            let anonymous = try await Self.call(client, .get, "/api/v1/stock", auth: nil)
            #expect(
                anonymous.status == .unauthorized && anonymous.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
            #expect(anonymous.headers[.contentType] == "application/problem+json")
            let wrong = try await Self.call(client, .get, "/api/v1/stock", auth: Self.basic(fixture.pharmacist, "nope"))
            #expect(wrong.status == .unauthorized && Self.object(wrong.body)["reason"] as? String == "unauthorized")
            let auth = Self.basic(fixture.pharmacist, fixture.password)
            let keyless = try await Self.call(client, .post, "/api/v1/reservations", auth: auth, json: body)
            #expect(keyless.status == .unprocessableContent)
            #expect((Self.object(keyless.body)["detail"] as? String)?.hasPrefix("Idempotency-Key: expected") == true)
            let fitter = try await Self.call(
                client, .post, "/api/v1/reservations", auth: Self.basic(fixture.fitter, fixture.password), key: "f-1",
                json: body)
            #expect(fitter.status == .forbidden && Self.object(fitter.body)["reason"] as? String == "not-permitted")
            let broken = try await Self.call(client, .post, "/api/v1/reservations", auth: auth, key: "b-1", json: "{")
            #expect(
                broken.status == .unprocessableContent && Self.object(broken.body)["reason"] as? String == "bad-input")
            let missing = try await Self.call(
                client, .post, "/api/v1/reservations", auth: auth, key: "m-1", json: #"{"sku": "x"}"#)
            #expect(Self.object(missing.body)["detail"] as? String == "prescription: expected a value, found nothing")
            let refused = try await Self.call(
                client, .post, "/api/v1/reservations", auth: auth, key: "r-1",
                json: #"{"prescription": "RX-1002", "sku": "NW-CL-AD2-II-R-C-BE"}"#)
            #expect(
                refused.status == .conflict && Self.object(refused.body)["reason"] as? String == "refused",
                "\(refused.body)")
            let unknown = try await Self.call(client, .get, "/api/v1/articles/NO-SUCH", auth: auth)
            #expect(
                unknown.status == .notFound && Self.object(unknown.body)["reason"] as? String == "not-found",
                "\(unknown.body)")
        }
    }

    @Test("a session's writes need its CSRF token in X-CSRF-Token")
    func sessionWrites() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
            let page = try await browser.get("/stock")
            let cookie: HTTPFields = [.cookie: "cfit_session=\(browser.cookies["cfit_session"] ?? "")"]
            let body = #"{"prescription": "RX-1001", "sku": "NW-CL-AD2-II-R-C-BE"}"#
            let without = try await Self.call(
                client, .post, "/api/v1/reservations", auth: nil, key: "s-1", json: body, extra: cookie)
            #expect(without.status == .unprocessableContent)
            var withToken = cookie
            withToken[HTTPField.Name("X-CSRF-Token")!] = Browser.token(page.body) ?? ""
            let with = try await Self.call(
                client, .post, "/api/v1/reservations", auth: nil, key: "s-1", json: body, extra: withToken)
            #expect(with.status == .created, "\(with.body)")
            let read = try await Self.call(client, .get, "/api/v1/stock", auth: nil, extra: cookie)
            #expect(read.status == .ok)
        }
    }

    @Test("the OpenAPI document lists exactly the operations the server answers")
    func openAPIMatches() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let document = try await Self.call(client, .get, "/api/v1/openapi.json", auth: nil)
            #expect(document.status == .ok)
            let paths = try #require(Self.object(document.body)["paths"] as? [String: [String: Any]])
            let operations = APIRoutes.all(state: fixture.server.state)
            #expect(paths.count == Set(operations.map(\.path)).count)
            let auth = Self.basic(fixture.pharmacist, fixture.password)
            var documented: [(HTTPRequest.Method, String)] = []
            for (path, methods) in paths {
                for (method, entry) in methods {
                    let httpMethod = try #require(HTTPRequest.Method(method.uppercased()))
                    documented.append((httpMethod, path))
                    let uri = path.replacingOccurrences(of: "{code}", with: "NW-CL-AD2-II-R-C-BE")
                        .replacingOccurrences(of: "{id}", with: "999999").replacingOccurrences(
                            of: "{reference}", with: "P-0001"
                        ).replacingOccurrences(of: "{number}", with: "RX-NONE")
                    let parameters = (entry as? [String: Any])?["parameters"] as? [[String: Any]] ?? []
                    let needsKey = parameters.contains { $0["name"] as? String == "Idempotency-Key" }
                    let answer = try await Self.call(
                        client, httpMethod, uri, auth: auth, key: needsKey ? "doc-\(method)-\(path)" : nil, json: "{}")
                    // Answered by the operation (not the router's 404/405), with JSON or a problem: an
                    // unknown record's 404 is a problem document saying so.
                    let routed =
                        answer.status != .notFound || Self.object(answer.body)["reason"] as? String == "not-found"
                    #expect(routed && answer.status != .methodNotAllowed, "\(method) \(path)")
                    #expect(answer.headers[.contentType]?.hasPrefix("application/") == true, "\(method) \(path)")
                    if needsKey {
                        let keyless = try await Self.call(client, httpMethod, uri, auth: auth, json: "{}")
                        // Refused for the key — or, for an operation the role may not call, for
                        // that first, as with a key.
                        #expect(
                            keyless.status == .unprocessableContent
                                || (answer.status == .forbidden && keyless.status == .forbidden),
                            "\(method) \(path) without a key")
                    }
                }
            }
            // And nothing undocumented answers under /api/v1.
            for (method, uri) in [(HTTPRequest.Method.delete, "/api/v1/reservations/1"), (.get, "/api/v1/tills")] {
                let answer = try await Self.call(client, method, uri, auth: auth)
                #expect(answer.status == .notFound || answer.status == .methodNotAllowed, "\(method) \(uri)")
            }
            #expect(documented.count == operations.count)
        }
    }

    @Test(
        "fit through the API: the JSON of cfit fit --json with stock; receive, count and a lot's status with typed bodies"
    )
    func moreOperations() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let auth = Self.basic(fixture.pharmacist, fixture.password)
            let fit = try await Self.call(
                client, .post, "/api/v1/fit", auth: auth,
                json:
                    #"{"style": "AD", "class": "2", "legs": {"leg": {"cB": 20, "cB1": "25", "cC": 30, "cD": 30, "lD": 40}}}"#
            )
            #expect(fit.status == .ok, "\(fit.body)")
            let results = (try? JSONSerialization.jsonObject(with: Data(fit.body.utf8))) as? [[String: Any]] ?? []
            #expect(
                results.first?["line"] as? String == "northwind-classic" && results.first?["articles"] != nil,
                "\(fit.body)")
            let stringQuantity = try await Self.call(
                client, .post, "/api/v1/stock/receive", auth: auth, key: "rc-0",
                json: #"{"sku": "NW-CL-AD2-I-R-C-BE", "quantity": "2", "location": "shop"}"#)
            #expect(
                Self.object(stringQuantity.body)["detail"] as? String
                    == "quantity: expected a whole number, found a value of another type")
            let received = try await Self.call(
                client, .post, "/api/v1/stock/receive", auth: auth, key: "rc-1",
                json:
                    #"{"sku": "NW-CL-AD2-I-R-C-BE", "quantity": 2, "location": "shop", "lot": "API1", "expires": "2031-02-28"}"#
            )
            #expect(received.status == .created, "\(received.body)")
            let counted = try await Self.call(
                client, .post, "/api/v1/stock/count", auth: auth, key: "ct-1",
                json: #"{"sku": "NW-CL-AD2-I-R-C-BE", "counted": 0, "location": "shop", "lot": "API1"}"#)
            #expect(counted.status == .ok, "\(counted.body)")
            let held = try await Self.call(
                client, .post, "/api/v1/lots/LI-A/status", auth: auth, key: "lt-1",
                json: #"{"status": "on-hold", "reason": "inspection", "sku": "NW-CL-AD2-I-R-C-BE"}"#)
            #expect(held.status == .ok && Self.object(held.body)["status"] as? String == "on-hold", "\(held.body)")
            let patient = try await Self.call(client, .get, "/api/v1/patients/P-0001", auth: auth)
            #expect(patient.status == .ok && patient.body.contains("Ada Sample"))
        }
    }
}

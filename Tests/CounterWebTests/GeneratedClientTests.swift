import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OpenAPIRuntime
import Testing

@testable import CounterWeb

/// A client generated from the API's document (swift-openapi-generator, from
/// `Tests/CounterWebTests/openapi.json`) works against the server: what the document says is what
/// the server takes and answers. The committed document must be the one the server serves, so the
/// client is always generated from the real thing.
@Suite("A client generated from the OpenAPI document works against cfit serve")
struct GeneratedClientTests {
    /// The generated client's requests sent through Hummingbird's test client, with HTTP Basic.
    struct RouterTransport: ClientTransport {
        let client: any TestClientProtocol
        let authorization: String

        func send(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String) async throws -> (
            HTTPResponse, HTTPBody?
        ) {
            var bytes: [UInt8] = []
            if let body { bytes = try await [UInt8](collecting: body, upTo: 1 << 20) }
            var headers = request.headerFields
            headers[.authorization] = authorization
            let response = try await client.execute(
                uri: request.path ?? "/", method: request.method, headers: headers, body: ByteBuffer(bytes: bytes))
            return (
                HTTPResponse(status: response.status, headerFields: response.headers),
                HTTPBody(Array(buffer: response.body))
            )
        }
    }

    static let documentFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("openapi.json")

    @Test("the committed document is the one the server serves (regenerate: see the file's test)")
    func documentIsCurrent() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let served = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
            let live = try JSONSerialization.jsonObject(with: Data(String(buffer: served.body).utf8)) as? NSDictionary
            let committed = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.documentFile)) as? NSDictionary
            // To regenerate: CFIT_WRITE_OPENAPI=1 swift test --filter GeneratedClientTests
            if ProcessInfo.processInfo.environment["CFIT_WRITE_OPENAPI"] != nil {
                try Data(String(buffer: served.body).utf8).write(to: Self.documentFile)
            }
            #expect(live == committed, "Tests/CounterWebTests/openapi.json differs from the served document")
        }
    }

    @Test("list, add, receive, look up: each answer is what the document says, refusals as its problems")
    func calls() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let api = Client(
                serverURL: URL(string: "http://localhost")!,
                transport: RouterTransport(
                    client: client,
                    authorization: "Basic " + Data("\(fixture.admin):\(fixture.password)".utf8).base64EncodedString()))

            let locations = try await api.getLocations().ok.body.json
            #expect(locations.contains { $0.code == "shop" && $0.active })

            let added = try await api.postPatients(
                headers: .init(Idempotency_hyphen_Key: "gen-patient-1"),
                body: .json(.init(born: "1980-02-29", name: "Gene Rated", reference: "P-GEN")))
            let patient = try added.created.body.json
            #expect(patient.reference == "P-GEN" && patient.born == "1980-02-29")

            let received = try await api.postStockReceive(
                headers: .init(Idempotency_hyphen_Key: "gen-receipt-1"),
                body: .json(.init(lot: "GEN-1", quantity: 3, sku: "NW-CL-AD2-II-R-C-BE")))
            let movement = try received.created.body.json
            #expect(movement.delta == 3 && movement.lot == "GEN-1" && movement.location == "shop")

            let history = try await api.getPatientsReference(path: .init(reference: "P-GEN")).ok.body.json
            #expect(history.patient.name == "Gene Rated" && history.prescriptions.isEmpty)

            // Refusals come back as the document's problems, with the layer's reasons.
            let unknown = try await api.getPatientsReference(path: .init(reference: "P-NOBODY"))
            #expect(try unknown.notFound.body.application_problem_plus_json.reason == .not_hyphen_found)
            let tooMany = try await api.postStockReceive(
                headers: .init(Idempotency_hyphen_Key: "gen-receipt-2"),
                body: .json(.init(quantity: 3, sku: "NOPE-404")))
            #expect(try tooMany.notFound.body.application_problem_plus_json.detail?.contains("NOPE-404") == true)
        }
    }
}

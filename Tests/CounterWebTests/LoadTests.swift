import Fitting
import Foundation
import HummingbirdTesting
import Inventory
import Postgres
import Testing

@testable import CounterWeb

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Many tills at once over real HTTP on loopback: 200 clients reserve the same 10 units.
@Suite("cfit serve under load")
struct LoadTests {
    @Test("200 concurrent API clients reserving the same 10 units: exactly 10 granted, the rest refused, check clean")
    func twoHundredClients() async throws {
        let fixture = try WebFixture()
        let sku = "NW-CL-AD2-II-S-C-BE"
        let admin = try Connection(fixture.url)
        _ = try Stock(connection: admin).receive(sku: sku, quantity: 10, location: "shop", key: "load-receipt")
        var numbers: [String] = []
        for index in 0..<200 {
            let record = try Prescriptions(connection: admin).create(
                NewPrescription(
                    number: "LOAD-\(index)", patient: "LP-\(index)", patientName: "Load \(index)", prescriber: "DR-01",
                    style: .AD,
                    pressureClass: PressureStandard.RAL.pressureClass("2")!, quantity: 1),
                key: "load-rx-\(index)")
            numbers.append(record.number)
        }
        admin.close()
        let auth = "Basic " + Data("\(fixture.pharmacist):\(fixture.password)".utf8).base64EncodedString()
        let prescriptions = numbers
        try await fixture.server.application().test(.live) { client in
            let port = try #require(client.port)
            let configuration = URLSessionConfiguration.ephemeral
            configuration.httpMaximumConnectionsPerHost = 200
            configuration.timeoutIntervalForRequest = 60
            let session = URLSession(configuration: configuration)
            let results = try await withThrowingTaskGroup(of: (Int, Double).self) { group in
                for (index, number) in prescriptions.enumerated() {
                    group.addTask {
                        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/reservations")!)
                        request.httpMethod = "POST"
                        request.setValue(auth, forHTTPHeaderField: "Authorization")
                        request.setValue("load-\(index)", forHTTPHeaderField: "Idempotency-Key")
                        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                        request.httpBody = Data(#"{"prescription": "\#(number)", "sku": "\#(sku)"}"#.utf8)
                        let start = ContinuousClock.now
                        let (_, response) = try await session.data(for: request)
                        let elapsed = ContinuousClock.now - start
                        let milliseconds =
                            Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
                        return ((response as? HTTPURLResponse)?.statusCode ?? 0, milliseconds)
                    }
                }
                var all: [(Int, Double)] = []
                for try await result in group { all.append(result) }
                return all
            }
            let statuses = results.map(\.0)
            #expect(statuses.filter { $0 == 201 }.count == 10)
            #expect(
                statuses.filter { $0 == 409 }.count == 190,
                "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")
            let latencies = results.map(\.1).sorted()
            print(
                "load: 200 concurrent reservations of 10 units over loopback: p50 \(String(format: "%.1f", latencies[100])) ms, p99 \(String(format: "%.1f", latencies[197])) ms, max \(String(format: "%.1f", latencies[199])) ms"
            )
        }
        let check = try Connection(fixture.url)
        #expect(try Checks(connection: check).run().problems.isEmpty)
        #expect(
            try check.query("SELECT reserved FROM stock_balance WHERE sku = \(sku)")[0].decode(Int.self, "reserved")
                == 10)
    }
}

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
        // 200 clients from one address: a load test, not a shop's NAT; the per-address cap is lifted.
        let fixture = try WebFixture { $0.limits.connectionsPerAddress = 1_000 }
        let sku = "NW-CL-AD2-II-S-C-BE"
        let admin = try Connection(fixture.url)
        _ = try Stock(connection: admin).receive(sku: sku, quantity: 10, location: "shop", key: "load-receipt")
        var numbers: [String] = []
        for index in 0..<200 {
            let record = try Prescriptions(connection: admin).create(
                NewPrescription(
                    number: "LOAD-\(index)", patient: "LP-\(index)", patientName: "Load \(index)", prescriber: "DR-01",
                    style: .AD,
                    pressureClass: PressureStandard.RAL.pressureClass("2")!, quantity: 1, arterialAssessed: true),
                key: "load-rx-\(index)")
            numbers.append(record.number)
        }
        admin.close()
        let auth = "Basic " + Data("\(fixture.pharmacist):\(fixture.password)".utf8).base64EncodedString()
        let prescriptions = numbers
        // For comparison, 200 other locations with a unit each (reservations that wait on no one),
        // and 200 reads of the hot article's balance (the sign-in and pool alone).
        let spread = try Self.spreadLocations(fixture.url, sku: sku, count: 200)
        try await fixture.server.application().test(.live) { client in
            let port = try #require(client.port)
            let configuration = URLSessionConfiguration.ephemeral
            configuration.httpMaximumConnectionsPerHost = 200
            configuration.timeoutIntervalForRequest = 60
            let session = URLSession(configuration: configuration)
            func reservation(_ number: String, at location: String, key: String) -> URLRequest {
                var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/reservations")!)
                request.httpMethod = "POST"
                request.setValue(auth, forHTTPHeaderField: "Authorization")
                request.setValue(key, forHTTPHeaderField: "Idempotency-Key")
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.httpBody = Data(
                    #"{"prescription": "\#(number)", "sku": "\#(sku)", "location": "\#(location)"}"#.utf8)
                return request
            }
            var read = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/stock?sku=\(sku)&location=shop")!)
            read.setValue(auth, forHTTPHeaderField: "Authorization")
            // A first burst opens the 200 clients' connections (and checks the login's password
            // once, starts its pool and the thread pool); every later burst reuses them, as tills
            // keeping their connections open would.
            let first = try await Self.fire(Array(repeating: read, count: 200), on: session)
            #expect(first.allSatisfy { $0.status == 200 })
            print("load: 200 concurrent reads, each on a new connection: \(Self.summary(first))")
            let reads = try await Self.fire(Array(repeating: read, count: 200), on: session)
            #expect(reads.allSatisfy { $0.status == 200 })
            print("load: 200 concurrent reads of that article's balance: \(Self.summary(reads))")

            let results = try await Self.fire(
                prescriptions.enumerated().map { reservation($1, at: "shop", key: "load-\($0)") }, on: session)
            let statuses = results.map(\.status)
            #expect(statuses.filter { $0 == 201 }.count == 10)
            #expect(
                statuses.filter { $0 == 409 }.count == 190,
                "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")
            print("load: 200 concurrent reservations of the same 10 units: \(Self.summary(results))")
            let refused = results.indices.filter { results[$0].status == 409 }

            // The prescriptions that got nothing reserve a unit each, at 190 different locations.
            let others = try await Self.fire(
                refused.map { reservation(prescriptions[$0], at: spread[$0], key: "load-spread-\($0)") }, on: session
            )
            #expect(others.count == 190 && others.allSatisfy { $0.status == 201 }, "\(Set(others.map(\.status)))")
            print("load: 190 concurrent reservations, each at its own location: \(Self.summary(others))")
        }
        let check = try Connection(fixture.url)
        #expect(try Checks(connection: check).run().problems.isEmpty)
        #expect(
            try check.query(
                """
                SELECT b.reserved FROM stock_balance b JOIN location l ON l.id = b.location_id
                WHERE b.sku = \(sku) AND l.code = 'shop'
                """
            )[0].decode(Int.self, "reserved") == 10)
        #expect(
            try check.query("SELECT sum(reserved)::int AS n FROM stock_balance WHERE sku = \(sku)")[0].decode(
                Int.self, "n") == 200)
    }

    /// `count` locations, each given one unit of `sku` (so that reservations there wait on no one).
    static func spreadLocations(_ url: String, sku: String, count: Int) throws -> [String] {
        let admin = try Connection(url)
        defer { admin.close() }
        return try (0..<count).map { index in
            let code = "load-\(index)"
            _ = try Locations(connection: admin).add(code: code, name: "Load \(index)", key: "load-location-\(index)")
            _ = try Stock(connection: admin).receive(
                sku: sku, quantity: 1, location: code, key: "load-spread-receipt-\(index)")
            return code
        }
    }

    /// Sends every request at once; each answer's status and how long it took, in milliseconds,
    /// in the order of `requests`.
    static func fire(_ requests: [URLRequest], on session: URLSession) async throws -> [(status: Int, ms: Double)] {
        try await withThrowingTaskGroup(of: (Int, Int, Double).self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask {
                    let start = ContinuousClock.now
                    let (_, response) = try await session.data(for: request)
                    let elapsed = ContinuousClock.now - start
                    let milliseconds =
                        Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
                    return (index, (response as? HTTPURLResponse)?.statusCode ?? 0, milliseconds)
                }
            }
            var all: [(index: Int, status: Int, ms: Double)] = []
            for try await result in group { all.append(result) }
            return all.sorted { $0.index < $1.index }.map { (status: $0.status, ms: $0.ms) }
        }
    }

    /// p50, p99 and the slowest of `results`.
    static func summary(_ results: [(status: Int, ms: Double)]) -> String {
        let sorted = results.map(\.ms).sorted()
        func at(_ fraction: Double) -> String {
            String(
                format: "%.1f", sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)])
        }
        return "p50 \(at(0.5)) ms, p99 \(at(0.99)) ms, max \(at(1)) ms"
    }
}

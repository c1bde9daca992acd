import Fitting
import Foundation
import Inventory
import Postgres
import PostgresTestSupport
import Testing

@Suite("Through PgBouncer in transaction pooling mode", .ownThread)
struct PgBouncerTests {
    @Test(
        "16 workers reserve and dispense through PgBouncer: all succeed or are refused, nothing oversold, check clean")
    func concurrency() throws {
        let bouncer = try PgBouncer(poolSize: 6)
        let f = try Fixture()
        try Stock(connection: f.connection).receive(sku: "AD2-II-R", quantity: 50, location: "shop", key: "r")
        for worker in 0..<16 { try f.prescription("RX-\(worker)", quantity: 3) }
        let url = try bouncer.url(for: f.url)
        let outcomes = LockedValue<[String]>([])
        try runConcurrently(16) { worker in
            let connection = try Connection(url)
            defer { connection.close() }
            for round in 0..<3 {
                do {
                    let held = try Reservations(connection: connection).reserve(
                        rx: "RX-\(worker)", sku: "AD2-II-R", location: "shop", key: "w\(worker)-\(round)")
                    _ = try Dispensing(connection: connection).dispense(
                        reservation: held.id, key: "d\(worker)-\(round)")
                    // A retry of the same key through another pooled server connection answers the same.
                    let again = try Reservations(connection: connection).reserve(
                        rx: "RX-\(worker)", sku: "AD2-II-R", location: "shop", key: "w\(worker)-\(round)")
                    #expect(again.id == held.id)
                    outcomes.withLock { $0.append("dispensed") }
                } catch let error as InventoryError where error.kind == .refused {
                    #expect(error.message.contains("out of stock"), "\(error)")
                    outcomes.withLock { $0.append("refused") }
                }
            }
        }
        let all = outcomes.withLock { $0 }
        #expect(all.count == 48)
        #expect(try f.available("AD2-II-R") == 2)
        #expect(try f.connection.query("SELECT count(*) AS n FROM dispense")[0].decode(Int.self, "n") == 48)
        #expect(try f.problems().isEmpty)
    }
}

import Foundation
import Inventory
import Postgres
import PostgresTestSupport
import Testing

/// No deadlocks, no constraint errors under races: transfers lock in one order, and concurrent
/// requests with the same key all get the first result.
@Suite("Races without deadlocks", .ownThread)
struct RaceTests {
    func deadlocks(_ connection: Connection) throws -> Int {
        try connection.query("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")[0].decode(
            Int.self, "deadlocks")
    }

    @Test("32 concurrent transfers in opposite directions, 10 waves: no deadlock, totals unchanged, check clean")
    func oppositeTransfers() throws {
        let f = try Fixture()
        let stock = Stock(connection: f.connection)
        for (location, lots) in [("shop", ["S1", "S2"]), ("store", ["T1", "T2"])] {
            for (index, lot) in lots.enumerated() {
                try stock.receive(
                    sku: "AD2-II-R", quantity: 100, location: location, lot: lot,
                    expires: try CalendarDay(parsing: "203\(index + 1)-01-01"), key: "r-\(lot)")
            }
        }
        let before = try deadlocks(f.connection)
        let refused = LockedValue(0)
        for wave in 0..<10 {
            try runConcurrently(32) { worker in
                let connection = try Connection(f.url)
                defer { connection.close() }
                let (from, to) = worker % 2 == 0 ? ("shop", "store") : ("store", "shop")
                do {
                    _ = try Stock(connection: connection).transfer(
                        sku: "AD2-II-R", quantity: 1 + worker % 3, from: from, to: to, key: "t-\(wave)-\(worker)")
                } catch let error as InventoryError where error.kind == .refused {
                    refused.withLock { $0 += 1 }
                }
            }
        }
        Thread.sleep(forTimeInterval: 0.6)  // statistics are flushed asynchronously
        #expect(try deadlocks(f.connection) == before)
        #expect(refused.withLock { $0 } == 0)
        let total = try stock.balances(sku: "AD2-II-R").reduce(0) { $0 + $1.onHand }
        #expect(total == 400)
        #expect(try f.problems().isEmpty)
    }

    @Test("the same key sent by 8 counters at once: every one gets the first result, one reservation is made")
    func sameKeyConcurrently() throws {
        let f = try Fixture()
        try Stock(connection: f.connection).receive(sku: "AD2-II-R", quantity: 5, location: "shop", key: "r")
        try f.prescription("RX-1", quantity: 5)
        let ids = LockedValue<[String]>([])
        try runConcurrently(8) { _ in
            let connection = try Connection(f.url)
            defer { connection.close() }
            let held = try Reservations(connection: connection).reserve(
                rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "same-key")
            ids.withLock { $0.append(held.id) }
        }
        #expect(Set(ids.withLock { $0 }).count == 1)
        #expect(ids.withLock { $0 }.count == 8)
        #expect(try f.connection.query("SELECT count(*) AS n FROM reservation")[0].decode(Int.self, "n") == 1)
        #expect(try f.problems().isEmpty)
    }

    @Test("an empty or overlong key is refused; 200 characters is the limit")
    func keyBounds() throws {
        let f = try Fixture()
        let stock = Stock(connection: f.connection)
        expectRefusal(.badInput, containing: "--idempotency-key: expected 1 to 200 characters, found an empty key") {
            try stock.receive(sku: "AD2-II-R", quantity: 1, location: "shop", key: "")
        }
        expectRefusal(.badInput, containing: "found 201 characters") {
            try stock.receive(sku: "AD2-II-R", quantity: 1, location: "shop", key: String(repeating: "k", count: 201))
        }
        try stock.receive(sku: "AD2-II-R", quantity: 1, location: "shop", key: String(repeating: "k", count: 200))
        #expect(try f.available("AD2-II-R") == 1)
    }
}

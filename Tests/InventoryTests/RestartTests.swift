import Fitting
import Foundation
import Inventory
import Postgres
import PostgresTestSupport
import Testing

/// The server restarted while counters write — `immediate` (a crash, as far as clients can tell:
/// no transaction finishes) and `fast` (clients are cut off with 57P01 and open transactions roll
/// back): every write retried with its key lands exactly once, and the books add up.
@Suite("Restarts in the middle of the day", .ownThread)
struct RestartTests {
    @Test(
        "8 counters receiving, reserving and dispensing through a restart: each keyed write once, check clean",
        arguments: ["immediate", "fast"])
    func restart(mode: String) throws {
        let home = NSTemporaryDirectory() + "cfit-restart-\(UUID().uuidString.prefix(8))"
        let server = LocalServer(home: home, database: "restart", settings: ["fsync": "off"])
        try server.start()
        try server.stopWhenProcessEnds(getpid(), removingFiles: true)
        defer {
            server.stopImmediately()
            try? FileManager.default.removeItem(atPath: home)
        }
        let setup = try Connection(server.url)
        try InventorySchema.migrator.migrate(setup)
        _ = try Catalogs(connection: setup).importCatalog(
            json: Array(Fixture.catalog.utf8), fileName: "spec.json", articles: Array(Fixture.articles.utf8),
            articlesFileName: "spec.csv")
        try Stock(connection: setup).addLocation(code: "shop", name: "Shop")
        for worker in 0..<8 {
            _ = try Prescriptions(connection: setup).create(
                NewPrescription(
                    number: "RX-\(worker)", patient: "P-\(worker)", patientName: "P", prescriber: "DR",
                    prescriberName: "D",
                    style: .AD, pressureClass: PressureStandard.RAL.pressureClass("2")!, quantity: 20,
                    arterialAssessed: true),
                key: "rx-\(worker)")
        }
        setup.close()
        let acknowledged = LockedValue(0)
        let lost = LockedValue(0)
        /// Runs `body` until it is acknowledged, on a new connection after each loss.
        @Sendable func untilAcknowledged(_ body: (Connection) throws -> Void) {
            for _ in 0..<200 {
                do {
                    let connection = try Connection(server.url)
                    defer { connection.close() }
                    try body(connection)
                    acknowledged.withLock { $0 += 1 }
                    return
                } catch let error as PostgresError
                    where error.kind == .connection || error.kind == .connectionLost
                    || error.sqlState?.code.hasPrefix("57P") == true
                {
                    lost.withLock { $0 += 1 }
                    Thread.sleep(forTimeInterval: 0.1)
                } catch {
                    Issue.record("unexpected \(error)")
                    return
                }
            }
            Issue.record("never acknowledged")
        }
        let restarter = Thread {
            // Mid-way through the day's work.
            while acknowledged.withLock({ $0 }) < 72 { Thread.sleep(forTimeInterval: 0.01) }
            if mode == "fast" { try? server.stop() } else { server.stopImmediately() }
            try? server.start()
        }
        restarter.start()
        try runConcurrently(8) { worker in
            for round in 0..<12 {
                untilAcknowledged { connection in
                    try Stock(connection: connection).receive(
                        sku: "AD2-II-R", quantity: 1, location: "shop", key: "in-\(worker)-\(round)")
                }
                let reservation = LockedValue<String?>(nil)
                untilAcknowledged { connection in
                    let held = try Reservations(connection: connection).reserve(
                        rx: "RX-\(worker)", sku: "AD2-II-R", location: "shop", key: "hold-\(worker)-\(round)")
                    reservation.withLock { $0 = held.id }
                }
                guard let id = reservation.withLock({ $0 }) else { continue }
                untilAcknowledged { connection in
                    _ = try Dispensing(connection: connection).dispense(reservation: id, key: "out-\(worker)-\(round)")
                }
            }
        }
        while restarter.isExecuting { Thread.sleep(forTimeInterval: 0.1) }
        let check = try Connection(server.url)
        #expect(acknowledged.withLock { $0 } == 288)
        #expect(lost.withLock { $0 } > 0, "the restart should have cut some writes short")
        let receipts = try check.query("SELECT count(*) AS n FROM stock_movement WHERE idempotency_key LIKE 'in-%'")[0]
        #expect(try receipts.decode(Int.self, "n") == 96)
        let holds = try check.query("SELECT count(*) AS n FROM reservation WHERE idempotency_key LIKE 'hold-%'")[0]
        #expect(try holds.decode(Int.self, "n") == 96)
        let handed = try check.query("SELECT count(*) AS n, coalesce(sum(quantity), 0) AS units FROM dispense")[0]
        #expect(try handed.decode(Int.self, "n") == 96 && handed.decode(Int.self, "units") == 96)
        let onHand = try check.query("SELECT coalesce(sum(on_hand), 0) AS n FROM stock_balance")[0]
        #expect(try onHand.decode(Int.self, "n") == 0, "96 received, 96 handed over")
        #expect(try Checks(connection: check).run().problems.isEmpty)
        print(
            "restart test (\(mode)): 288 writes, \(lost.withLock { $0 }) attempts lost to the restart, retried with their keys"
        )
    }
}

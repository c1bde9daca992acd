import Fitting
import Foundation
import Inventory
import Postgres
import PostgresTestSupport
import Testing

@Suite("Stock, prescriptions, reservations and dispensing against a real server", .ownThread)
struct StockAndDispensingTests {
    @Test("receive, count, transfer and history keep the ledger and balances together")
    func stockFlow() throws {
        let f = try Fixture()
        let stock = Stock(connection: f.connection)
        try stock.receive(sku: "AD2-II-R", quantity: 5, location: "shop", key: "r1")
        try stock.receive(sku: "04012345678901", quantity: 2, location: "shop", key: "r2")  // by GTIN
        #expect(try f.available("AD2-II-R") == 7)
        let counted = try stock.count(sku: "AD2-II-R", counted: 6, location: "shop", key: "c1")
        #expect(counted?.delta == -1)
        #expect(counted?.reason == "count_adjustment")
        #expect(try stock.count(sku: "AD2-II-R", counted: 6, location: "shop", key: "c2") == nil)
        _ = try stock.transfer(sku: "AD2-II-R", quantity: 4, from: "shop", to: "store", key: "t1")
        #expect(try f.available("AD2-II-R") == 2)
        #expect(try f.available("AD2-II-R", at: "store") == 4)
        let history = try stock.history(sku: "AD2-II-R")
        #expect(history.map(\.reason) == ["receipt", "receipt", "count_adjustment", "transfer_out", "transfer_in"])
        #expect(history.map(\.onHandAfter) == [5, 7, 6, 2, 4])
        #expect(history.allSatisfy { !$0.actor.isEmpty })
        #expect(try f.problems().isEmpty)
    }

    @Test("the same idempotency key posts once and returns the first result")
    func idempotency() throws {
        let f = try Fixture()
        let stock = Stock(connection: f.connection)
        let first = try stock.receive(sku: "AD2-II-R", quantity: 5, location: "shop", key: "same")
        let second = try stock.receive(sku: "AD2-II-R", quantity: 5, location: "shop", key: "same")
        #expect(first == second)
        #expect(try f.available("AD2-II-R") == 5)
        expectRefusal(.conflict, containing: "key 'same' was used for a different request") {
            _ = try stock.count(sku: "AD2-II-R", counted: 1, location: "shop", key: "same")
        }
    }

    @Test("refusals: unknown SKU or location, a count below what is reserved, a transfer of more than is there")
    func stockRefusals() throws {
        let f = try Fixture()
        let stock = Stock(connection: f.connection)
        expectRefusal(.notFound, containing: "SKU: expected a known SKU or GTIN, found 'NOPE'") {
            try stock.receive(sku: "NOPE", quantity: 1, location: "shop", key: "x1")
        }
        expectRefusal(.notFound, containing: "--location: expected one of shop, store, found 'attic'") {
            try stock.receive(sku: "AD2-II-R", quantity: 1, location: "attic", key: "x2")
        }
        try stock.receive(sku: "AD2-II-R", quantity: 2, location: "shop", key: "x3")
        try f.prescription("RX-1", quantity: 2)
        _ = try Reservations(connection: f.connection).reserve(rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "x4")
        expectRefusal(containing: "has 1 reserved") {
            _ = try stock.count(sku: "AD2-II-R", counted: 0, location: "shop", key: "x5")
        }
        expectRefusal(containing: "has only 1 usable unit free to move at shop; 2 asked") {
            _ = try stock.transfer(sku: "AD2-II-R", quantity: 2, from: "shop", to: "store", key: "x6")
        }
        #expect(try f.problems().isEmpty)
    }

    @Test("reserve, dispense, release and return move stock and prescription counts together")
    func dispensingFlow() throws {
        let f = try Fixture()
        try Stock(connection: f.connection).receive(sku: "AD2-II-R", quantity: 3, location: "shop", key: "r")
        try f.prescription("RX-1", quantity: 2)
        let reservations = Reservations(connection: f.connection)
        let first = try reservations.reserve(rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "a")
        let second = try reservations.reserve(rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "b")
        #expect(try f.available("AD2-II-R") == 1)
        expectRefusal(containing: "all 2 prescribed garments are already reserved or dispensed") {
            _ = try reservations.reserve(rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "c")
        }
        let handed = try Dispensing(connection: f.connection).dispense(reservation: first.id, key: "d1")
        #expect(handed.sku == "AD2-II-R")
        _ = try reservations.release(second.id, key: "rel")
        #expect(try f.available("AD2-II-R") == 2)
        expectRefusal(containing: "is released, not active") {
            _ = try Dispensing(connection: f.connection).dispense(reservation: second.id, key: "d2")
        }
        let third = try reservations.reserve(rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "e")
        let lastHanded = try Dispensing(connection: f.connection).dispense(reservation: third.id, key: "d3")
        #expect(try Prescriptions(connection: f.connection).show("RX-1").status == .completed)
        expectRefusal(containing: "is completed, not active") {
            _ = try reservations.reserve(rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "f")
        }
        // A garment comes back for a replacement: the prescription is reopened with one to dispense.
        _ = try Dispensing(connection: f.connection).takeBack(
            dispense: lastHanded.id, quantity: 1, reason: "too tight", location: "shop", reopen: true, key: "ret")
        let rx = try Prescriptions(connection: f.connection).show("RX-1")
        #expect(rx.status == .active && rx.quantityDispensed == 1)
        expectRefusal(containing: "cannot come back") {
            _ = try Dispensing(connection: f.connection).takeBack(
                dispense: lastHanded.id, quantity: 2, reason: "again", location: "shop", key: "ret2")
        }
        #expect(try f.problems().isEmpty)
    }

    @Test(
        "reserve refuses a wrong style or class, an inactive or expired prescription, and says where else it is in stock"
    )
    func reserveRefusals() throws {
        let f = try Fixture()
        let stock = Stock(connection: f.connection)
        try stock.receive(sku: "AD2-II-R", quantity: 1, location: "store", key: "r")
        try stock.receive(sku: "AD3-II-R", quantity: 1, location: "shop", key: "r3")
        try f.prescription("RX-1", quantity: 2)
        let reservations = Reservations(connection: f.connection)
        expectRefusal(containing: "out of stock: AD2-II-R has nothing available at shop; available at store (1)") {
            _ = try reservations.reserve(rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "a")
        }
        expectRefusal(containing: "is AD RAL:3; rx RX-1 prescribes AD RAL:2") {
            _ = try reservations.reserve(rx: "RX-1", sku: "AD3-II-R", location: "shop", key: "b")
        }
        expectRefusal(.notFound, containing: "--rx: expected a prescription number, found 'RX-404'") {
            _ = try reservations.reserve(rx: "RX-404", sku: "AD2-II-R", location: "store", key: "c")
        }
        _ = try Prescriptions(connection: f.connection).cancel(
            "RX-1", reason: "the prescriber changed the class", key: "cancel")
        expectRefusal(containing: "rx RX-1: is revoked, not active") {
            _ = try reservations.reserve(rx: "RX-1", sku: "AD2-II-R", location: "store", key: "d")
        }
        try f.prescription("RX-2", quantity: 1)
        try f.connection.execute(
            "UPDATE prescription SET valid_from = current_date - 30, valid_until = current_date - 1 WHERE number = 'RX-2'"
        )
        expectRefusal(containing: "rx RX-2: has expired") {
            _ = try reservations.reserve(rx: "RX-2", sku: "AD2-II-R", location: "store", key: "e")
        }
        #expect(try f.problems().isEmpty)
    }

    @Test("lots are picked first-expiry-first, recalled lots never, and who got a lot can be answered")
    func lots() throws {
        let f = try Fixture()
        let stock = Stock(connection: f.connection)
        let day = { (text: String) in try CalendarDay(parsing: text) }
        try stock.receive(
            sku: "AD2-II-R", quantity: 1, location: "shop", lot: "LATE", expires: try day("2031-01-01"), key: "l1")
        try stock.receive(
            sku: "AD2-II-R", quantity: 1, location: "shop", lot: "EARLY", expires: try day("2030-01-01"), key: "l2")
        try stock.receive(
            sku: "AD2-II-R", quantity: 1, location: "shop", lot: "RECALLED", expires: try day("2029-01-01"), key: "l3")
        try f.connection.execute("UPDATE lot SET status = 'recalled' WHERE code = 'RECALLED'")
        try f.prescription("RX-1", quantity: 3)
        let reservations = Reservations(connection: f.connection)
        let first = try reservations.reserve(rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "a")
        let second = try reservations.reserve(rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "b")
        #expect(first.lot == "EARLY" && second.lot == "LATE")
        expectRefusal(containing: "out of stock") {
            _ = try reservations.reserve(rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "c")
        }
        _ = try Dispensing(connection: f.connection).dispense(reservation: first.id, key: "d")
        let recipients = try Dispensing(connection: f.connection).recipients(sku: "AD2-II-R", lot: "EARLY")
        #expect(recipients.map(\.patient) == ["P-RX-1"])
        // A lot is counted on its own balance.
        let counted = try stock.count(sku: "AD2-II-R", counted: 3, location: "shop", lot: "LATE", key: "count-late")
        #expect(counted?.lot == "LATE" && counted?.delta == 2)
        expectRefusal(.notFound, containing: "--lot: expected a lot of AD2-II-R received before, found 'NOPE'") {
            _ = try stock.count(sku: "AD2-II-R", counted: 1, location: "shop", lot: "NOPE", key: "count-nope")
        }
        #expect(try f.problems().isEmpty)
    }

    @Test("the ledger is append-only and survives depletion of the stock")
    func ledger() throws {
        let f = try Fixture()
        let stock = Stock(connection: f.connection)
        try stock.receive(sku: "AD2-II-R", quantity: 1, location: "shop", key: "r")
        try f.prescription("RX-1", quantity: 1)
        let held = try Reservations(connection: f.connection).reserve(
            rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "a")
        _ = try Dispensing(connection: f.connection).dispense(reservation: held.id, key: "d")
        #expect(try f.available("AD2-II-R") == 0)
        #expect(try stock.history(sku: "AD2-II-R").map(\.delta) == [1, -1])
        for statement in [
            "UPDATE stock_movement SET delta = 5", "DELETE FROM stock_movement", "TRUNCATE stock_movement CASCADE",
        ] {
            do {
                try f.connection.executeScript(statement)
                Issue.record("expected \(statement) to be refused")
            } catch {
                #expect(error.sqlState == .insufficientPrivilege)
            }
        }
        // The balance constraint stands behind the application.
        do {
            try f.connection.execute("UPDATE stock_balance SET reserved = on_hand + 1")
            Issue.record("expected the CHECK to refuse")
        } catch {
            #expect(error.sqlState == .checkViolation)
        }
    }

    @Test("low stock lists what is at or below its minimum: what other locations spare moved first, the rest ordered")
    func lowStock() throws {
        let f = try Fixture()
        let stock = Stock(connection: f.connection)
        try stock.receive(sku: "AD2-II-R", quantity: 2, location: "shop", key: "r")
        try stock.setMinimum(sku: "AD2-II-R", minimum: 2, reorderQuantity: 6, location: "shop")
        try stock.setMinimum(sku: "AD2-III-R", minimum: 1, location: "shop")
        let low = try stock.low()
        #expect(low.map(\.sku) == ["AD2-II-R", "AD2-III-R"])
        #expect(low.map(\.suggestedOrder) == [6, 2])
        // The store room holds 4 and keeps 1: it spares 3, moved first; 3 are ordered.
        try stock.receive(sku: "AD2-II-R", quantity: 4, location: "store", key: "r-store")
        try stock.setMinimum(sku: "AD2-II-R", minimum: 1, location: "store")
        let covered = try #require(try stock.low(location: "shop").first { $0.sku == "AD2-II-R" })
        #expect(covered.needed == 6 && covered.suggestedOrder == 3)
        #expect(covered.transfers.map { "\($0.quantity) from \($0.from)" } == ["3 from store"])
        // Spare stock is shared out once: a second shortage of the same article gets none of it.
        #expect(try stock.low().filter { $0.sku == "AD2-II-R" }.map(\.suggestedOrder) == [3])
    }

    @Test("check reports balances that do not match their ledger")
    func checkFindsDrift() throws {
        let f = try Fixture()
        try Stock(connection: f.connection).receive(sku: "AD2-II-R", quantity: 2, location: "shop", key: "r")
        #expect(try f.problems().isEmpty)
        try f.connection.execute("UPDATE stock_balance SET on_hand = 3")
        #expect(try f.problems() == ["AD2-II-R at shop (balance 1): on hand 3, but the ledger adds up to 2"])
    }

    @Test("16 workers on separate connections reserving and dispensing scarce stock never oversell")
    func concurrency() throws {
        let f = try Fixture()
        try Stock(connection: f.connection).receive(sku: "AD2-II-R", quantity: 10, location: "shop", key: "stock")
        for worker in 0..<16 { try f.prescription("RX-\(worker)", quantity: 2) }
        let url = f.url
        let outcomes = Tally<String>()
        try runConcurrently(16) { worker in
            let connection = try Connection(url)
            let reservations = Reservations(connection: connection)
            for attempt in 0..<2 {
                do {
                    let held = try reservations.reserve(
                        rx: "RX-\(worker)", sku: "AD2-II-R", location: "shop", key: "w\(worker)-\(attempt)")
                    outcomes.add("reserved")
                    if attempt == 0 {
                        _ = try Dispensing(connection: connection).dispense(reservation: held.id, key: "d\(worker)")
                        outcomes.add("dispensed")
                    }
                } catch let error as InventoryError where error.kind == .refused {
                    #expect(error.message.hasPrefix("out of stock"))
                    outcomes.add("refused")
                }
            }
        }
        #expect(outcomes.count("reserved") == 10, "exactly as many as there was stock")
        #expect(outcomes.count("refused") == 22)
        #expect(try f.available("AD2-II-R") == 0)
        #expect(try f.problems().isEmpty)
    }
}

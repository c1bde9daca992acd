import Fitting
import Foundation
import Inventory
import Postgres
import PostgresTestSupport
import Testing

/// What each role may do is enforced by PostgreSQL: through the Inventory API and with raw SQL,
/// as a person with psql would try it.
@Suite("Roles enforced by the database", .ownThread)
struct RolesTests {
    let fixture: Fixture

    init() throws {
        fixture = try Fixture()
        try Stock(connection: fixture.connection).receive(sku: "AD2-II-R", quantity: 4, location: "shop", key: "r0")
        try fixture.prescription("RX-1", quantity: 2)
    }

    func login(_ role: String?) throws -> Connection {
        try Connection(TestLogins.url(fixture.url, as: try TestLogins.make(role, on: fixture.url)))
    }

    /// Expects `body` to fail with SQLSTATE 42501 (or the operation's own permission refusal).
    func expectDenied(_ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("\(what): expected permission denied", sourceLocation: sourceLocation)
        } catch let error as PostgresError {
            #expect(error.sqlState == .insufficientPrivilege, "\(what): \(error)", sourceLocation: sourceLocation)
        } catch let error as InventoryError {
            #expect(error.kind == .notPermitted, "\(what): \(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(what): unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    /// Raw SQL that would change balances, the ledger or prescriptions without an operation.
    static let tampering = [
        "UPDATE stock_balance SET on_hand = on_hand + 100",
        "INSERT INTO stock_balance (sku, location_id, on_hand) SELECT 'AD2-III-R', id, 5 FROM location LIMIT 1",
        "UPDATE stock_movement SET delta = 100",
        "DELETE FROM stock_movement",
        "TRUNCATE stock_movement",
        "INSERT INTO stock_movement (balance_id, sku, location_id, delta, on_hand_after, reason) SELECT id, sku, location_id, 1, 1, 'receipt' FROM stock_balance LIMIT 1",
        "UPDATE prescription SET status = 'active'",
        "UPDATE prescription_item SET quantity_prescribed = 99",
        "UPDATE reservation SET status = 'fulfilled'",
        "DELETE FROM idempotent_result",
        "SELECT cfit_post(1, 5, 'receipt', 'forged', NULL)",
        "ALTER TABLE stock_balance DROP CONSTRAINT reserved_within_on_hand",
    ]

    @Test("a fitter reads and records fittings, and can neither reserve, receive nor touch the tables")
    func fitter() throws {
        let name = try TestLogins.make("fitter", on: fixture.url)
        let fitter = try Connection(TestLogins.url(fixture.url, as: name))
        #expect(try Stock(connection: fitter).balances(sku: "AD2-II-R").first?.onHand == 4)
        #expect(try Prescriptions(connection: fitter).show("RX-1").status == .active)
        #expect(try Catalogs(connection: fitter).productLines().count == 1)
        #expect(try Checks(connection: fitter).run().problems.isEmpty)
        let fitting = try Fittings(connection: fitter).record(
            rx: "RX-1", style: .AD, pressureClass: "RAL:2", unit: .cm, measurements: "{}", result: "[]", key: "f1")
        let recorded = try fixture.connection.query("SELECT fitter FROM fitting WHERE reference = \(fitting)")[0]
        #expect(try recorded.decode(String.self, "fitter") == name)
        expectDenied("reserve") {
            _ = try Reservations(connection: fitter).reserve(rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "a")
        }
        expectDenied("receive") {
            try Stock(connection: fitter).receive(sku: "AD2-II-R", quantity: 1, location: "shop", key: "b")
        }
        expectDenied("raw reserve call") {
            try fitter.execute("SELECT cfit_reserve('k', '[]', 'RX-1', 'AD2-II-R', 'shop', current_date, NULL)")
        }
        for statement in Self.tampering {
            expectDenied(statement) { try fitter.execute(PostgresQuery(sql: statement)) }
        }
    }

    @Test(
        "a pharmacy login moves stock, reserves and dispenses as itself, but cannot import catalogs or rewrite the books"
    )
    func pharmacy() throws {
        let name = try TestLogins.make("pharmacy", on: fixture.url)
        let pharmacy = try Connection(TestLogins.url(fixture.url, as: name))
        let received = try Stock(connection: pharmacy).receive(
            sku: "AD2-II-R", quantity: 1, location: "shop", key: "p1")
        #expect(received.actor == name)
        let held = try Reservations(connection: pharmacy).reserve(
            rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "p2")
        #expect(held.actor == name)
        let handed = try Dispensing(connection: pharmacy).dispense(reservation: held.id, key: "p3")
        #expect(handed.actor == name)
        let movement = try fixture.connection.query("SELECT actor FROM stock_movement WHERE reason = 'dispense'")[0]
        #expect(try movement.decode(String.self, "actor") == name)
        expectDenied("catalog import") {
            _ = try Catalogs(connection: pharmacy).importCatalog(
                json: Array(Fixture.catalog.replacingOccurrences(of: "[30, 38]", with: "[30, 39]").utf8),
                fileName: "x.json", articles: nil, articlesFileName: nil)
        }
        expectDenied("minimum") {
            try Stock(connection: pharmacy).setMinimum(sku: "AD2-II-R", minimum: 2, location: "shop")
        }
        expectDenied("location") { try Stock(connection: pharmacy).addLocation(code: "attic", name: "Attic") }
        expectDenied("user add") { _ = try Users(connection: pharmacy).add("intruder", role: "admin", password: "x") }
        for statement in Self.tampering {
            expectDenied(statement) { try pharmacy.execute(PostgresQuery(sql: statement)) }
        }
        #expect(try fixture.problems().isEmpty)
    }

    @Test("an admin imports catalogs, sets minimums and manages users, and still cannot rewrite the ledger")
    func admin() throws {
        let admin = try login("admin")
        let summary = try Catalogs(connection: admin).importCatalog(
            json: Array(Fixture.catalog.replacingOccurrences(of: "[30, 38]", with: "[30, 39]").utf8),
            fileName: "x.json", articles: nil, articlesFileName: nil)
        #expect(!summary.unchanged)
        try Stock(connection: admin).setMinimum(sku: "AD2-II-R", minimum: 2, location: "shop")
        try Stock(connection: admin).addLocation(code: "annex", name: "Annex")
        let users = Users(connection: admin)
        let name = "staff\(getpid())\(Int.random(in: 1000...9999))"
        #expect(try users.add(name, role: "fitter", password: "s3cret").role == "fitter")
        #expect(try users.setRole(name, role: "pharmacy").role == "pharmacy")
        #expect(try users.list().contains { $0.name == name && $0.role == "pharmacy" && $0.canLogin })
        #expect(try users.disable(name).canLogin == false)
        let stored = try fixture.connection.query("SELECT rolpassword FROM pg_authid WHERE rolname = \(name)")[0]
        #expect(try stored.decode(String.self, "rolpassword").hasPrefix("SCRAM-SHA-256$"))
        #expect(throws: PostgresError.self) { _ = try Connection(TestLogins.url(fixture.url, as: name)) }
        expectRefusal(.badInput, containing: "NAME: expected a staff login") {
            _ = try users.setRole("postgres", role: "admin")
        }
        expectRefusal(.badInput, containing: "--role: expected fitter, pharmacy or admin") {
            _ = try users.add("x1", role: "root", password: "p")
        }
        for statement in Self.tampering where !statement.contains("cfit_post") {
            expectDenied(statement) { try admin.execute(PostgresQuery(sql: statement)) }
        }
    }

    @Test("a login without a cfit role can read nothing")
    func nobody() throws {
        let nobody = try login(nil)
        expectDenied("read balances") { _ = try nobody.query("SELECT * FROM stock_balance") }
        expectDenied("read patients") { _ = try nobody.query("SELECT * FROM patient") }
    }

    @Test(
        "a read-only login on a read-only session runs every read: fit stock, balances, history, low, rx, catalogs, check"
    )
    func readOnly() throws {
        let name = try TestLogins.make("fitter", on: fixture.url)
        try fixture.connection.executeScript("ALTER ROLE \(name) SET default_transaction_read_only = on")
        let reader = try Connection(TestLogins.url(fixture.url, as: name))
        #expect(
            try reader.query("SHOW default_transaction_read_only")[0].decode(
                String.self, "default_transaction_read_only") == "on")
        let stock = Stock(connection: reader)
        #expect(try stock.balances().count == 1)
        #expect(try stock.history(sku: "AD2-II-R").count == 1)
        _ = try stock.low()
        _ = try Prescriptions(connection: reader).list()
        _ = try Prescriptions(connection: reader).show("RX-1")
        let lines = try Catalogs(connection: reader).productLines()
        var leg = LegMeasurements()
        for (point, cm) in [(MeasurementPoint.cB, 21), (.cC, 34), (.cD, 32), (.lD, 41)] {
            leg[point] = try Length.parse(String(cm), unit: .cm)
        }
        let fit = try FitEngine.fit(
            leg, line: lines[0],
            request: FitRequest(style: .AD, pressureClass: PressureStandard.RAL.pressureClass("2")!))
        #expect(try Fittings(connection: reader).articles(for: fit, location: "shop").first?.here == 4)
        #expect(try Checks(connection: reader).run().problems.isEmpty)
        #expect(try InventorySchema.migrator.pending(reader).isEmpty)
    }
}

import Fitting
import Foundation
import Inventory
import Postgres
import PostgresTestSupport
import Testing

/// A shop set up from an empty database: locations, patients and prescribers, lots, history.
@Suite("Setting up and running a real shop", .ownThread)
struct ShopSetupTests {
    @Test("locations: added once, listed with their stock, disabled only when empty, then never used")
    func locations() throws {
        let f = try Fixture()
        let locations = Locations(connection: f.connection)
        let annex = try locations.add(code: "annex", name: "Annex", kind: "stock", parent: "shop", key: "l1")
        #expect(annex.parent == "shop" && annex.active && annex.onHand == 0)
        expectRefusal(.conflict, containing: "CODE: expected a new location code, found 'annex' already in use") {
            _ = try locations.add(code: "annex", name: "Again", key: "l2")
        }
        expectRefusal(.badInput, containing: "CODE: expected lowercase letters, digits and -") {
            _ = try locations.add(code: "Back Room", name: "Back", key: "l3")
        }
        expectRefusal(.badInput, containing: "--kind: expected stock, quarantine or returns") {
            _ = try locations.add(code: "back", name: "Back", kind: "attic", key: "l4")
        }
        try Stock(connection: f.connection).receive(sku: "AD2-II-R", quantity: 2, location: "annex", key: "r")
        #expect(try locations.list().first { $0.code == "annex" }?.onHand == 2)
        expectRefusal(containing: "location annex: holds 2 units") { _ = try locations.disable("annex", key: "d1") }
        expectRefusal(containing: "location shop: has active locations inside it") {
            _ = try locations.disable("shop", key: "d0")
        }
        _ = try Stock(connection: f.connection).writeOff(
            sku: "AD2-II-R", quantity: 2, location: "annex", lot: nil, reason: .damaged, key: "w")
        #expect(try locations.disable("annex", key: "d2").active == false)
        expectRefusal(containing: "location annex: is disabled") {
            try Stock(connection: f.connection).receive(sku: "AD2-II-R", quantity: 1, location: "annex", key: "r2")
        }
        #expect(try f.problems().isEmpty)
    }

    @Test("patients and prescribers: added once, found by any part of name or reference, used by prescriptions")
    func patients() throws {
        let f = try Fixture()
        let people = Patients(connection: f.connection)
        let dana = try people.add(
            reference: "P-0100", name: "Dana Sample", born: try CalendarDay(parsing: "1958-04-02"), key: "p1")
        #expect(dana.born == "1958-04-02")
        _ = try people.add(reference: "P-0101", name: "Eli Other", key: "p2")
        expectRefusal(.conflict, containing: "REF: expected a new patient reference, found 'P-0100' already in use") {
            _ = try people.add(reference: "P-0100", name: "Someone", key: "p3")
        }
        expectRefusal(.badInput, containing: "--name: expected the patient's name") {
            _ = try people.add(reference: "P-0102", name: " ", key: "p4")
        }
        #expect(try people.list(search: "dANA").map(\.reference) == ["P-0100"])
        #expect(try people.list(search: "P-010").count == 2)
        _ = try people.addPrescriber(reference: "DR-9", name: "Dr Nine", key: "d1")
        #expect(try people.prescribers().map(\.reference).contains("DR-9"))
        let rx = try Prescriptions(connection: f.connection).create(
            NewPrescription(
                number: "RX-77", patient: "P-0100", prescriber: "DR-9", style: .AD,
                pressureClass: PressureStandard.RAL.pressureClass("2")!, quantity: 2, arterialAssessed: true), key: "rx"
        )
        #expect(rx.patientName == "Dana Sample")
    }

    @Test("a patient's history: prescriptions, fittings with the change of each circumference, hand-overs with lots")
    func history() throws {
        let f = try Fixture()
        _ = try Patients(connection: f.connection).add(reference: "P-1", name: "Dana", key: "p")
        _ = try Patients(connection: f.connection).addPrescriber(reference: "DR-1", name: "Dr One", key: "d")
        _ = try Prescriptions(connection: f.connection).create(
            NewPrescription(
                number: "RX-1", patient: "P-1", prescriber: "DR-1", style: .AD,
                pressureClass: PressureStandard.RAL.pressureClass("2")!, quantity: 2, arterialAssessed: true), key: "rx"
        )
        let fittings = Fittings(connection: f.connection)
        let result = #"[{"line": "northwind-classic", "outcome": "standard", "size": "II", "length": "regular"}]"#
        _ = try fittings.record(
            rx: "RX-1", style: .AD, pressureClass: "RAL:2", unit: .cm,
            measurements: #"{"leg": {"cB": 22, "cC": 36.5, "lD": 41}}"#, result: result, key: "f1")
        let second = try fittings.record(
            rx: "RX-1", style: .AD, pressureClass: "RAL:2", unit: .cm,
            measurements: #"{"leg": {"cB": 21.5, "cC": 38, "lD": 41}}"#, result: result, key: "f2")
        try Stock(connection: f.connection).receive(
            sku: "AD2-II-R", quantity: 1, location: "shop", lot: "L7", expires: try CalendarDay(parsing: "2031-01-01"),
            key: "r")
        let held = try Reservations(connection: f.connection).reserve(
            rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "a")
        _ = try Dispensing(connection: f.connection).dispense(reservation: held.id, key: "b")
        let history = try Patients(connection: f.connection).show("P-1")
        #expect(history.prescriptions.map(\.number) == ["RX-1"])
        #expect(history.fittings.count == 2)
        #expect(history.fittings[0].changes.isEmpty)
        #expect(history.fittings[1].changes["leg"] == ["cB": "-0.5", "cC": "+1.5"])
        #expect(history.fittings[1].results.first?.size == "II")
        #expect(history.dispenses.map(\.lot) == ["L7"])
        #expect(try fittings.show(second).changes["leg"]?["cC"] == "+1.5")
        expectRefusal(.notFound, containing: "REF: expected a known patient reference") {
            _ = try Patients(connection: f.connection).show("P-404")
        }
    }

    @Test("lots: a hold stops reservations until released; a recall is final and names the reservations and patients")
    func lots() throws {
        let f = try Fixture()
        let stock = Stock(connection: f.connection)
        try stock.receive(
            sku: "AD2-II-R", quantity: 3, location: "shop", lot: "L9", expires: try CalendarDay(parsing: "2031-01-01"),
            key: "r")
        try f.prescription("RX-1", quantity: 3)
        let reservations = Reservations(connection: f.connection)
        let first = try reservations.reserve(rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "a")
        _ = try Dispensing(connection: f.connection).dispense(reservation: first.id, key: "d")
        let lots = Lots(connection: f.connection)
        let held = try lots.setStatus("L9", sku: nil, to: .onHold, reason: "damaged carton", key: "h")
        #expect(held.status == .onHold && held.events.map(\.status) == [.onHold])
        expectRefusal(containing: "out of stock") {
            _ = try reservations.reserve(rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "b")
        }
        _ = try lots.setStatus("L9", sku: nil, to: .approved, reason: "carton fine", key: "rel")
        let second = try reservations.reserve(rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "c")
        let recalled = try lots.setStatus("L9", sku: "AD2-II-R", to: .recalled, reason: "FSCA 2026-77", key: "rc")
        #expect(recalled.reservations.map(\.id) == [second.id])
        #expect(recalled.dispenses.map(\.patient) == ["P-RX-1"])
        #expect(recalled.stock.first?.onHand == 2)
        expectRefusal(containing: "lot L9 of AD2-II-R: is recalled; a recall is final") {
            _ = try lots.setStatus("L9", sku: nil, to: .approved, reason: "oops", key: "x")
        }
        expectRefusal(.notFound, containing: "LOT: expected a lot received before, found 'L404'") {
            _ = try lots.setStatus("L404", sku: nil, to: .recalled, reason: "r", key: "y")
        }
        expectRefusal(.badInput, containing: "--reason: expected why") {
            _ = try lots.setStatus("L9", sku: nil, to: .onHold, reason: " ", key: "z")
        }
        try stock.receive(
            sku: "AD2-III-R", quantity: 1, location: "shop", lot: "L9", expires: try CalendarDay(parsing: "2031-01-01"),
            key: "r3")
        expectRefusal(.badInput, containing: "--sku: expected the article, since lot L9 exists for") {
            _ = try lots.show("L9")
        }
        #expect(try lots.show("L9", sku: "AD2-III-R").status == .approved)
        #expect(try f.problems().isEmpty)
    }
}

@Suite("What is due, and made-to-measure orders", .ownThread)
struct DueAndOrderTests {
    @Test("due: replacements six months after the last hand-over, prescriptions running out, legs to measure again")
    func due() throws {
        let f = try Fixture()
        try Stock(connection: f.connection).receive(sku: "AD2-II-R", quantity: 2, location: "shop", key: "r")
        try f.prescription("RX-1", quantity: 2)
        try f.connection.execute("UPDATE prescription SET valid_until = current_date + 20 WHERE number = 'RX-1'")
        let held = try Reservations(connection: f.connection).reserve(
            rx: "RX-1", sku: "AD2-II-R", location: "shop", key: "a")
        _ = try Dispensing(connection: f.connection).dispense(reservation: held.id, key: "b")
        _ = try Fittings(connection: f.connection).record(
            rx: "RX-1", style: .AD, pressureClass: "RAL:2", unit: .cm, measurements: #"{"leg": {"cB": 22}}"#,
            result: "[]", key: "f")
        let today = CalendarDay.today(in: TimeZone(identifier: "UTC")!)
        #expect(
            try Due(connection: f.connection, today: today).list(within: 30).map(\.reason) == ["prescription-expires"])
        let later = try Due(connection: f.connection, today: today.adding(days: 190)).list(within: 0)
        // By then the prescription (valid 20 days) has run out: listed until cfit expire marks it.
        #expect(Set(later.map(\.reason)) == ["replacement", "re-measure", "prescription-expired"])
        #expect(later.first { $0.reason == "replacement" }?.detail.hasPrefix("AD2-II-R last handed over") == true)
        expectRefusal(.badInput, containing: "--within: expected 0 to") {
            _ = try Due(connection: f.connection).list(within: -1)
        }
    }

    @Test("an order sheet gives every point in the line's unit, with toe, colour and side")
    func order() throws {
        let f = try Fixture()
        try f.prescription("RX-1", quantity: 2)
        let result = #"[{"line": "northwind-classic", "outcome": "made-to-measure", "size": null, "length": null}]"#
        let id = try Fittings(connection: f.connection).record(
            rx: "RX-1", style: .AD, pressureClass: "RAL:2", unit: .inch,
            measurements: #"{"leg": {"cB": 8.625, "cC": 15.75, "lD": 16}}"#, result: result, key: "f")
        let sheet = try Fittings(connection: f.connection).order(id, line: nil, toe: "open", color: "black")
        #expect(sheet.line == "northwind-classic" && sheet.unit == "cm" && sheet.side == "both")
        #expect(sheet.measurements["leg"] == ["cB": "21.9", "cC": "40", "lD": "40.6"])
        #expect(sheet.toe == "open" && sheet.color == "black" && sheet.patient == "P-RX-1")
        expectRefusal(.badInput, containing: "--toe: expected open or closed") {
            _ = try Fittings(connection: f.connection).order(id, line: nil, toe: "peep", color: "black")
        }
        expectRefusal(.badInput, containing: "--line: expected a line of fitting") {
            _ = try Fittings(connection: f.connection).order(id, line: "other", toe: "open", color: "black")
        }
    }
}

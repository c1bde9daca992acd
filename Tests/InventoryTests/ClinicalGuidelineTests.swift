import Fitting
import Foundation
import Inventory
import Postgres
import PostgresTestSupport
import Testing

/// Issue 20: the shop's guideline in the database, and the gate where harm happens. The database
/// judges every index and every class again, so its tables must be the fit engine's exactly.
@Suite("The shop's clinical guideline, kept and enforced by the database", .ownThread)
struct ClinicalGuidelineTests {
    let fixture: Fixture
    init() throws { fixture = try Fixture() }

    func login(_ role: String) throws -> Connection {
        try Connection(TestLogins.url(fixture.url, as: try TestLogins.make(role, on: fixture.url)))
    }

    /// A prescription for both legs with no arterial assessment by the prescriber.
    func unassessed(_ number: String, label: String = "2", standard: PressureStandard = .RAL) throws {
        _ = try Prescriptions(connection: fixture.connection).create(
            NewPrescription(
                number: number, patient: "P-\(number)", patientName: "Patient \(number)", prescriber: "DR-1",
                prescriberName: "Dr One", style: .AD, pressureClass: standard.pressureClass(label)!, quantity: 4),
            key: "rx-\(number)")
    }

    func record(_ rx: String, left: String?, right: String?, confirmedBy: String? = nil, key: String) throws -> String {
        try Fittings(connection: fixture.connection).record(
            rx: rx, style: .AD, pressureClass: "RAL:2", unit: .cm, measurements: #"{"left": {"cB": 22}}"#,
            result: #"{"version": 1, "legs": []}"#,
            arterial: ArterialRecord(
                left: try left.map { try ABPI.parse($0) }, right: try right.map { try ABPI.parse($0) },
                confirmedBy: confirmedBy), key: key)
    }

    static func name(_ verdict: ArterialPolicy.Verdict) -> String {
        switch verdict {
        case .compress: "compress"
        case .confirm: "confirm"
        case .refuse: "refuse"
        }
    }

    static func tenths(_ text: String) -> Int? {
        (try? ScaledDecimal.parse(Substring(text), scale: 10)).map { Int($0) }
    }

    @Test(
        "every index from 0.01 to 3.00 gets the same verdict from the database as from the fit engine, under each policy"
    )
    func verdictsAgree() throws {
        let rows = try fixture.connection.query(
            """
            SELECT p.policy, i::text AS hundredths, cfit_arterial_verdict(p.policy, i / 100.0) AS verdict
            FROM unnest(ARRAY['nice', 'formulary', 's2k']) p(policy), generate_series(1, 300) i
            """)
        #expect(rows.count == 900)
        for row in rows {
            let policy = try #require(ArterialPolicy(rawValue: try row.decode(String.self, "policy")))
            let abpi = ABPI(hundredths: Int64(try row.decode(String.self, "hundredths"))!)
            let expected = Self.name(policy.judge(abpi))
            #expect(try row.decode(String.self, "verdict") == expected, "\(policy) \(abpi)")
        }
    }

    @Test("every class of every standard has the same pressure in the database as in the fit engine")
    func classesAgree() throws {
        for standard in PressureStandard.allCases {
            for pressureClass in standard.classes {
                let row = try fixture.connection.query(
                    """
                    SELECT (cfit_class_mmhg(\(standard.rawValue), \(pressureClass.label))).lower_mmhg::text AS lower,
                           (cfit_class_mmhg(\(standard.rawValue), \(pressureClass.label))).upper_mmhg::text AS upper
                    """)[0]
                let lower = try row.decode(String.self, "lower")
                let upper = try row.decode(String?.self, "upper")
                #expect(Self.tenths(lower) == pressureClass.lowerTenths, "\(pressureClass)")
                #expect(upper.flatMap(Self.tenths) == pressureClass.upperTenths, "\(pressureClass)")
            }
        }
    }

    @Test("the guideline starts at NICE's policy and RAL; only an admin changes it, and a bad value is named")
    func guidelineIsTheAdmins() throws {
        let shown = try ShopGuideline(connection: fixture.connection).show()
        #expect(shown.arterialPolicy == .nice && shown.defaultStandard == "RAL")
        let pharmacy = try login("pharmacy")
        defer { pharmacy.close() }
        do {
            _ = try ShopGuideline(connection: pharmacy).set(policy: .formulary, standard: nil, key: "g-denied")
            Issue.record("a pharmacist set the guideline")
        } catch let error as InventoryError {
            #expect(error.kind == .notPermitted, "\(error)")
        }
        #expect(try ShopGuideline(connection: pharmacy).show().arterialPolicy == .nice)
        let admin = try login("admin")
        defer { admin.close() }
        let set = try ShopGuideline(connection: admin).set(policy: .formulary, standard: .BS, key: "g-1")
        #expect(set.arterialPolicy == .formulary && set.defaultStandard == "BS")
        // A standard the database does not know is refused naming the field, whatever a caller sends.
        do {
            _ = try fixture.connection.query("SELECT cfit_set_guideline('g-bad', '[]', NULL, 'DIN')")
            Issue.record("an unknown standard was stored")
        } catch {
            #expect("\(error)".contains("expected RAL, BS, AFNOR, ENV or US, found 'DIN'"), "\(error)")
        }
    }

    @Test(
        "recording: an index the policy refuses is refused by the database too; one it asks a specialist to confirm needs who confirmed (formulary: 0.5–0.79)"
    )
    func recordingIsJudged() throws {
        try unassessed("RX-J")
        #expect(throws: InventoryError.self) { _ = try record("RX-J", left: "0.7", right: nil, key: "f-nice") }
        _ = try ShopGuideline(connection: fixture.connection).set(policy: .formulary, standard: nil, key: "g")
        do {
            _ = try record("RX-J", left: "0.7", right: "1.0", key: "f-unconfirmed")
            Issue.record("a confirmation-needing index was recorded without one")
        } catch let error as InventoryError {
            #expect(error.field == "confirmed_by" && error.text.contains("policy formulary"), "\(error)")
        }
        let id = try record("RX-J", left: "0.7", right: "1.0", confirmedBy: "Dr Vascular", key: "f-confirmed")
        let fitting = try Fittings(connection: fixture.connection).show(id)
        #expect(fitting.abpiLeft == "0.7" && fitting.abpiRight == "1.0" && fitting.confirmedBy == "Dr Vascular")
        #expect(fitting.arterialPolicy == .formulary)
    }

    @Test(
        "the gate: above 20 mmHg a reservation and a hand-over need each leg's index or the prescriber's assessment; 20 mmHg and below never do"
    )
    func gate() throws {
        let stock = Stock(connection: fixture.connection)
        try stock.receive(sku: "AD2-II-R", quantity: 4, location: "shop", key: "r")
        try unassessed("RX-G")
        let reservations = Reservations(connection: fixture.connection)
        expectRefusal(containing: "needs the left leg's ABPI recorded at a fitting for this patient") {
            _ = try reservations.reserve(rx: "RX-G", sku: "AD2-II-R", location: "shop", key: "g1")
        }
        _ = try record("RX-G", left: "1.0", right: nil, key: "f-left")
        expectRefusal(containing: "needs the right leg's ABPI") {
            _ = try reservations.reserve(rx: "RX-G", sku: "AD2-II-R", location: "shop", key: "g2")
        }
        _ = try record("RX-G", left: "1.0", right: "1.2", key: "f-both")
        let held = try reservations.reserve(rx: "RX-G", sku: "AD2-II-R", location: "shop", key: "g3")
        // The hand-over checks again: a prescription whose fittings were entered in error (here: the
        // indices removed by the database's owner) cannot be handed over on the strength of them.
        _ = try fixture.connection.query(
            "UPDATE fitting SET abpi_right = NULL, verdict_right = NULL WHERE prescription_id = (SELECT id FROM prescription WHERE number = 'RX-G')"
        )
        expectRefusal(containing: "handing over AD2-II-R (RAL 2, 23–32 mmHg, above 20 mmHg) needs the right leg's ABPI")
        {
            _ = try Dispensing(connection: fixture.connection).dispense(reservation: held.id, key: "d1")
        }
        #expect(try fixture.available("AD2-II-R") == 3)
        #expect(try fixture.problems().isEmpty)
    }

    @Test("the gate under s2k: a confirmed index between 0.5 and 0.8 allows a reduced class of 30 mmHg at most")
    func reducedClass() throws {
        let stock = Stock(connection: fixture.connection)
        try stock.receive(sku: "AD2-II-R", quantity: 2, location: "shop", key: "r")
        _ = try ShopGuideline(connection: fixture.connection).set(policy: .s2k, standard: nil, key: "g")
        try unassessed("RX-S")
        _ = try record("RX-S", left: "0.6", right: "0.9", confirmedBy: "Dr Vascular", key: "f")
        expectRefusal(containing: "the left leg's ABPI 0.6 allows only a reduced pressure of 30 mmHg at most") {
            _ = try Reservations(connection: fixture.connection).reserve(
                rx: "RX-S", sku: "AD2-II-R", location: "shop", key: "s1")
        }
    }
}

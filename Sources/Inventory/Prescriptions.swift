public import Fitting
import Foundation
public import Postgres

/// A prescription for compression hosiery with its one item (style, class, quantity), shaped like
/// FHIR's DeviceRequest.
public struct PrescriptionRecord: Codable, Sendable, Hashable {
    /// The prescription's number, as printed on it.
    public var number: String
    /// The patient's external reference.
    public var patient: String
    /// The patient's name.
    public var patientName: String
    /// The prescriber's reference.
    public var prescriber: String
    /// draft, active, on-hold, revoked, completed or entered-in-error.
    public var status: String
    /// The style prescribed.
    public var style: String
    /// The class prescribed, as `STANDARD:LABEL`.
    public var pressureClass: String
    /// Which leg(s): left, right or both.
    public var side: String
    /// Garments prescribed.
    public var quantityPrescribed: Int
    /// Garments held by active reservations.
    public var quantityReserved: Int
    /// Garments handed over.
    public var quantityDispensed: Int
    /// The last day it may be dispensed, if limited.
    public var validUntil: CalendarDay?
    /// The diagnosis code (ICD-10), if given.
    public var diagnosis: String?
}

/// What a new prescription needs.
public struct NewPrescription: Sendable {
    /// The prescription's number; `RX-n` from a sequence when `nil`, skipping numbers taken.
    public var number: String?
    /// The patient's external reference.
    public var patient: String
    /// The patient's name: creates the patient when the reference is new.
    public var patientName: String?
    /// The prescriber's reference.
    public var prescriber: String
    /// The prescriber's name: creates the prescriber when the reference is new.
    public var prescriberName: String?
    /// The style.
    public var style: Style
    /// The class.
    public var pressureClass: PressureClass
    /// left, right or both.
    public var side: String
    /// Garments prescribed (a pair is 2).
    public var quantity: Int
    /// The last valid day.
    public var validUntil: CalendarDay?
    /// ICD-10 code, e.g. I87.2.
    public var diagnosis: String?

    /// A prescription for `quantity` garments of `style` in `pressureClass`.
    public init(
        number: String? = nil,
        patient: String,
        patientName: String? = nil,
        prescriber: String,
        prescriberName: String? = nil,
        style: Style,
        pressureClass: PressureClass,
        side: String = "both",
        quantity: Int,
        validUntil: CalendarDay? = nil,
        diagnosis: String? = nil
    ) {
        self.number = number
        self.patient = patient
        self.patientName = patientName
        self.prescriber = prescriber
        self.prescriberName = prescriberName
        self.style = style
        self.pressureClass = pressureClass
        self.side = side
        self.quantity = quantity
        self.validUntil = validUntil
        self.diagnosis = diagnosis
    }
}

/// Prescriptions: creating, listing, showing and cancelling them.
///
/// ```swift
/// let rx = try Prescriptions(connection: c).create(NewPrescription(patient: "P-1", patientName: "Ada",
///     prescriber: "DR-1", prescriberName: "Dr Who", style: .AD, pressureClass: ral2, quantity: 2), key: "rx-1")
/// ```
public struct Prescriptions: Sendable {
    /// The connection every call uses.
    public let connection: Connection
    /// The shop's calendar day: prescriptions start on it, and may not end before it.
    public let today: CalendarDay

    /// Prescription operations on `connection`, with `today` as the shop's calendar day
    /// (default: today in the counter's time zone).
    public init(connection: Connection, today: CalendarDay = .today()) {
        self.connection = connection
        self.today = today
    }

    /// Records a prescription; an unknown patient or prescriber is created when a name is given and
    /// refused otherwise.
    public func create(_ new: NewPrescription, key: String) throws -> PrescriptionRecord {
        try InventoryError.checkUnits(new.quantity, "--quantity")
        guard ["left", "right", "both"].contains(new.side) else {
            throw InventoryError(.badInput, "--side: expected left, right or both, found '\(new.side)'")
        }
        if let number = new.number { try Stock.checkCode(number, "--number") }
        try Stock.checkCode(new.patient, "--patient")
        try Stock.checkCode(new.prescriber, "--prescriber")
        if let validUntil = new.validUntil, validUntil < today {
            throw InventoryError(
                .badInput, "--valid-until: expected today (\(today)) or a later day, found \(validUntil)")
        }
        let request = [
            new.number, new.patient, new.patientName, new.prescriber, new.prescriberName, new.style.rawValue,
            new.pressureClass.code, new.side, String(new.quantity), new.validUntil?.description, new.diagnosis,
        ]
        return try Idempotency(connection: connection).run("rx.new", key: key, request: request) { tx in
            let patient = try Self.party(
                "patient", reference: new.patient, name: new.patientName, flag: "--patient", on: tx)
            let prescriber = try Self.party(
                "prescriber", reference: new.prescriber, name: new.prescriberName, flag: "--prescriber", on: tx)
            var id: Int64?
            var number = new.number ?? ""
            // A given number must be new; a made-up one skips numbers already taken.
            for _ in 0..<1000 where id == nil {
                if new.number == nil {
                    number =
                        "RX-\(try tx.query("SELECT nextval('prescription_number_seq') AS n")[0].decode(Int64.self, "n"))"
                }
                let inserted = try tx.query(
                    """
                    INSERT INTO prescription (number, patient_id, prescriber_id, authored_on, valid_from, valid_until, diagnosis, idempotency_key)
                    VALUES (\(number), \(patient), \(prescriber), \(today), \(today), \(new.validUntil), \(new.diagnosis), \(key))
                    ON CONFLICT (number) DO NOTHING RETURNING id
                    """
                )
                if inserted.count > 0 {
                    id = try inserted[0].decode(Int64.self, "id")
                } else if new.number != nil {
                    throw InventoryError(
                        .badInput, "--number: expected a prescription number not used before, found '\(number)'")
                }
            }
            guard let id else {
                throw InventoryError.refused("rx new: expected a free prescription number, found none in 1000 tries")
            }
            try tx.execute(
                """
                INSERT INTO prescription_item (prescription_id, style, standard, class_label, side, quantity_prescribed)
                VALUES (\(id), \(new.style.rawValue), \(new.pressureClass.standard.rawValue), \(new.pressureClass.label), \(new.side), \(new.quantity))
                """
            )
            return try Self.load(number: number, on: tx)
        }
    }

    /// One prescription by number.
    public func show(_ number: String) throws -> PrescriptionRecord {
        try Self.load(number: number, on: connection)
    }

    /// Prescriptions, newest first, optionally only those with `status` or for one patient.
    public func list(status: String? = nil, patient: String? = nil) throws -> [PrescriptionRecord] {
        try connection.query(
            """
            \(unescaped: Self.select) WHERE (\(status)::text IS NULL OR p.status = \(status))
              AND (\(patient)::text IS NULL OR pa.reference = \(patient)) ORDER BY p.id DESC
            """
        ).map(Self.record)
    }

    /// Cancels a prescription: it becomes revoked and its active reservations are released.
    public func cancel(_ number: String, key: String) throws -> PrescriptionRecord {
        try Idempotency(connection: connection).run("rx.cancel", key: key, request: [number]) { tx in
            let rows = try tx.query("SELECT id, status FROM prescription WHERE number = \(number) FOR UPDATE")
            guard rows.count > 0 else { throw InventoryError.unknown("RX", "a prescription number", number) }
            let status = try rows[0].decode(String.self, "status")
            guard ["active", "on-hold", "draft"].contains(status) else {
                throw InventoryError.refused(
                    "rx \(number): is \(status); only an active, on-hold or draft prescription can be cancelled")
            }
            let id = try rows[0].decode(Int64.self, "id")
            let active = try tx.query(
                """
                SELECT r.id FROM reservation r JOIN prescription_item i ON i.id = r.prescription_item_id
                WHERE i.prescription_id = \(id) AND r.status = 'active' ORDER BY r.balance_id, r.id
                """
            )
            for reservation in active {
                try Reservations.close(try reservation.decode(Int64.self, "id"), as: "released", on: tx)
            }
            try tx.execute("UPDATE prescription SET status = 'revoked' WHERE id = \(id)")
            return try Self.load(number: number, on: tx)
        }
    }

    static func party(_ table: String, reference: String, name: String?, flag: String, on tx: Connection) throws
        -> Int64
    {
        let found = try tx.query("SELECT id FROM \(unescaped: table) WHERE reference = \(reference)")
        if found.count > 0 { return try found[0].decode(Int64.self, "id") }
        guard let name, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw InventoryError(
                .badInput,
                "\(flag): expected a known \(table) reference (or give \(flag)-name to add one), found '\(reference)'")
        }
        return try tx.query(
            """
            INSERT INTO \(unescaped: table) (reference, display_name) VALUES (\(reference), \(name))
            ON CONFLICT (reference) DO UPDATE SET reference = EXCLUDED.reference RETURNING id
            """
        )[0].decode(Int64.self, "id")
    }

    static let select = """
        SELECT p.number, pa.reference AS patient, pa.display_name AS patient_name, pr.reference AS prescriber, p.status,
               i.style, i.standard || ':' || i.class_label AS class_code, i.side, i.quantity_prescribed, i.quantity_reserved,
               i.quantity_dispensed, p.valid_until, p.diagnosis
        FROM prescription p JOIN patient pa ON pa.id = p.patient_id JOIN prescriber pr ON pr.id = p.prescriber_id
        JOIN prescription_item i ON i.prescription_id = p.id
        """

    static func load(number: String, on connection: Connection) throws -> PrescriptionRecord {
        let rows = try connection.query("\(unescaped: select) WHERE p.number = \(number)")
        guard rows.count > 0 else { throw InventoryError.unknown("RX", "a prescription number", number) }
        return try record(rows[0])
    }

    static func record(_ row: Row) throws -> PrescriptionRecord {
        PrescriptionRecord(
            number: try row.decode(String.self, "number"),
            patient: try row.decode(String.self, "patient"),
            patientName: try row.decode(String.self, "patient_name"),
            prescriber: try row.decode(String.self, "prescriber"),
            status: try row.decode(String.self, "status"),
            style: try row.decode(String.self, "style"),
            pressureClass: try row.decode(String.self, "class_code"),
            side: try row.decode(String.self, "side"),
            quantityPrescribed: try row.decode(Int.self, "quantity_prescribed"),
            quantityReserved: try row.decode(Int.self, "quantity_reserved"),
            quantityDispensed: try row.decode(Int.self, "quantity_dispensed"),
            validUntil: try row.decode(CalendarDay?.self, "valid_until"),
            diagnosis: try row.decode(String?.self, "diagnosis")
        )
    }
}

public import Foundation
public import Postgres

/// A patient: the shop's reference, a name, and a birth date when known.
public struct PatientRecord: Codable, Sendable, Hashable {
    /// The reference (a card or file number).
    public var reference: String
    /// The name.
    public var name: String
    /// The birth date, `YYYY-MM-DD`.
    public var born: String?
}

/// A prescriber: a reference and a name.
public struct PrescriberRecord: Codable, Sendable, Hashable {
    /// The reference.
    public var reference: String
    /// The name.
    public var name: String
}

/// Patients and prescribers as records of their own (prescriptions refer to them).
///
/// ```swift
/// let people = Patients(connection: c)
/// try people.add(reference: "P-0100", name: "Dana Sample", born: try CalendarDay(parsing: "1958-04-02"), key: "p-1")
/// let found = try people.list(search: "dana")
/// ```
public struct Patients: Sendable {
    /// The connection every call uses.
    public let connection: Connection

    /// Patient operations on `connection`.
    public init(connection: Connection) {
        self.connection = connection
    }

    /// Adds patient `reference`; a reference in use is refused, and so (as a conflict) is a name
    /// and birth date another patient already has, unless `differentPerson` confirms it.
    public func add(
        reference: String, name: String, born: CalendarDay? = nil, differentPerson: Bool = false, key: String
    ) throws -> PatientRecord {
        let request = Operations.fingerprint(
            "patient.add", [reference, name, born?.description] + (differentPerson ? ["different person"] : []))
        return try Operations.call(
            connection,
            """
            SELECT cfit_party_add(\(key), \(request), 'patient', \(reference), \(name), \(born),
                                  \(differentPerson))::text AS result
            """)
    }

    /// Adds prescriber `reference`; a reference in use is refused.
    public func addPrescriber(reference: String, name: String, key: String) throws -> PrescriberRecord {
        let request = Operations.fingerprint("prescriber.add", [reference, name])
        return try Operations.call(
            connection,
            "SELECT cfit_party_add(\(key), \(request), 'prescriber', \(reference), \(name), NULL, NULL)::text AS result"
        )
    }

    /// Patients whose reference or name contains `search` (any case), or all, by reference; at
    /// most `limit` of them when a limit is given (a page shows a screenful, the CLI all).
    public func list(search: String? = nil, limit: Int? = nil) throws -> [PatientRecord] {
        try connection.query(
            """
            SELECT reference, display_name, birth_date FROM patient
            WHERE \(search)::text IS NULL OR strpos(lower(reference || ' ' || display_name), lower(\(search))) > 0
            ORDER BY reference
            LIMIT \(limit.map(Int64.init))
            """
        ).map {
            PatientRecord(
                reference: try $0.decode(String.self, "reference"), name: try $0.decode(String.self, "display_name"),
                born: try $0.decode(CalendarDay?.self, "birth_date")?.description)
        }
    }

    /// Every prescriber, by reference.
    public func prescribers() throws -> [PrescriberRecord] {
        try connection.query("SELECT reference, display_name FROM prescriber ORDER BY reference").map {
            PrescriberRecord(
                reference: try $0.decode(String.self, "reference"), name: try $0.decode(String.self, "display_name"))
        }
    }
}

/// Everything about one patient the counter needs: prescriptions, fittings with their changes,
/// and every garment handed over.
public struct PatientHistory: Codable, Sendable, Hashable {
    /// A garment handed over.
    public struct HandOver: Codable, Sendable, Hashable {
        /// The dispense's reference.
        public var id: String
        /// The prescription.
        public var prescription: String
        /// The article.
        public var sku: String
        /// The lot, for recalls.
        public var lot: String?
        /// When.
        public var handedOverAt: Date
        /// Units handed over.
        public var quantity: Int
        /// Units of them returned since.
        public var returned: Int
    }

    /// The patient.
    public var patient: PatientRecord
    /// Their prescriptions, newest first.
    public var prescriptions: [PrescriptionRecord]
    /// Their fittings, oldest first.
    public var fittings: [FittingRecord]
    /// Their hand-overs, oldest first.
    public var dispenses: [HandOver]
    /// How to reach the patient: `nil` when nothing is recorded, and for a login that may not
    /// read contact details (a fitter), whom PostgreSQL does not show them.
    public var contact: PatientContact?
}

extension Patients {
    /// Patient `reference` with prescriptions, fittings and hand-overs.
    public func show(_ reference: String) throws -> PatientHistory {
        let found = try connection.query(
            "SELECT reference, display_name, birth_date FROM patient WHERE reference = \(reference)")
        guard found.count > 0 else {
            throw InventoryError.unknown("reference", "a known patient reference", reference)
        }
        let patient = PatientRecord(
            reference: reference, name: try found[0].decode(String.self, "display_name"),
            born: try found[0].decode(CalendarDay?.self, "birth_date")?.description)
        let dispenses = try connection.query(
            """
            SELECT d.reference, p.number, d.sku, l.code AS lot, d.handed_over_at, d.quantity, d.quantity_returned
            FROM dispense d JOIN prescription_item i ON i.id = d.prescription_item_id JOIN prescription p ON p.id = i.prescription_id
            JOIN patient pa ON pa.id = p.patient_id LEFT JOIN lot l ON l.id = d.lot_id
            WHERE pa.reference = \(reference) ORDER BY d.id
            """
        ).map {
            PatientHistory.HandOver(
                id: try $0.decode(String.self, "reference"), prescription: try $0.decode(String.self, "number"),
                sku: try $0.decode(String.self, "sku"), lot: try $0.decode(String?.self, "lot"),
                handedOverAt: try $0.decode(Date.self, "handed_over_at"), quantity: try $0.decode(Int.self, "quantity"),
                returned: try $0.decode(Int.self, "quantity_returned"))
        }
        return PatientHistory(
            patient: patient,
            prescriptions: try Prescriptions(connection: connection).list(patient: reference),
            fittings: try Fittings(connection: connection).history(patient: reference),
            dispenses: dispenses, contact: try mayReadContacts() ? try contact(reference) : nil)
    }
}

public import Foundation
import Postgres

/// How to reach a patient: health data a recall needs, which PostgreSQL shows to pharmacy and
/// admin logins and never to fitters (the table is theirs alone; writes go through a function).
///
/// ```swift
/// let contact = try Patients(connection: c).setContact("P-1", PatientContact(phone: "+44 20 7946 0000", preferred: "phone"), key: "pc-1")
/// ```
public struct PatientContact: Codable, Sendable, Hashable {
    /// A phone number, as the patient gave it.
    public var phone: String?
    /// An e-mail address.
    public var email: String?
    /// A postal address, lines separated by commas or line breaks.
    public var address: String?
    /// `phone`, `email` or `letter`: how the patient prefers to be reached (its detail given).
    public var preferred: String?
    /// When they were last changed.
    public var updatedAt: Date?
    /// Who changed them last.
    public var updatedBy: String?

    /// Contact details; every part optional.
    public init(
        phone: String? = nil, email: String? = nil, address: String? = nil, preferred: String? = nil,
        updatedAt: Date? = nil, updatedBy: String? = nil
    ) {
        self.phone = phone
        self.email = email
        self.address = address
        self.preferred = preferred
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }

    /// The ways of being reached a patient may prefer.
    public static let preferences = ["phone", "email", "letter"]
}

/// Where working a recall stands for one hand-over of the recalled lot.
public enum RecallStatus: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Nobody has reached the patient yet.
    case toContact = "to-contact"
    /// The patient was told.
    case contacted
    /// The garment came back.
    case returned

    /// The stored word.
    public var description: String { rawValue }
}

/// One line of a recall's contact list: who received units of the lot, when, how to reach them,
/// and how far staff got.
public struct RecallContact: Codable, Sendable, Hashable {
    /// The hand-over's reference (`D-…`).
    public var dispense: String
    /// When the units were handed over.
    public var handedOverAt: Date
    /// The article.
    public var sku: String
    /// Units handed over.
    public var quantity: Int
    /// Units of them returned since (as returns recorded).
    public var returned: Int
    /// The prescription.
    public var prescription: String
    /// The patient's reference.
    public var patient: String
    /// The patient's name.
    public var patientName: String
    /// How to reach them, when recorded.
    public var contact: PatientContact?
    /// to-contact, contacted or returned.
    public var status: RecallStatus
    /// What staff noted (a call's outcome, a letter sent).
    public var note: String?
    /// When the status was last set, and by whom.
    public var updatedAt: Date?
    /// Who set it.
    public var updatedBy: String?
}

extension Patients {
    /// Records how to reach patient `reference` (replacing what was recorded): a preference needs
    /// its detail; fitters may not.
    public func setContact(_ reference: String, _ contact: PatientContact, key: String) throws -> PatientContact {
        let request = Operations.fingerprint(
            "patient.contact", [reference, contact.phone, contact.email, contact.address, contact.preferred])
        return try Operations.call(
            connection,
            """
            SELECT cfit_patient_contact_set(\(key), \(request), \(reference), \(contact.phone), \(contact.email),
                                            \(contact.address), \(contact.preferred))::text AS result
            """
        )
    }

    /// How to reach patient `reference`, `nil` when nothing is recorded; refused (not permitted)
    /// for a login that may not read contact details.
    public func contact(_ reference: String) throws -> PatientContact? {
        let rows = try connection.query(
            """
            SELECT c.phone, c.email, c.address, c.preferred, c.updated_at, c.updated_by
            FROM patient_contact c JOIN patient p ON p.id = c.patient_id WHERE p.reference = \(reference)
            """)
        return rows.count == 0 ? nil : try Self.contact(rows[0])
    }

    /// Whether the login may read contact details (pharmacy and admin), as PostgreSQL grants it.
    public func mayReadContacts() throws -> Bool {
        try connection.query("SELECT has_table_privilege('patient_contact', 'SELECT') AS ok")[0].decode(Bool.self, "ok")
    }

    static func contact(_ row: Row) throws -> PatientContact {
        PatientContact(
            phone: try row.decode(String?.self, "phone"), email: try row.decode(String?.self, "email"),
            address: try row.decode(String?.self, "address"), preferred: try row.decode(String?.self, "preferred"),
            updatedAt: try row.decode(Date?.self, "updated_at"), updatedBy: try row.decode(String?.self, "updated_by"))
    }
}

extension Lots {
    /// The contact list of lot `code` (of `sku` when several articles have the code): every
    /// hand-over of it, oldest first, with how to reach the patient and how far staff got.
    /// Refused (not permitted) for fitters, who may not read contact details.
    public func contacts(_ code: String, sku: String? = nil) throws -> [RecallContact] {
        let lot = try show(code, sku: sku)
        return try connection.query(
            """
            SELECT d.reference, d.handed_over_at, d.sku, d.quantity, d.quantity_returned, p.number, pa.reference AS patient,
                   pa.display_name, c.phone, c.email, c.address, c.preferred, c.updated_at, c.updated_by,
                   coalesce(r.status, 'to-contact') AS status, r.note, r.updated_at AS status_at, r.updated_by AS status_by,
                   c.patient_id IS NOT NULL AS known
            FROM dispense d JOIN lot l ON l.id = d.lot_id
            JOIN prescription_item i ON i.id = d.prescription_item_id JOIN prescription p ON p.id = i.prescription_id
            JOIN patient pa ON pa.id = p.patient_id
            LEFT JOIN patient_contact c ON c.patient_id = pa.id LEFT JOIN recall_contact r ON r.dispense_id = d.id
            WHERE l.code = \(lot.code) AND l.sku = \(lot.sku)
            ORDER BY d.handed_over_at, d.id
            """
        ).map { row in
            RecallContact(
                dispense: try row.decode(String.self, "reference"),
                handedOverAt: try row.decode(Date.self, "handed_over_at"),
                sku: try row.decode(String.self, "sku"), quantity: try row.decode(Int.self, "quantity"),
                returned: try row.decode(Int.self, "quantity_returned"),
                prescription: try row.decode(String.self, "number"),
                patient: try row.decode(String.self, "patient"),
                patientName: try row.decode(String.self, "display_name"),
                contact: try row.decode(Bool.self, "known") ? try Patients.contact(row) : nil,
                status: try row.decode(closed: RecallStatus.self, "status"), note: try row.decode(String?.self, "note"),
                updatedAt: try row.decode(Date?.self, "status_at"), updatedBy: try row.decode(String?.self, "status_by")
            )
        }
    }

    /// Records how far staff got with hand-over `dispense` of recalled lot `code`: its reference,
    /// or its number together with `rx`, its prescription.
    public func setContactStatus(
        _ code: String, sku: String? = nil, dispense: String, rx: String? = nil, status: RecallStatus, note: String?,
        key: String
    ) throws -> RecallContact {
        let request = Operations.fingerprint("recall.contact", [code, sku, dispense, rx, status.rawValue, note])
        let set: RecallStatusSet = try Operations.call(
            connection,
            """
            SELECT cfit_recall_contact_set(\(key), \(request), \(code), \(sku), \(dispense), \(rx),
                                           \(status.rawValue), \(note))::text AS result
            """
        )
        guard let line = try contacts(code, sku: sku).first(where: { $0.dispense == set.dispense }) else {
            throw InventoryError.unknown("dispense", "a hand-over of lot \(code)", dispense)
        }
        return line
    }

    /// What the function answers.
    struct RecallStatusSet: Decodable, Sendable {
        let dispense: String
    }
}

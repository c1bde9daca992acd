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
    /// draft, active, on-hold, revoked, completed, entered-in-error or expired (shown so from the
    /// day after its last valid day, before `cfit expire` has recorded it).
    public var status: PrescriptionStatus
    /// The style prescribed.
    public var style: Style
    /// The class prescribed, as `STANDARD:LABEL`.
    public var pressureClass: String
    /// Which leg(s): left, right or both.
    public var side: PrescribedSide
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
    /// Whether the prescriber recorded that arterial status was assessed: with it, a garment above
    /// 20 mmHg may be reserved without an ABPI recorded at a fitting here.
    public var arterialAssessed: Bool
    /// Whether it covers a second set for washing: two garments per leg, one to wear, one to wash.
    public var washingSet: Bool
    /// Why it was cancelled (as the pharmacist gave it) or when it expired; `nil` otherwise.
    public var statusReason: String?
    /// The reservations its cancelling or expiry released; only in that operation's answer.
    public var released: [ReservationRecord]?

    /// As shown on `today`: an active or on-hold prescription past its last valid day is expired,
    /// whether or not `cfit expire` has recorded it yet.
    public func shown(on today: CalendarDay) -> PrescriptionRecord {
        guard status == .active || status == .onHold, let validUntil, validUntil < today else { return self }
        var shown = self
        shown.status = .expired
        shown.statusReason = "valid until \(validUntil)"
        return shown
    }
}

/// What `cfit expire` did: the prescriptions past their last valid day it marked expired, each
/// with the reservations it released.
public struct PrescriptionExpiry: Codable, Sendable, Hashable {
    /// The shop's day it judged by.
    public var today: CalendarDay
    /// The prescriptions it expired, oldest first, each with ``PrescriptionRecord/released``.
    public var expired: [PrescriptionRecord]
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
    /// Whether the prescriber assessed arterial status (an ABPI or equivalent).
    public var arterialAssessed: Bool
    /// Whether a second set for washing is covered.
    public var washingSet: Bool

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
        diagnosis: String? = nil,
        arterialAssessed: Bool = false,
        washingSet: Bool = false
    ) {
        self.arterialAssessed = arterialAssessed
        self.washingSet = washingSet
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
        try InventoryError.checkUnits(new.quantity, "quantity")
        guard ["left", "right", "both"].contains(new.side) else {
            throw InventoryError(.badInput, field: "side", text: "expected left, right or both, found '\(new.side)'")
        }
        if let number = new.number { try Stock.checkCode(number, "number") }
        try Stock.checkCode(new.patient, "patient")
        try Stock.checkCode(new.prescriber, "prescriber")
        if let validUntil = new.validUntil, validUntil < today {
            throw InventoryError(
                .badInput, field: "valid-until", text: "expected today (\(today)) or a later day, found \(validUntil)")
        }
        let request = [
            new.number, new.patient, new.patientName, new.prescriber, new.prescriberName, new.style.rawValue,
            new.pressureClass.code, new.side, String(new.quantity), new.validUntil?.description, new.diagnosis,
            new.arterialAssessed ? "assessed" : nil, new.washingSet ? "washing set" : nil,
        ]
        return try Operations.call(
            connection,
            """
            SELECT cfit_rx_new(\(key), \(Operations.fingerprint("rx.new", request)), \(new.number), \(new.patient),
                               \(new.patientName), \(new.prescriber), \(new.prescriberName), \(new.style.rawValue),
                               \(new.pressureClass.standard.rawValue), \(new.pressureClass.label), \(new.side),
                               \(Int32(new.quantity)), \(new.validUntil), \(new.diagnosis), \(new.arterialAssessed), \(new.washingSet),
                               \(today))::text AS result
            """
        )
    }

    /// One prescription by number.
    public func show(_ number: String) throws -> PrescriptionRecord {
        try Self.load(number: number, on: connection).shown(on: today)
    }

    /// Prescriptions, newest first, optionally only those with `status` or for one patient.
    /// Statuses are as shown today: `expired` lists those past their last valid day too, and
    /// `active` leaves them out.
    public func list(status: String? = nil, patient: String? = nil) throws -> [PrescriptionRecord] {
        if let status, !Self.statuses.contains(status) {
            throw InventoryError(
                .badInput, field: "status",
                text: "expected one of \(Self.statuses.joined(separator: ", ")), found '\(status)'")
        }
        return try connection.query(
            """
            \(unescaped: Self.select)
            WHERE (\(status)::text IS NULL
                   OR CASE WHEN p.status IN ('active', 'on-hold') AND p.valid_until < \(today) THEN 'expired' ELSE p.status END
                      = \(status))
              AND (\(patient)::text IS NULL OR pa.reference = \(patient)) ORDER BY p.id DESC
            """
        ).map { try Self.record($0).shown(on: today) }
    }

    /// Every status a prescription can have (FHIR's request statuses), as the table's CHECK lists them.
    public static let statuses = ["draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "expired"]

    /// Cancels a prescription for `reason` (kept with it): it becomes revoked, and its active
    /// reservations are released and listed in the answer's ``PrescriptionRecord/released``.
    public func cancel(_ number: String, reason: String, key: String) throws -> PrescriptionRecord {
        try Operations.call(
            connection,
            """
            SELECT cfit_rx_cancel(\(key), \(Operations.fingerprint("rx.cancel", [number, reason])), \(number),
                                  \(reason))::text AS result
            """
        )
    }

    /// Marks every active or on-hold prescription past its last valid day expired and releases
    /// what it held (`cfit expire`; `cfit serve` runs it once a day).
    public func expire(key: String) throws -> PrescriptionExpiry {
        try Operations.call(
            connection,
            """
            SELECT cfit_rx_expire(\(key), \(Operations.fingerprint("rx.expire", [today.description])),
                                  \(today))::text AS result
            """
        )
    }

    static let select = """
        SELECT p.number, pa.reference AS patient, pa.display_name AS patient_name, pr.reference AS prescriber, p.status,
               i.style, i.standard || ':' || i.class_label AS class_code, i.side, i.quantity_prescribed, i.quantity_reserved,
               i.quantity_dispensed, p.valid_until, p.diagnosis, p.arterial_assessed, i.washing_set, p.status_reason
        FROM prescription p JOIN patient pa ON pa.id = p.patient_id JOIN prescriber pr ON pr.id = p.prescriber_id
        JOIN prescription_item i ON i.prescription_id = p.id
        """

    static func load(number: String, on connection: Connection) throws -> PrescriptionRecord {
        let rows = try connection.query("\(unescaped: select) WHERE p.number = \(number)")
        guard rows.count > 0 else { throw InventoryError.unknown("rx", "a prescription number", number) }
        return try record(rows[0])
    }

    static func record(_ row: Row) throws -> PrescriptionRecord {
        PrescriptionRecord(
            number: try row.decode(String.self, "number"),
            patient: try row.decode(String.self, "patient"),
            patientName: try row.decode(String.self, "patient_name"),
            prescriber: try row.decode(String.self, "prescriber"),
            status: try row.decode(closed: PrescriptionStatus.self, "status"),
            style: try row.decode(closed: Style.self, "style"),
            pressureClass: try row.decode(String.self, "class_code"),
            side: try row.decode(closed: PrescribedSide.self, "side"),
            quantityPrescribed: try row.decode(Int.self, "quantity_prescribed"),
            quantityReserved: try row.decode(Int.self, "quantity_reserved"),
            quantityDispensed: try row.decode(Int.self, "quantity_dispensed"),
            validUntil: try row.decode(CalendarDay?.self, "valid_until"),
            diagnosis: try row.decode(String?.self, "diagnosis"),
            arterialAssessed: try row.decode(Bool.self, "arterial_assessed"),
            washingSet: try row.decode(Bool.self, "washing_set"),
            statusReason: try row.decode(String?.self, "status_reason")
        )
    }
}

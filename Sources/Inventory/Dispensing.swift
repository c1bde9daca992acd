public import Foundation
public import Postgres

/// A hand-over: a reserved garment given to the patient, shaped like FHIR's DeviceDispense.
public struct DispenseRecord: Codable, Sendable, Hashable {
    /// The dispense's reference (`D-0MZ4K8D-3QX7T2A`), unique on every server.
    public var id: String
    /// The reference of the reservation it fulfilled.
    public var reservation: String
    /// The prescription.
    public var prescription: String
    /// The article handed over.
    public var sku: String
    /// The lot handed over, for recalls.
    public var lot: String?
    /// Where from.
    public var location: String
    /// Units handed over.
    public var quantity: Int
    /// When.
    public var handedOverAt: Date
    /// The database user who handed it over.
    public var actor: String
}

/// A return: garments of one dispense taken back, kept apart with their lot until inspected.
public struct ReturnRecord: Codable, Sendable, Hashable {
    /// The return's reference (`T-0MZ4K8D-3QX7T2A`), unique on every server.
    public var id: String
    /// The reference of the dispense it undoes (in part or whole).
    public var dispense: String
    /// The prescription the garments were dispensed for.
    public var prescription: String
    /// The article.
    public var sku: String
    /// The lot, as handed over.
    public var lot: String?
    /// Where the returned units now wait for inspection.
    public var location: String
    /// Units returned.
    public var quantity: Int
    /// Why they came back, as the person at the counter wrote it.
    public var reason: String
    /// Whether the prescription was reopened so a replacement can be dispensed.
    public var reopened: Bool
    /// The prescription's status after the return.
    public var prescriptionStatus: String
    /// The database user who took them back.
    public var actor: String
}

/// Handing reserved garments over, and taking garments back.
///
/// ```swift
/// let dispensing = Dispensing(connection: c)
/// let handed = try dispensing.dispense(reservation: "R-0MZ4K8D-3QX7T2A", key: "hand-over-7")
/// let back = try dispensing.takeBack(dispense: handed.id, reason: "wrong colour", location: "shop", key: "ret-1")
/// ```
public struct Dispensing: Sendable {
    /// The connection every call uses.
    public let connection: Connection
    /// The shop's calendar day, against which prescriptions' validity and lots' expiry are judged.
    public let today: CalendarDay

    /// Dispensing operations on `connection`, judging dates against `today` (default: today in
    /// the counter's time zone).
    public init(connection: Connection, today: CalendarDay = .today()) {
        self.connection = connection
        self.today = today
    }

    /// Hands over the garment held by an active reservation: stock leaves the shelf (a dispense
    /// movement), the prescription counts it dispensed, and becomes completed when all are.
    /// Refused when the prescription is no longer active or valid, or the held unit's lot has
    /// since expired, been recalled or put on hold.
    ///
    /// `reservation` is its reference, or its number together with `rx`, the prescription it is
    /// for; when `rx` is given it must be that one (a counter that names the prescription never
    /// hands over another patient's garment).
    public func dispense(reservation: String, rx: String? = nil, key: String) throws -> DispenseRecord {
        try Operations.call(
            connection,
            """
            SELECT cfit_dispense(\(key), \(Operations.fingerprint("dispense", [reservation, rx])), \(reservation), \(rx),
                                 \(today))::text AS result
            """
        )
    }

    /// Takes back `quantity` garments (default: all not yet returned) of `dispense` (its reference,
    /// or its number with `rx`, which must be its prescription when given) into
    /// `location`, in the dispense's lot, as returned units awaiting inspection — on hand, never
    /// offered — until ``Stock/releaseReturn(sku:quantity:location:lot:key:)`` puts them back or
    /// ``Stock/writeOff(sku:quantity:location:lot:reason:note:key:)`` removes them.
    ///
    /// The prescription counts them as no longer dispensed. A completed prescription stays
    /// completed unless `reopen` is set (to dispense a replacement), and is reopened only while
    /// still valid.
    public func takeBack(
        dispense: String,
        rx: String? = nil,
        quantity: Int? = nil,
        reason: String,
        location: String,
        reopen: Bool = false,
        key: String
    ) throws -> ReturnRecord {
        if let quantity { try InventoryError.checkUnits(quantity, "quantity") }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty, reason.count <= 500 else {
            throw InventoryError(
                .badInput, field: "reason",
                text: "expected why the garment came back (1 to 500 characters), found '\(reason)'")
        }
        let request = [dispense, rx, quantity.map(String.init), reason, location, reopen ? "reopen" : nil]
        return try Operations.call(
            connection,
            """
            SELECT cfit_return(\(key), \(Operations.fingerprint("return", request)), \(dispense), \(rx), \(quantity.map(Int32.init)),
                               \(reason), \(location), \(reopen), \(today))::text AS result
            """
        )
    }

    /// The dispense of `sku` for prescription `rx` that still has garments not returned, when
    /// there is exactly one; otherwise an error listing the dispenses to choose from.
    public func dispenseToReturn(rx: String, sku: String) throws -> String {
        let article = try Stock.article(sku, on: connection)
        let rows = try connection.query(
            """
            SELECT d.reference, d.quantity - d.quantity_returned AS outstanding, l.code AS lot
            FROM dispense d JOIN prescription_item i ON i.id = d.prescription_item_id JOIN prescription p ON p.id = i.prescription_id
            LEFT JOIN lot l ON l.id = d.lot_id
            WHERE p.number = \(rx) AND d.sku = \(article) AND d.quantity > d.quantity_returned ORDER BY d.id
            """
        )
        guard rows.count == 1 else {
            if rows.count == 0 {
                _ = try Prescriptions.load(number: rx, on: connection)
                throw InventoryError.refused("return: rx \(rx) has no garment of \(article) dispensed and not returned")
            }
            let choices = try rows.map {
                "\(try $0.decode(String.self, "reference")) (lot \(try $0.decode(String?.self, "lot") ?? "-"), \(try $0.decode(Int.self, "outstanding")) out)"
            }
            throw InventoryError(
                .badInput, field: "dispense",
                text:
                    "expected the dispense to undo, since rx \(rx) has \(rows.count) dispenses of \(article): \(choices.joined(separator: ", "))"
            )
        }
        return try rows[0].decode(String.self, "reference")
    }

    /// Who received lot `lot` of `sku`: every dispense of it, for a recall.
    public func recipients(sku: String, lot: String) throws -> [(patient: String, prescription: String, at: Date)] {
        let article = try Stock.article(sku, on: connection)
        return try connection.query(
            """
            SELECT pa.reference, p.number, d.handed_over_at FROM dispense d JOIN lot l ON l.id = d.lot_id
            JOIN prescription_item i ON i.id = d.prescription_item_id JOIN prescription p ON p.id = i.prescription_id
            JOIN patient pa ON pa.id = p.patient_id WHERE d.sku = \(article) AND l.code = \(lot) ORDER BY d.id
            """
        ).map {
            (
                try $0.decode(String.self, "reference"), try $0.decode(String.self, "number"),
                try $0.decode(Date.self, "handed_over_at")
            )
        }
    }
}

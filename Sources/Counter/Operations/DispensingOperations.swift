import Fitting
import Foundation
public import Inventory

/// Holding one garment of an article for a prescription, from the earliest-expiring usable lot.
///
/// ```swift
/// let held = try ReserveRequest(prescription: "RX-1", sku: "NW-CL-AD2-II-R-C-BE").run(on: desk, key: "k1")
/// ```
public struct ReserveRequest: Sendable, Decodable, Hashable {
    /// The prescription's number.
    public var prescription: String
    /// The article: SKU, GTIN or scanned code.
    public var sku: String
    /// Where the garment is taken from; the desk's location when not given.
    public var location: String?
    /// Why this article is reserved although the prescription's last fitting chose another size
    /// in its line, or made-to-measure: without it such a reservation is refused (conflict).
    public var confirmedReason: String?

    /// A reservation of `sku` for `prescription`; `confirmedReason` when it departs from the last fitting.
    public init(prescription: String, sku: String, location: String? = nil, confirmedReason: String? = nil) {
        self.prescription = prescription
        self.sku = sku
        self.location = location
        self.confirmedReason = confirmedReason
    }

    /// Holds the garment, once per `key`.
    public func run(on desk: Desk, key: String) throws -> ReservationRecord {
        try Reservations(connection: desk.connection, today: desk.today).reserve(
            rx: try Input.code(prescription, field: "prescription"),
            sku: try Input.article(sku, field: "sku", today: desk.today),
            location: try Input.optionalCode(location, field: "location") ?? desk.location,
            confirmedReason: try Input.optional(confirmedReason, field: "confirmedReason"), key: key)
    }
}

/// Taking dispensed garments back: they keep their lot and wait for inspection, never offered.
/// The dispense is named by its number, or found by the prescription and the article when that
/// prescription has exactly one dispense of it not yet returned.
public struct ReturnRequest: Sendable, Decodable, Hashable {
    /// Why they came back.
    public var reason: String
    /// Garments returned; all of the dispense not yet returned when not given.
    public var quantity: NumberText?
    /// Where they go; the desk's location when not given.
    public var location: String?
    /// Reopen a completed prescription, to dispense a replacement.
    public var reopen: Bool?

    /// A return of `quantity` garments (all when `nil`) for `reason`.
    public init(reason: String, quantity: NumberText? = nil, location: String? = nil, reopen: Bool? = nil) {
        self.reason = reason
        self.quantity = quantity
        self.location = location
        self.reopen = reopen
    }

    /// Which dispense is returned.
    public enum Dispense: Sendable, Hashable {
        /// The dispense with this reference, or this number when `rx`, its prescription, is given
        /// (as typed); when `rx` is given it must be the dispense's.
        case reference(String, rx: String?)
        /// The one dispense of `sku` for prescription `rx` not yet returned.
        case of(rx: String, sku: String)
    }

    /// Takes the garments back, once per `key`.
    public func run(on desk: Desk, dispense: Dispense, key: String) throws -> ReturnRecord {
        let dispensing = Dispensing(connection: desk.connection, today: desk.today)
        let id: String
        let check: String?
        switch dispense {
        case .reference(let text, let rx):
            id = try Input.reference(text, field: "dispense")
            check = try Input.optionalCode(rx, field: "prescription")
        case .of(let rx, let sku):
            id = try dispensing.dispenseToReturn(
                rx: try Input.code(rx, field: "rx"), sku: try Input.article(sku, field: "sku", today: desk.today))
            check = nil
        }
        return try dispensing.takeBack(
            dispense: id, rx: check,
            quantity: try quantity.map { (number) throws(CounterError) in
                try Input.wholeNumber(number.text, field: "quantity")
            },
            reason: reason, location: try Input.optionalCode(location, field: "location") ?? desk.location,
            reopen: reopen ?? false, key: key)
    }
}

extension Desk {
    /// Hands over the garment a reservation holds, once per `key`: `reservation` is its reference
    /// or, with `rx`, its number (as typed); `rx`, when given, must be the prescription it is for.
    /// With `scan`, the box in the hand — its GTIN, GS1 code or SKU as scanned — must be the
    /// reserved article (and lot, when the scan carries one): a different box is refused and
    /// nothing is handed over.
    public func dispense(reservation: String, rx: String? = nil, scan: String? = nil, key: String) throws
        -> DispenseRecord
    {
        let id = try Input.reference(reservation, field: "reservation")
        let check = try Input.optionalCode(rx, field: "prescription")
        if let scan { try confirmBox(scan, reservation: id, rx: check) }
        return try Dispensing(connection: connection, today: today).dispense(reservation: id, rx: check, key: key)
    }

    /// Refuses `scan` unless it names the article, and the lot when it carries one, that
    /// `reservation` holds.
    func confirmBox(_ scan: String, reservation: String, rx: String?) throws {
        let held = try Reservations(connection: connection, today: today).show(reservation, rx: rx)
        let text = try Input.scannedText(scan, field: "scan")
        var lot: String?
        var code = text.trimmingCharacters(in: .whitespaces)
        if GS1Scan.looksScanned(text) {
            let read = try Input.scan(text, field: "scan", referenceYear: today.year)
            code = read.gtin.gtin14
            lot = read.lot
        }
        let scanned = try Articles(connection: connection).show(code).sku
        let reserved = "\(held.sku)\(held.lot.map { ", lot \($0)" } ?? "")"
        guard scanned == held.sku else {
            throw CounterError.plain(
                .refused,
                "scan: expected the reserved box, \(reserved), found \(scanned): hand over the reserved box, or release the reservation and reserve this one"
            )
        }
        if let lot, let heldLot = held.lot, lot != heldLot {
            throw CounterError.plain(
                .refused,
                "scan: expected the reserved box, \(reserved), found lot \(lot): hand over the box of lot \(heldLot)")
        }
    }

    /// Gives the garment a reservation holds back to stock, once per `key` (`reservation` and `rx`
    /// as for ``dispense(reservation:rx:key:)``).
    public func release(reservation: String, rx: String? = nil, key: String) throws -> ReservationRecord {
        try Reservations(connection: connection, today: today).release(
            try Input.reference(reservation, field: "reservation"),
            rx: try Input.optionalCode(rx, field: "prescription"),
            key: key)
    }

    /// A prescription as the counter works on it: the record, its active reservations, and the
    /// garments handed over for it.
    public func prescriptionAtCounter(_ number: String) throws -> PrescriptionAtCounter {
        let rx = try prescription(number)
        let held = try Reservations(connection: connection, today: today).list(rx: rx.number, status: "active")
        let handedOver = try Patients(connection: connection).show(rx.patient).dispenses.filter {
            $0.prescription == rx.number
        }
        return PrescriptionAtCounter(prescription: rx, reservations: held, handedOver: handedOver)
    }
}

/// A prescription with what the counter does next to it: garments held (to hand over or
/// release) and garments handed over (to take back).
public struct PrescriptionAtCounter: Sendable {
    /// The prescription.
    public let prescription: PrescriptionRecord
    /// Its active reservations.
    public let reservations: [ReservationRecord]
    /// Garments handed over for it.
    public let handedOver: [PatientHistory.HandOver]
}

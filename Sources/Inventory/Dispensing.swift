public import Foundation
public import Postgres

/// A hand-over: a reserved garment given to the patient, shaped like FHIR's DeviceDispense.
public struct DispenseRecord: Codable, Sendable, Hashable {
    /// The dispense's number.
    public var id: Int64
    /// The reservation it fulfilled.
    public var reservation: Int64
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

/// Handing reserved garments over, and taking garments back.
///
/// ```swift
/// let handed = try Dispensing(connection: c).dispense(reservation: 7, key: "hand-over-7")
/// ```
public struct Dispensing: Sendable {
    /// The connection every call uses.
    public let connection: Connection

    /// Dispensing operations on `connection`.
    public init(connection: Connection) {
        self.connection = connection
    }

    /// Hands over the garment held by an active reservation: stock leaves the shelf (a dispense
    /// movement), the prescription counts it dispensed, and becomes completed when all are.
    public func dispense(reservation id: Int64, key: String) throws -> DispenseRecord {
        try Idempotency(connection: connection).run("dispense", key: key) { tx in
            let rows = try tx.query(
                """
                SELECT r.status, r.balance_id, r.prescription_item_id, r.quantity, i.prescription_id, p.status AS rx_status
                FROM reservation r JOIN prescription_item i ON i.id = r.prescription_item_id JOIN prescription p ON p.id = i.prescription_id
                WHERE r.id = \(id) FOR UPDATE OF r
                """
            )
            guard rows.count > 0 else {
                throw InventoryError.unknown("RESERVATION", "a reservation number", String(id))
            }
            let row = rows[0]
            let status = try row.decode(String.self, "status")
            guard status == "active" else {
                throw InventoryError.refused("reservation \(id): is \(status), not active")
            }
            let rxStatus = try row.decode(String.self, "rx_status")
            guard rxStatus == "active" else {
                throw InventoryError.refused("reservation \(id): its prescription is \(rxStatus)")
            }
            let itemID = try row.decode(Int64.self, "prescription_item_id")
            let balance = try row.decode(Int64.self, "balance_id")
            let quantity = try row.decode(Int.self, "quantity")
            // Same lock order as reserve: the prescription item, then the balance.
            try tx.execute(
                """
                UPDATE prescription_item SET quantity_reserved = quantity_reserved - \(quantity),
                    quantity_dispensed = quantity_dispensed + \(quantity) WHERE id = \(itemID)
                """
            )
            try tx.execute(
                "UPDATE stock_balance SET on_hand = on_hand - \(quantity), reserved = reserved - \(quantity) WHERE id = \(balance)"
            )
            try tx.execute("UPDATE reservation SET status = 'fulfilled', closed_at = now() WHERE id = \(id)")
            let rx = try row.decode(Int64.self, "prescription_id")
            let number = try tx.query("SELECT number FROM prescription WHERE id = \(rx)")[0].decode(
                String.self, "number")
            _ = try Stock.post(
                balance: balance, delta: -quantity, reason: "dispense", reference: "reservation \(id), rx \(number)",
                key: nil, on: tx)
            let dispenseID = try tx.query(
                """
                INSERT INTO dispense (reservation_id, prescription_item_id, sku, lot_id, location_id, quantity, idempotency_key)
                SELECT \(id), \(itemID), b.sku, b.lot_id, b.location_id, \(quantity), \(key) FROM stock_balance b WHERE b.id = \(balance)
                RETURNING id
                """
            )[0].decode(Int64.self, "id")
            try tx.execute(
                """
                UPDATE prescription SET status = 'completed' WHERE id = \(rx)
                  AND NOT EXISTS (SELECT 1 FROM prescription_item WHERE prescription_id = \(rx) AND quantity_dispensed < quantity_prescribed)
                """
            )
            return try Self.load(dispenseID, on: tx)
        }
    }

    /// Takes back `quantity` dispensed garments of `sku` for prescription `rx` into `location`
    /// (a return movement); the prescription counts them as not dispensed and is active again.
    public func takeBack(sku: String, quantity: Int, rx: String, location: String, key: String) throws -> MovementRecord
    {
        guard quantity > 0 else {
            throw InventoryError(.badInput, "QTY: expected a positive number of units, found \(quantity)")
        }
        return try Idempotency(connection: connection).run("return", key: key) { tx in
            let article = try Stock.article(sku, on: tx)
            let locationID = try Stock.locationID(location, on: tx)
            let items = try tx.query(
                """
                SELECT i.id, p.id AS rx_id,
                       (SELECT coalesce(sum(d.quantity), 0) FROM dispense d WHERE d.prescription_item_id = i.id AND d.sku = \(article))::int8 AS handed
                FROM prescription p JOIN prescription_item i ON i.prescription_id = p.id WHERE p.number = \(rx) FOR UPDATE OF i
                """
            )
            guard items.count > 0 else { throw InventoryError.unknown("--rx", "a prescription number", rx) }
            let item = items[0]
            let handed = try item.decode(Int.self, "handed")
            let returned = try tx.query(
                "SELECT coalesce(sum(delta), 0)::int8 AS n FROM stock_movement WHERE reason = 'return' AND sku = \(article) AND reference = \("rx \(rx)")"
            )[0].decode(Int.self, "n")
            guard quantity <= handed - returned else {
                throw InventoryError.refused(
                    "return: rx \(rx) had \(handed - returned) of \(article) dispensed and not returned; \(quantity) cannot come back"
                )
            }
            try tx.execute(
                "UPDATE prescription_item SET quantity_dispensed = quantity_dispensed - \(quantity) WHERE id = \(try item.decode(Int64.self, "id"))"
            )
            try tx.execute(
                "UPDATE prescription SET status = 'active' WHERE id = \(try item.decode(Int64.self, "rx_id")) AND status = 'completed'"
            )
            let balance = try tx.query(
                """
                INSERT INTO stock_balance (sku, location_id, lot_id, on_hand) VALUES (\(article), \(locationID), NULL, \(quantity))
                ON CONFLICT (sku, location_id, lot_id) DO UPDATE SET on_hand = stock_balance.on_hand + EXCLUDED.on_hand RETURNING id
                """
            )[0].decode(Int64.self, "id")
            return try Stock.post(
                balance: balance, delta: quantity, reason: "return", reference: "rx \(rx)", key: nil, on: tx)
        }
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

    static func load(_ id: Int64, on connection: Connection) throws -> DispenseRecord {
        let row = try connection.query(
            """
            SELECT d.id, d.reservation_id, p.number, d.sku, l.code AS lot, loc.code AS location, d.quantity, d.handed_over_at, d.actor
            FROM dispense d JOIN prescription_item i ON i.id = d.prescription_item_id JOIN prescription p ON p.id = i.prescription_id
            JOIN location loc ON loc.id = d.location_id LEFT JOIN lot l ON l.id = d.lot_id WHERE d.id = \(id)
            """
        )[0]
        return DispenseRecord(
            id: try row.decode(Int64.self, "id"),
            reservation: try row.decode(Int64.self, "reservation_id"),
            prescription: try row.decode(String.self, "number"),
            sku: try row.decode(String.self, "sku"),
            lot: try row.decode(String?.self, "lot"),
            location: try row.decode(String.self, "location"),
            quantity: try row.decode(Int.self, "quantity"),
            handedOverAt: try row.decode(Date.self, "handed_over_at"),
            actor: try row.decode(String.self, "actor")
        )
    }
}

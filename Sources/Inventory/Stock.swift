public import Foundation
public import Postgres

/// One movement as it was posted: what changed where, and the balance after it.
public struct MovementRecord: Codable, Sendable, Hashable {
    /// The ledger row's id.
    public var id: Int64
    /// The article.
    public var sku: String
    /// The location's code.
    public var location: String
    /// The lot's code, if the stock is lot-tracked.
    public var lot: String?
    /// The change in units (never 0).
    public var delta: Int
    /// On hand at that balance after the movement.
    public var onHandAfter: Int
    /// Why: receipt, dispense, return, count_adjustment, transfer_in, transfer_out…
    public var reason: String
    /// What caused it (a reservation, a prescription…).
    public var reference: String?
    /// The database user who posted it.
    public var actor: String
    /// When.
    public var occurredAt: Date
}

/// One stock balance: an article (and lot) at a location.
public struct BalanceRecord: Codable, Sendable, Hashable {
    /// The article.
    public var sku: String
    /// The location's code.
    public var location: String
    /// The lot's code, if any.
    public var lot: String?
    /// The lot's expiry, if any.
    public var expiresOn: Date?
    /// Units physically here.
    public var onHand: Int
    /// Units held by active reservations.
    public var reserved: Int
    /// Units that can be reserved: on hand minus reserved.
    public var available: Int { onHand - reserved }
}

/// An article at or below its minimum, with what to order.
public struct LowStock: Codable, Sendable, Hashable {
    /// The article.
    public var sku: String
    /// The location's code.
    public var location: String
    /// Available units (on hand − reserved).
    public var available: Int
    /// The minimum set for it here.
    public var minimum: Int
    /// How many to order: the rule's reorder quantity, or enough to be back above the minimum.
    public var suggestedOrder: Int
}

/// The stock ledger and balances: receiving, counting, transferring, history, reorder.
///
/// Every write is one transaction that posts ledger rows and updates balances together, and is
/// idempotent by key.
///
/// ```swift
/// let stock = Stock(connection: connection)
/// try stock.receive(sku: "NW-CL-AD2-II-R-C-BE", quantity: 5, location: "shop", key: "delivery-123")
/// ```
public struct Stock: Sendable {
    /// The connection every call uses.
    public let connection: Connection

    /// Stock operations on `connection`.
    public init(connection: Connection) {
        self.connection = connection
    }

    /// Adds a location (or returns the existing one with that code).
    @discardableResult
    public func addLocation(code: String, name: String) throws -> Int64 {
        try connection.query(
            """
            INSERT INTO location (code, name) VALUES (\(code), \(name))
            ON CONFLICT (code) DO UPDATE SET name = location.name RETURNING id
            """
        )[0].decode(Int64.self, "id")
    }

    /// Books `quantity` units of `sku` in at `location` (optionally as lot `lot` expiring `expires`).
    @discardableResult
    public func receive(
        sku: String,
        quantity: Int,
        location: String,
        lot: String? = nil,
        expires: Date? = nil,
        reason: String = "receipt",
        reference: String? = nil,
        key: String
    ) throws -> MovementRecord {
        guard quantity > 0 else {
            throw InventoryError(.badInput, "QTY: expected a positive number of units, found \(quantity)")
        }
        return try Idempotency(connection: connection).run("stock.\(reason)", key: key) { tx in
            let article = try Self.article(sku, on: tx)
            let locationID = try Self.locationID(location, on: tx)
            var lotID: Int64?
            if let lot {
                lotID = try tx.query(
                    """
                    INSERT INTO lot (sku, code, expires_on) VALUES (\(article), \(lot), \(expires)::date)
                    ON CONFLICT (sku, code) DO UPDATE SET expires_on = COALESCE(EXCLUDED.expires_on, lot.expires_on)
                    RETURNING id
                    """
                )[0].decode(Int64.self, "id")
            }
            let balance = try tx.query(
                """
                INSERT INTO stock_balance (sku, location_id, lot_id, on_hand) VALUES (\(article), \(locationID), \(lotID), \(quantity))
                ON CONFLICT (sku, location_id, lot_id) DO UPDATE SET on_hand = stock_balance.on_hand + EXCLUDED.on_hand
                RETURNING id, on_hand
                """
            )[0]
            return try Self.post(
                balance: try balance.decode(Int64.self, "id"),
                delta: quantity,
                reason: reason,
                reference: reference,
                key: key,
                on: tx
            )
        }
    }

    /// Sets on hand to what was counted by posting the difference as a movement; refuses to count
    /// below what is reserved. Applies to the article's stock in lot `lot` at `location` (without a
    /// lot when `nil`).
    public func count(sku: String, counted: Int, location: String, lot: String? = nil, key: String) throws
        -> MovementRecord?
    {
        guard counted >= 0 else {
            throw InventoryError(.badInput, "QTY: expected a count of 0 or more, found \(counted)")
        }
        return try Idempotency(connection: connection).run("stock.count", key: key) { tx -> MovementRecord? in
            let article = try Self.article(sku, on: tx)
            let locationID = try Self.locationID(location, on: tx)
            var lotID: Int64?
            if let lot {
                let lots = try tx.query("SELECT id FROM lot WHERE sku = \(article) AND code = \(lot)")
                guard lots.count > 0 else {
                    throw InventoryError.unknown("--lot", "a lot of \(article) received before", lot)
                }
                lotID = try lots[0].decode(Int64.self, "id")
            }
            try tx.execute(
                """
                INSERT INTO stock_balance (sku, location_id, lot_id) VALUES (\(article), \(locationID), \(lotID))
                ON CONFLICT (sku, location_id, lot_id) DO NOTHING
                """
            )
            let row = try tx.query(
                """
                SELECT id, on_hand, reserved FROM stock_balance
                WHERE sku = \(article) AND location_id = \(locationID) AND lot_id IS NOT DISTINCT FROM \(lotID) FOR UPDATE
                """
            )[0]
            let onHand = try row.decode(Int.self, "on_hand")
            let reserved = try row.decode(Int.self, "reserved")
            guard counted >= reserved else {
                throw InventoryError.refused(
                    "count: \(sku) at \(location) has \(reserved) reserved; a count of \(counted) would leave reservations without stock (release them first)"
                )
            }
            guard counted != onHand else { return nil }
            try tx.execute(
                "UPDATE stock_balance SET on_hand = \(counted) WHERE id = \(try row.decode(Int64.self, "id"))")
            return try Self.post(
                balance: try row.decode(Int64.self, "id"),
                delta: counted - onHand,
                reason: "count_adjustment",
                reference: "count",
                key: key,
                on: tx
            )
        }
    }

    /// Moves `quantity` available units of `sku` (without a lot, or from the earliest-expiring lots)
    /// from one location to another, as a transfer_out and a transfer_in in one transaction.
    public func transfer(sku: String, quantity: Int, from: String, to: String, key: String) throws -> [MovementRecord] {
        guard quantity > 0 else {
            throw InventoryError(.badInput, "QTY: expected a positive number of units, found \(quantity)")
        }
        guard from != to else {
            throw InventoryError(.badInput, "--to: expected a location other than --from, found '\(to)'")
        }
        return try Idempotency(connection: connection).run("stock.transfer", key: key) { tx in
            let article = try Self.article(sku, on: tx)
            let fromID = try Self.locationID(from, on: tx)
            let toID = try Self.locationID(to, on: tx)
            var remaining = quantity
            var movements: [MovementRecord] = []
            let sources = try tx.query(
                """
                SELECT b.id, b.lot_id, b.on_hand - b.reserved AS available FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
                WHERE b.sku = \(article) AND b.location_id = \(fromID) AND b.on_hand > b.reserved
                ORDER BY l.expires_on NULLS LAST, b.id FOR UPDATE OF b
                """
            )
            for source in sources where remaining > 0 {
                let take = min(remaining, try source.decode(Int.self, "available"))
                let lotID = try source.decode(Int64?.self, "lot_id")
                try tx.execute(
                    "UPDATE stock_balance SET on_hand = on_hand - \(take) WHERE id = \(try source.decode(Int64.self, "id"))"
                )
                movements.append(
                    try Self.post(
                        balance: try source.decode(Int64.self, "id"), delta: -take, reason: "transfer_out",
                        reference: "to \(to)", key: nil, on: tx)
                )
                let target = try tx.query(
                    """
                    INSERT INTO stock_balance (sku, location_id, lot_id, on_hand) VALUES (\(article), \(toID), \(lotID), \(take))
                    ON CONFLICT (sku, location_id, lot_id) DO UPDATE SET on_hand = stock_balance.on_hand + EXCLUDED.on_hand
                    RETURNING id
                    """
                )[0].decode(Int64.self, "id")
                movements.append(
                    try Self.post(
                        balance: target, delta: take, reason: "transfer_in", reference: "from \(from)", key: nil, on: tx
                    ))
                remaining -= take
            }
            guard remaining == 0 else {
                throw InventoryError.refused(
                    "transfer: \(sku) has only \(quantity - remaining) available at \(from); \(quantity) asked")
            }
            return movements
        }
    }

    /// Balances of `sku` (or every article with stock, when `nil`; a GTIN works too), optionally at one location.
    public func balances(sku: String? = nil, location: String? = nil) throws -> [BalanceRecord] {
        var article: String?
        if let sku { article = try Self.article(sku, on: connection) }
        if let location { _ = try Self.locationID(location, on: connection) }
        return try connection.query(
            """
            SELECT b.sku, loc.code AS location, l.code AS lot, l.expires_on::timestamptz AS expires_on, b.on_hand, b.reserved
            FROM stock_balance b JOIN location loc ON loc.id = b.location_id LEFT JOIN lot l ON l.id = b.lot_id
            WHERE (\(article)::text IS NULL OR b.sku = \(article)) AND (\(location)::text IS NULL OR loc.code = \(location))
              AND (b.on_hand > 0 OR \(article)::text IS NOT NULL)
            ORDER BY b.sku, loc.code, l.expires_on NULLS LAST, l.code
            """
        ).map { row in
            BalanceRecord(
                sku: try row.decode(String.self, "sku"),
                location: try row.decode(String.self, "location"),
                lot: try row.decode(String?.self, "lot"),
                expiresOn: try row.decode(Date?.self, "expires_on"),
                onHand: try row.decode(Int.self, "on_hand"),
                reserved: try row.decode(Int.self, "reserved")
            )
        }
    }

    /// The ledger of `sku`, oldest first, with the balance after each movement.
    public func history(sku: String) throws -> [MovementRecord] {
        let article = try Self.article(sku, on: connection)
        return try connection.query(
            """
            SELECT m.id, m.sku, loc.code AS location, l.code AS lot, m.delta, m.on_hand_after, m.reason, m.reference, m.actor, m.occurred_at
            FROM stock_movement m JOIN location loc ON loc.id = m.location_id LEFT JOIN lot l ON l.id = m.lot_id
            WHERE m.sku = \(article) ORDER BY m.id
            """
        ).map(Self.movement)
    }

    /// Sets the minimum (and optionally the reorder quantity) of `sku` at `location`.
    public func setMinimum(sku: String, minimum: Int, reorderQuantity: Int? = nil, location: String) throws {
        guard minimum >= 0 else {
            throw InventoryError(.badInput, "QTY: expected a minimum of 0 or more, found \(minimum)")
        }
        if let reorderQuantity, reorderQuantity <= 0 {
            throw InventoryError(.badInput, "--reorder: expected a positive quantity, found \(reorderQuantity)")
        }
        try connection.transaction { tx in
            let article = try Self.article(sku, on: tx)
            let locationID = try Self.locationID(location, on: tx)
            try tx.execute(
                """
                INSERT INTO reorder_rule (sku, location_id, minimum, reorder_quantity) VALUES (\(article), \(locationID), \(minimum), \(reorderQuantity))
                ON CONFLICT (sku, location_id) DO UPDATE SET minimum = EXCLUDED.minimum, reorder_quantity = EXCLUDED.reorder_quantity
                """
            )
        }
    }

    /// Articles whose available stock is at or below their minimum, with a suggested order.
    public func low(location: String? = nil) throws -> [LowStock] {
        try connection.query(
            """
            SELECT r.sku, loc.code AS location, r.minimum, r.reorder_quantity,
                   COALESCE((SELECT sum(b.on_hand - b.reserved) FROM stock_balance b
                             LEFT JOIN lot l ON l.id = b.lot_id
                             WHERE b.sku = r.sku AND b.location_id = r.location_id
                               AND (l.id IS NULL OR l.status = 'approved')), 0)::int8 AS available
            FROM reorder_rule r JOIN location loc ON loc.id = r.location_id
            WHERE \(location)::text IS NULL OR loc.code = \(location)
            ORDER BY loc.code, r.sku
            """
        ).compactMap { row in
            let available = try row.decode(Int.self, "available")
            let minimum = try row.decode(Int.self, "minimum")
            guard available <= minimum else { return nil }
            let reorder = try row.decode(Int?.self, "reorder_quantity")
            return LowStock(
                sku: try row.decode(String.self, "sku"),
                location: try row.decode(String.self, "location"),
                available: available,
                minimum: minimum,
                suggestedOrder: max(reorder ?? 0, minimum + 1 - available)
            )
        }
    }

    // MARK: Shared pieces

    /// Posts a ledger row for a balance whose on_hand was just changed by `delta`.
    static func post(balance: Int64, delta: Int, reason: String, reference: String?, key: String?, on tx: Connection)
        throws
        -> MovementRecord
    {
        let row = try tx.query(
            """
            INSERT INTO stock_movement (balance_id, sku, location_id, lot_id, delta, on_hand_after, reason, reference, idempotency_key)
            SELECT b.id, b.sku, b.location_id, b.lot_id, \(delta), b.on_hand, \(reason), \(reference), \(key)
            FROM stock_balance b WHERE b.id = \(balance)
            RETURNING id, sku, (SELECT code FROM location WHERE id = location_id) AS location,
                      (SELECT code FROM lot WHERE id = lot_id) AS lot, delta, on_hand_after, reason, reference, actor, occurred_at
            """
        )[0]
        return try movement(row)
    }

    static func movement(_ row: Row) throws -> MovementRecord {
        MovementRecord(
            id: try row.decode(Int64.self, "id"),
            sku: try row.decode(String.self, "sku"),
            location: try row.decode(String.self, "location"),
            lot: try row.decode(String?.self, "lot"),
            delta: try row.decode(Int.self, "delta"),
            onHandAfter: try row.decode(Int.self, "on_hand_after"),
            reason: try row.decode(String.self, "reason"),
            reference: try row.decode(String?.self, "reference"),
            actor: try row.decode(String.self, "actor"),
            occurredAt: try row.decode(Date.self, "occurred_at")
        )
    }

    /// The SKU of an article named by SKU or GTIN, or a clear error.
    static func article(_ skuOrGTIN: String, on connection: Connection) throws -> String {
        let rows = try connection.query(
            "SELECT sku FROM article WHERE sku = \(skuOrGTIN) OR gtin14 = lpad(\(skuOrGTIN), 14, '0') ORDER BY sku = \(skuOrGTIN) DESC LIMIT 1"
        )
        guard rows.count > 0 else { throw InventoryError.unknown("SKU", "a known SKU or GTIN", skuOrGTIN) }
        return try rows[0].decode(String.self, "sku")
    }

    /// The id of the location with `code`, or a clear error listing the known codes.
    static func locationID(_ code: String, on connection: Connection) throws -> Int64 {
        let rows = try connection.query("SELECT id FROM location WHERE code = \(code)")
        guard rows.count > 0 else {
            let known = try connection.query("SELECT code FROM location ORDER BY code").map {
                try $0.decode(String.self, "code")
            }
            throw InventoryError.unknown(
                "--location", "one of \(known.isEmpty ? "(none yet: cfit seed)" : known.joined(separator: ", "))", code)
        }
        return try rows[0].decode(Int64.self, "id")
    }
}

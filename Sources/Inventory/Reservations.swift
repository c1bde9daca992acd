public import Postgres

/// A garment held for a prescription: which article, lot and location, and its state.
public struct ReservationRecord: Codable, Sendable, Hashable {
    /// The reservation's number.
    public var id: Int64
    /// The prescription it is held for.
    public var prescription: String
    /// The article.
    public var sku: String
    /// The location's code.
    public var location: String
    /// The lot's code, if lot-tracked.
    public var lot: String?
    /// Units held.
    public var quantity: Int
    /// active, fulfilled, released or expired.
    public var status: String
    /// The database user who made it.
    public var actor: String
}

/// Reserving a garment against a prescription, and releasing it.
///
/// Reservations never oversell: the balance is taken with a conditional update
/// (`on_hand - reserved >= 1`) and the database's CHECK constraints guard both the balance and the
/// prescription's quantity.
///
/// ```swift
/// let held = try Reservations(connection: c).reserve(rx: "RX-1", sku: "NW-CL-AD2-II-R-C-BE", location: "shop", key: "k1")
/// ```
public struct Reservations: Sendable {
    /// The connection every call uses.
    public let connection: Connection
    /// The shop's calendar day, against which prescriptions' validity and lots' expiry are judged.
    public let today: CalendarDay

    /// Reservation operations on `connection`, judging dates against `today` (default: today in
    /// the counter's time zone).
    public init(connection: Connection, today: CalendarDay = .today()) {
        self.connection = connection
        self.today = today
    }

    /// Holds one unit of `sku` at `location` for prescription `rx`, from the earliest-expiring
    /// approved lot. Refused when the prescription is not active, expired or fully reserved and
    /// dispensed, when the article's style or class differs from the prescription's, or when
    /// nothing is available here (the error says where it is in stock).
    public func reserve(rx: String, sku: String, location: String, key: String) throws -> ReservationRecord {
        try Idempotency(connection: connection).run("reserve", key: key, request: [rx, sku, location]) { tx in
            let article = try Stock.article(sku, on: tx)
            let locationID = try Stock.locationID(location, on: tx)
            // Lock order everywhere: prescription item, then balances by id.
            let items = try tx.query(
                """
                SELECT i.id, p.status, p.valid_until < \(today) AS expired, p.valid_from > \(today) AS early,
                       i.style, i.standard, i.class_label, i.quantity_prescribed, i.quantity_reserved, i.quantity_dispensed
                FROM prescription p JOIN prescription_item i ON i.prescription_id = p.id
                WHERE p.number = \(rx) FOR UPDATE OF i
                """
            )
            guard items.count > 0 else { throw InventoryError.unknown("--rx", "a prescription number", rx) }
            let item = items[0]
            let status = try item.decode(String.self, "status")
            guard status == "active" else { throw InventoryError.refused("rx \(rx): is \(status), not active") }
            if try item.decode(Bool?.self, "expired") == true { throw InventoryError.refused("rx \(rx): has expired") }
            if try item.decode(Bool?.self, "early") == true {
                throw InventoryError.refused("rx \(rx): is not valid yet")
            }
            let prescribed = try item.decode(Int.self, "quantity_prescribed")
            let used = try item.decode(Int.self, "quantity_reserved") + item.decode(Int.self, "quantity_dispensed")
            guard used < prescribed else {
                throw InventoryError.refused(
                    "rx \(rx): all \(prescribed) prescribed garments are already reserved or dispensed")
            }
            let details = try tx.query(
                "SELECT style, class_label, (SELECT standard FROM product_line WHERE id = line_id) AS standard, active FROM article WHERE sku = \(article)"
            )[0]
            let style = try details.decode(String.self, "style")
            let classCode =
                "\(try details.decode(String.self, "standard")):\(try details.decode(String.self, "class_label"))"
            let wanted = "\(try item.decode(String.self, "standard")):\(try item.decode(String.self, "class_label"))"
            guard style == (try item.decode(String.self, "style")), classCode == wanted else {
                throw InventoryError.refused(
                    "--sku: \(article) is \(style) \(classCode); rx \(rx) prescribes \(try item.decode(String.self, "style")) \(wanted)"
                )
            }
            guard try details.decode(Bool.self, "active") else {
                throw InventoryError.refused("--sku: \(article) is no longer in the catalog (inactive)")
            }
            // Take the earliest-expiring approved lot that still has a unit free. A concurrent reserver
            // may take the chosen row's last unit while we wait for its lock; PostgreSQL then
            // re-checks the row and we get none, so look again while some unit is still free here.
            var taken = try Self.takeOne(article, at: locationID, today: today, on: tx)
            for _ in 0..<8 where taken.count == 0 {
                guard try Self.freeUnits(article, at: locationID, today: today, on: tx) > 0 else { break }
                taken = try Self.takeOne(article, at: locationID, today: today, on: tx)
            }
            guard taken.count > 0 else {
                let elsewhere = try tx.query(
                    """
                    SELECT loc.code, sum(b.on_hand - b.reserved)::int8 AS available
                    FROM stock_balance b JOIN location loc ON loc.id = b.location_id LEFT JOIN lot l ON l.id = b.lot_id
                    WHERE b.sku = \(article) AND b.location_id <> \(locationID) AND b.on_hand > b.reserved
                      AND unusable_reason(b.state, l.status, l.expires_on, \(today)) IS NULL
                    GROUP BY loc.code ORDER BY loc.code
                    """
                ).map { "\(try $0.decode(String.self, "code")) (\(try $0.decode(Int.self, "available")))" }
                let blocked = try Stock.unusableUnits(article, at: locationID, today: today, on: tx)
                throw InventoryError.refused(
                    "out of stock: \(article) has nothing available at \(location)"
                        + (blocked > 0 ? " (\(blocked) on hand are expired, recalled, held or returned)" : "")
                        + (elsewhere.isEmpty
                            ? "; none elsewhere either" : "; available at \(elsewhere.joined(separator: ", "))")
                )
            }
            let balance = try taken[0].decode(Int64.self, "id")
            let itemID = try item.decode(Int64.self, "id")
            try tx.execute(
                "UPDATE prescription_item SET quantity_reserved = quantity_reserved + 1 WHERE id = \(itemID)")
            let id = try tx.query(
                "INSERT INTO reservation (prescription_item_id, balance_id, idempotency_key) VALUES (\(itemID), \(balance), \(key)) RETURNING id"
            )[0].decode(Int64.self, "id")
            return try Self.load(id, on: tx)
        }
    }

    /// Reserves one unit from the earliest-expiring usable balance with a unit free; returns the
    /// balance's id, or no row.
    static func takeOne(_ sku: String, at location: Int64, today: CalendarDay, on tx: Connection) throws
        -> QueryResult
    {
        try tx.query(
            """
            UPDATE stock_balance SET reserved = reserved + 1
            WHERE id = (
                SELECT b.id FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
                WHERE b.sku = \(sku) AND b.location_id = \(location) AND b.on_hand - b.reserved >= 1
                  AND unusable_reason(b.state, l.status, l.expires_on, \(today)) IS NULL
                ORDER BY l.expires_on NULLS LAST, b.id LIMIT 1 FOR UPDATE OF b
            ) AND on_hand - reserved >= 1
            RETURNING id
            """
        )
    }

    /// Units of `sku` that could still be reserved at `location`.
    static func freeUnits(_ sku: String, at location: Int64, today: CalendarDay, on tx: Connection) throws -> Int {
        try tx.query(
            """
            SELECT coalesce(sum(b.on_hand - b.reserved), 0)::int8 AS n FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
            WHERE b.sku = \(sku) AND b.location_id = \(location) AND b.on_hand - b.reserved >= 1
              AND unusable_reason(b.state, l.status, l.expires_on, \(today)) IS NULL
            """
        )[0].decode(Int.self, "n")
    }

    /// Gives a held unit back to available stock.
    public func release(_ id: Int64, key: String) throws -> ReservationRecord {
        try Idempotency(connection: connection).run("release", key: key, request: [String(id)]) { tx in
            try Self.close(id, as: "released", on: tx)
            return try Self.load(id, on: tx)
        }
    }

    /// One reservation.
    public func show(_ id: Int64) throws -> ReservationRecord {
        try Self.load(id, on: connection)
    }

    /// Ends an active reservation as `released` (or `expired`): the balance and the prescription
    /// item give the unit back.
    static func close(_ id: Int64, as status: String, on tx: Connection) throws {
        let rows = try tx.query(
            "SELECT status, balance_id, prescription_item_id FROM reservation WHERE id = \(id) FOR UPDATE")
        guard rows.count > 0 else { throw InventoryError.unknown("RESERVATION", "a reservation number", String(id)) }
        let current = try rows[0].decode(String.self, "status")
        guard current == "active" else { throw InventoryError.refused("reservation \(id): is \(current), not active") }
        try tx.execute(
            "UPDATE prescription_item SET quantity_reserved = quantity_reserved - 1 WHERE id = \(try rows[0].decode(Int64.self, "prescription_item_id"))"
        )
        try tx.execute(
            "UPDATE stock_balance SET reserved = reserved - 1 WHERE id = \(try rows[0].decode(Int64.self, "balance_id"))"
        )
        try tx.execute("UPDATE reservation SET status = \(status), closed_at = now() WHERE id = \(id)")
    }

    static func load(_ id: Int64, on connection: Connection) throws -> ReservationRecord {
        let rows = try connection.query(
            """
            SELECT r.id, p.number, b.sku, loc.code AS location, l.code AS lot, r.quantity, r.status, r.actor
            FROM reservation r JOIN prescription_item i ON i.id = r.prescription_item_id JOIN prescription p ON p.id = i.prescription_id
            JOIN stock_balance b ON b.id = r.balance_id JOIN location loc ON loc.id = b.location_id LEFT JOIN lot l ON l.id = b.lot_id
            WHERE r.id = \(id)
            """
        )
        guard rows.count > 0 else { throw InventoryError.unknown("RESERVATION", "a reservation number", String(id)) }
        let row = rows[0]
        return ReservationRecord(
            id: try row.decode(Int64.self, "id"),
            prescription: try row.decode(String.self, "number"),
            sku: try row.decode(String.self, "sku"),
            location: try row.decode(String.self, "location"),
            lot: try row.decode(String?.self, "lot"),
            quantity: try row.decode(Int.self, "quantity"),
            status: try row.decode(String.self, "status"),
            actor: try row.decode(String.self, "actor")
        )
    }
}

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

/// One stock balance: an article (and lot) at a location, usable or returned.
public struct BalanceRecord: Codable, Sendable, Hashable {
    /// The article.
    public var sku: String
    /// The location's code.
    public var location: String
    /// The lot's code, if any.
    public var lot: String?
    /// The lot's expiry, if any.
    public var expiresOn: CalendarDay?
    /// Units physically here.
    public var onHand: Int
    /// Units held by active reservations.
    public var reserved: Int
    /// Why these units may not be offered today (`returned`, `expired`, `recalled`, `on-hold`,
    /// `quarantined`), or `nil` when they may.
    public var unusable: String?
    /// Units that can be reserved: on hand minus reserved, and none when the units are unusable.
    public var available: Int { unusable == nil ? onHand - reserved : 0 }
}

/// Why units are written off: the reason the ledger records.
public enum WriteOffReason: String, Codable, Sendable, CaseIterable {
    /// The lot's expiry date has passed.
    case expired
    /// The garments are damaged.
    case damaged
    /// Returned garments that failed inspection.
    case returned
    /// The lot was recalled by its manufacturer.
    case recalled
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

/// The stock ledger and balances: receiving, counting, transferring, writing off, history, reorder.
///
/// Every write is one transaction that posts ledger rows and updates balances together, and is
/// idempotent by key. Units are *usable* when they may be offered: not returned and awaiting
/// inspection, and their lot approved and not expired on ``today`` (the shop's calendar day).
///
/// ```swift
/// let stock = Stock(connection: connection)
/// try stock.receive(sku: "NW-CL-AD2-II-R-C-BE", quantity: 5, location: "shop", lot: "L2401",
///                   expires: try CalendarDay(parsing: "2028-02-29"), key: "delivery-123")
/// try stock.count(sku: "NW-CL-AD2-II-R-C-BE", counted: 4, location: "shop", lot: "L2401", key: "count-7")
/// ```
public struct Stock: Sendable {
    /// The connection every call uses.
    public let connection: Connection
    /// The shop's calendar day, against which expiry is judged.
    public let today: CalendarDay

    /// Stock operations on `connection`, judging expiry against `today` (default: today in the
    /// counter's time zone).
    public init(connection: Connection, today: CalendarDay = .today()) {
        self.connection = connection
        self.today = today
    }

    /// Adds a location (or returns the existing one with that code). `kind` is `stock`, or
    /// `quarantine` / `returns` for an area that may hold units nobody may hand out.
    @discardableResult
    public func addLocation(code: String, name: String, kind: String = "stock") throws -> Int64 {
        try connection.query(
            """
            INSERT INTO location (code, name, kind) VALUES (\(code), \(name), \(kind))
            ON CONFLICT (code) DO UPDATE SET name = location.name RETURNING id
            """
        )[0].decode(Int64.self, "id")
    }

    /// Books `quantity` units of `sku` in at `location` (optionally as lot `lot` expiring `expires`).
    ///
    /// Refused: a lot that expired before ``today`` (unless `acceptExpired`: the units are then on
    /// hand but never offered), and an existing lot with another expiry than the one recorded.
    @discardableResult
    public func receive(
        sku: String,
        quantity: Int,
        location: String,
        lot: String? = nil,
        expires: CalendarDay? = nil,
        acceptExpired: Bool = false,
        reference: String? = nil,
        key: String
    ) throws -> MovementRecord {
        try InventoryError.checkUnits(quantity, "QTY")
        if let lot { try Self.checkCode(lot, "--lot") }
        if expires != nil && lot == nil {
            throw InventoryError(
                .badInput, "--expires: expected --lot with it (expiry belongs to a lot), found no --lot")
        }
        if let expires, expires < today, !acceptExpired {
            throw InventoryError.refused(
                "--expires: lot \(lot ?? "") expired on \(expires) (today is \(today)); give --accept-expired to book it in as expired stock, never offered"
            )
        }
        let request = ["\(quantity)", sku, location, lot, expires?.description, acceptExpired ? "expired ok" : nil]
        return try Idempotency(connection: connection).run("stock.receipt", key: key, request: request) { tx in
            let article = try Self.article(sku, on: tx)
            let locationID = try Self.locationID(location, on: tx)
            var lotID: Int64?
            if let lot {
                lotID = try Self.lot(lot, of: article, expires: expires, on: tx)
            }
            let balance = try tx.query(
                """
                INSERT INTO stock_balance (sku, location_id, lot_id, on_hand) VALUES (\(article), \(locationID), \(lotID), \(quantity))
                ON CONFLICT (sku, location_id, lot_id, state) DO UPDATE SET on_hand = stock_balance.on_hand + EXCLUDED.on_hand
                RETURNING id
                """
            )[0].decode(Int64.self, "id")
            return try Self.post(
                balance: balance, delta: quantity, reason: "receipt", reference: reference, key: key, on: tx)
        }
    }

    /// The id of lot `code` of `sku`, created when new. An expiry that differs from the one
    /// recorded is refused; one given for a lot recorded without expiry is kept.
    static func lot(_ code: String, of sku: String, expires: CalendarDay?, on tx: Connection) throws -> Int64 {
        try tx.execute(
            "INSERT INTO lot (sku, code, expires_on) VALUES (\(sku), \(code), \(expires)) ON CONFLICT (sku, code) DO NOTHING"
        )
        let row = try tx.query("SELECT id, expires_on FROM lot WHERE sku = \(sku) AND code = \(code) FOR UPDATE")[0]
        let id = try row.decode(Int64.self, "id")
        let recorded = try row.decode(CalendarDay?.self, "expires_on")
        switch (recorded, expires) {
        case (let recorded?, let given?) where recorded != given:
            throw InventoryError(
                .badInput,
                "--expires: lot \(code) of \(sku) is recorded as expiring \(recorded), found \(given); check the box (a lot has one expiry)"
            )
        case (nil, let given?):
            try tx.execute("UPDATE lot SET expires_on = \(given) WHERE id = \(id)")
        default: break
        }
        return id
    }

    /// Sets on hand to what was counted by posting the difference as a movement; refuses to count
    /// below what is reserved.
    ///
    /// A count is of one lot (`lot`), or of the article as a whole only when it has a single
    /// usable balance at `location`; otherwise it is refused, naming the lots to count. Returned
    /// units awaiting inspection are not part of a shelf count.
    public func count(sku: String, counted: Int, location: String, lot: String? = nil, key: String) throws
        -> MovementRecord?
    {
        try InventoryError.checkUnits(counted, "QTY", allowZero: true)
        if let lot { try Self.checkCode(lot, "--lot") }
        let request = ["\(counted)", sku, location, lot]
        return try Idempotency(connection: connection).run("stock.count", key: key, request: request) {
            tx -> MovementRecord? in
            let article = try Self.article(sku, on: tx)
            let locationID = try Self.locationID(location, on: tx)
            let balanceID: Int64
            if let lot {
                let lots = try tx.query("SELECT id FROM lot WHERE sku = \(article) AND code = \(lot)")
                guard lots.count > 0 else {
                    throw InventoryError.unknown("--lot", "a lot of \(article) received before", lot)
                }
                let lotID = try lots[0].decode(Int64.self, "id")
                balanceID = try tx.query(
                    """
                    INSERT INTO stock_balance (sku, location_id, lot_id) VALUES (\(article), \(locationID), \(lotID))
                    ON CONFLICT (sku, location_id, lot_id, state) DO UPDATE SET on_hand = stock_balance.on_hand
                    RETURNING id
                    """
                )[0].decode(Int64.self, "id")
            } else {
                balanceID = try Self.wholeArticleBalance(article, at: locationID, location: location, on: tx)
            }
            let row = try tx.query("SELECT on_hand, reserved FROM stock_balance WHERE id = \(balanceID) FOR UPDATE")[0]
            let onHand = try row.decode(Int.self, "on_hand")
            let reserved = try row.decode(Int.self, "reserved")
            guard counted >= reserved else {
                throw InventoryError.refused(
                    "count: \(article) at \(location)\(lot.map { " lot \($0)" } ?? "") has \(reserved) reserved; a count of \(counted) would leave reservations without stock (release them first)"
                )
            }
            guard counted != onHand else { return nil }
            try tx.execute("UPDATE stock_balance SET on_hand = \(counted) WHERE id = \(balanceID)")
            return try Self.post(
                balance: balanceID, delta: counted - onHand, reason: "count_adjustment", reference: "count", key: key,
                on: tx)
        }
    }

    /// The balance a count without a lot applies to: the article's only usable balance here (one
    /// with units, else the only one at all), or a new lot-less balance when there is none. Several
    /// are refused, naming the lots.
    private static func wholeArticleBalance(_ sku: String, at locationID: Int64, location: String, on tx: Connection)
        throws -> Int64
    {
        let balances = try tx.query(
            """
            SELECT b.id, b.on_hand, l.code AS lot FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
            WHERE b.sku = \(sku) AND b.location_id = \(locationID) AND b.state = 'usable'
            ORDER BY l.expires_on NULLS LAST, l.code NULLS FIRST
            """
        )
        var all: [(id: Int64, onHand: Int, lot: String?)] = []
        for row in balances {
            all.append(
                (
                    try row.decode(Int64.self, "id"), try row.decode(Int.self, "on_hand"),
                    try row.decode(String?.self, "lot")
                ))
        }
        let stocked = all.filter { $0.onHand > 0 }
        let candidates = stocked.isEmpty ? all : stocked
        if candidates.count == 1 { return candidates[0].id }
        if candidates.isEmpty {
            return try tx.query(
                """
                INSERT INTO stock_balance (sku, location_id, lot_id) VALUES (\(sku), \(locationID), NULL)
                ON CONFLICT (sku, location_id, lot_id, state) DO UPDATE SET on_hand = stock_balance.on_hand RETURNING id
                """
            )[0].decode(Int64.self, "id")
        }
        let lots = candidates.map { "\($0.lot ?? "(no lot)") (\($0.onHand) on the books)" }
        throw InventoryError(
            .badInput,
            "--lot: expected the lot counted, since \(sku) at \(location) is held in \(candidates.count) lots: \(lots.joined(separator: ", ")); count each lot on its own"
        )
    }

    /// Moves `quantity` units of `sku` from one location to another, as transfer_out and
    /// transfer_in movements in one transaction, earliest-expiring lots first.
    ///
    /// Only usable units move, unless `unusable` is set: then only unusable ones (expired, held,
    /// recalled, returned) move, and only to a quarantine or returns location. Every balance
    /// involved is locked in id order before any changes, so transfers in opposite directions
    /// never deadlock.
    public func transfer(
        sku: String,
        quantity: Int,
        from: String,
        to: String,
        unusable: Bool = false,
        key: String
    ) throws -> [MovementRecord] {
        try InventoryError.checkUnits(quantity, "QTY")
        guard from != to else {
            throw InventoryError(.badInput, "--to: expected a location other than --from, found '\(to)'")
        }
        let request = ["\(quantity)", sku, from, to, unusable ? "unusable" : nil]
        return try Idempotency(connection: connection).run("stock.transfer", key: key, request: request) { tx in
            let article = try Self.article(sku, on: tx)
            let fromID = try Self.locationID(from, on: tx)
            let toID = try Self.locationID(to, on: tx)
            if unusable {
                let kind = try tx.query("SELECT kind FROM location WHERE id = \(toID)")[0].decode(String.self, "kind")
                guard kind != "stock" else {
                    throw InventoryError(
                        .badInput,
                        "--to: expected a quarantine or returns location for unusable units, found '\(to)' (a stock location)"
                    )
                }
            }
            let wanted = unusable ? "IS NOT NULL" : "IS NULL"
            // Targets first (no source locks held), then every balance of the article at both
            // places locked in id order.
            try tx.execute(
                """
                INSERT INTO stock_balance (sku, location_id, lot_id, state)
                SELECT b.sku, \(toID), b.lot_id, b.state FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
                WHERE b.sku = \(article) AND b.location_id = \(fromID) AND b.on_hand > b.reserved
                  AND unusable_reason(b.state, l.status, l.expires_on, \(today)) \(unescaped: wanted)
                ON CONFLICT (sku, location_id, lot_id, state) DO NOTHING
                """
            )
            try tx.execute(
                """
                SELECT 1 FROM stock_balance WHERE sku = \(article) AND location_id IN (\(fromID), \(toID))
                ORDER BY id FOR UPDATE
                """
            )
            let sources = try tx.query(
                """
                SELECT b.id, b.lot_id, b.state, b.on_hand - b.reserved AS movable FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
                WHERE b.sku = \(article) AND b.location_id = \(fromID) AND b.on_hand > b.reserved
                  AND unusable_reason(b.state, l.status, l.expires_on, \(today)) \(unescaped: wanted)
                ORDER BY l.expires_on NULLS LAST, b.id
                """
            )
            var remaining = quantity
            var movements: [MovementRecord] = []
            for source in sources where remaining > 0 {
                let take = min(remaining, try source.decode(Int.self, "movable"))
                let sourceID = try source.decode(Int64.self, "id")
                try tx.execute("UPDATE stock_balance SET on_hand = on_hand - \(take) WHERE id = \(sourceID)")
                movements.append(
                    try Self.post(
                        balance: sourceID, delta: -take, reason: "transfer_out", reference: "to \(to)", key: nil, on: tx
                    )
                )
                let target = try tx.query(
                    """
                    UPDATE stock_balance SET on_hand = on_hand + \(take)
                    WHERE sku = \(article) AND location_id = \(toID) AND lot_id IS NOT DISTINCT FROM \(try source.decode(Int64?.self, "lot_id"))
                      AND state = \(try source.decode(String.self, "state"))
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
                let kind = unusable ? "unusable" : "usable"
                var message =
                    "transfer: \(article) has only \(quantity - remaining) \(kind) unit\(quantity - remaining == 1 ? "" : "s") free to move at \(from); \(quantity) asked"
                if !unusable {
                    let blocked = try Self.unusableUnits(article, at: fromID, today: today, on: tx)
                    if blocked > 0 {
                        message +=
                            " (\(blocked) more on hand are expired, recalled, held or returned: move those with --unusable to a quarantine or returns location)"
                    }
                }
                throw InventoryError.refused(message)
            }
            return movements
        }
    }

    /// Writes `quantity` units of `sku` off the books at `location` (from lot `lot`, or the
    /// stock without a lot): a `write_off` movement recording why.
    ///
    /// The reason must match the units: `expired` takes units of a lot expired by ``today``,
    /// `recalled` of a recalled lot, `returned` returned units awaiting inspection; `damaged`
    /// takes usable units. Reserved units are never written off.
    public func writeOff(
        sku: String,
        quantity: Int,
        location: String,
        lot: String?,
        reason: WriteOffReason,
        note: String? = nil,
        key: String
    ) throws -> MovementRecord {
        try InventoryError.checkUnits(quantity, "QTY")
        if let lot { try Self.checkCode(lot, "--lot") }
        let request = ["\(quantity)", sku, location, lot, reason.rawValue, note]
        return try Idempotency(connection: connection).run("stock.write-off", key: key, request: request) { tx in
            let article = try Self.article(sku, on: tx)
            let locationID = try Self.locationID(location, on: tx)
            let state = reason == .returned ? "returned" : "usable"
            let rows = try tx.query(
                """
                SELECT b.id, b.on_hand, b.reserved, unusable_reason(b.state, l.status, l.expires_on, \(today)) AS unusable
                FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
                WHERE b.sku = \(article) AND b.location_id = \(locationID) AND b.state = \(state)
                  AND l.code IS NOT DISTINCT FROM \(lot)
                FOR UPDATE OF b
                """
            )
            let place = "\(article) at \(location)\(lot.map { " lot \($0)" } ?? " without a lot")"
            guard rows.count > 0 else {
                throw InventoryError.refused(
                    "write-off: \(place) has no \(reason == .returned ? "returned units awaiting inspection" : "stock")"
                )
            }
            let row = rows[0]
            let unusable = try row.decode(String?.self, "unusable")
            switch reason {
            case .expired where unusable != "expired", .recalled where unusable != "recalled":
                throw InventoryError.refused(
                    "write-off: \(place) is \(unusable ?? "usable"), not \(reason.rawValue); give the reason that applies (damaged for usable units)"
                )
            default: break
            }
            let free = try row.decode(Int.self, "on_hand") - row.decode(Int.self, "reserved")
            guard quantity <= free else {
                throw InventoryError.refused(
                    "write-off: \(place) has \(free) unit\(free == 1 ? "" : "s") not reserved; \(quantity) asked (release reservations first)"
                )
            }
            let id = try row.decode(Int64.self, "id")
            try tx.execute("UPDATE stock_balance SET on_hand = on_hand - \(quantity) WHERE id = \(id)")
            return try Self.post(
                balance: id, delta: -quantity, reason: "write_off", reference: "write-off: \(reason.rawValue)",
                key: key,
                note: note, on: tx)
        }
    }

    /// Puts `quantity` returned units of `sku` at `location` (lot `lot`, or without a lot) that
    /// passed inspection back into usable stock: a `return_to_stock` movement out of the returned
    /// balance and one into the usable balance of the same lot.
    public func releaseReturn(sku: String, quantity: Int, location: String, lot: String?, key: String) throws
        -> [MovementRecord]
    {
        try InventoryError.checkUnits(quantity, "QTY")
        if let lot { try Self.checkCode(lot, "--lot") }
        let request = ["\(quantity)", sku, location, lot]
        return try Idempotency(connection: connection).run("stock.release-return", key: key, request: request) { tx in
            let article = try Self.article(sku, on: tx)
            let locationID = try Self.locationID(location, on: tx)
            let returned = try tx.query(
                """
                SELECT b.id, b.lot_id FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
                WHERE b.sku = \(article) AND b.location_id = \(locationID) AND b.state = 'returned'
                  AND l.code IS NOT DISTINCT FROM \(lot)
                """
            )
            let place = "\(article) at \(location)\(lot.map { " lot \($0)" } ?? " without a lot")"
            guard returned.count > 0 else {
                throw InventoryError.refused("release-return: \(place) has no returned units awaiting inspection")
            }
            let sourceID = try returned[0].decode(Int64.self, "id")
            let lotID = try returned[0].decode(Int64?.self, "lot_id")
            let targetID = try tx.query(
                """
                INSERT INTO stock_balance (sku, location_id, lot_id) VALUES (\(article), \(locationID), \(lotID))
                ON CONFLICT (sku, location_id, lot_id, state) DO UPDATE SET on_hand = stock_balance.on_hand RETURNING id
                """
            )[0].decode(Int64.self, "id")
            let held = try tx.query(
                "SELECT id, on_hand FROM stock_balance WHERE id IN (\(sourceID), \(targetID)) ORDER BY id FOR UPDATE")
            let waiting = try held.first { try $0.decode(Int64.self, "id") == sourceID }!.decode(Int.self, "on_hand")
            guard quantity <= waiting else {
                throw InventoryError.refused(
                    "release-return: \(place) has \(waiting) returned unit\(waiting == 1 ? "" : "s") awaiting inspection; \(quantity) asked"
                )
            }
            try tx.execute("UPDATE stock_balance SET on_hand = on_hand - \(quantity) WHERE id = \(sourceID)")
            let out = try Self.post(
                balance: sourceID, delta: -quantity, reason: "return_to_stock", reference: "passed inspection",
                key: key, on: tx)
            try tx.execute("UPDATE stock_balance SET on_hand = on_hand + \(quantity) WHERE id = \(targetID)")
            let back = try Self.post(
                balance: targetID, delta: quantity, reason: "return_to_stock", reference: "passed inspection", key: nil,
                on: tx)
            return [out, back]
        }
    }

    /// Balances of `sku` (or every article with stock, when `nil`; a GTIN works too), optionally
    /// at one location, each saying whether its units may be offered today.
    public func balances(sku: String? = nil, location: String? = nil) throws -> [BalanceRecord] {
        var article: String?
        if let sku { article = try Self.article(sku, on: connection) }
        if let location { _ = try Self.locationID(location, on: connection) }
        return try connection.query(
            """
            SELECT b.sku, loc.code AS location, l.code AS lot, l.expires_on, b.on_hand, b.reserved,
                   unusable_reason(b.state, l.status, l.expires_on, \(today)) AS unusable
            FROM stock_balance b JOIN location loc ON loc.id = b.location_id LEFT JOIN lot l ON l.id = b.lot_id
            WHERE (\(article)::text IS NULL OR b.sku = \(article)) AND (\(location)::text IS NULL OR loc.code = \(location))
              AND (b.on_hand > 0 OR \(article)::text IS NOT NULL)
            ORDER BY b.sku, loc.code, b.state DESC, l.expires_on NULLS LAST, l.code
            """
        ).map { row in
            BalanceRecord(
                sku: try row.decode(String.self, "sku"),
                location: try row.decode(String.self, "location"),
                lot: try row.decode(String?.self, "lot"),
                expiresOn: try row.decode(CalendarDay?.self, "expires_on"),
                onHand: try row.decode(Int.self, "on_hand"),
                reserved: try row.decode(Int.self, "reserved"),
                unusable: try row.decode(String?.self, "unusable")
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
        try InventoryError.checkUnits(minimum, "QTY", allowZero: true)
        if let reorderQuantity { try InventoryError.checkUnits(reorderQuantity, "--reorder") }
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

    /// Articles whose usable available stock is at or below their minimum, with a suggested order.
    public func low(location: String? = nil) throws -> [LowStock] {
        try connection.query(
            """
            SELECT r.sku, loc.code AS location, r.minimum, r.reorder_quantity, coalesce(a.available, 0)::int8 AS available
            FROM reorder_rule r JOIN location loc ON loc.id = r.location_id
            LEFT JOIN LATERAL (
                SELECT sum(b.on_hand - b.reserved) AS available FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
                WHERE b.sku = r.sku AND b.location_id = r.location_id
                  AND unusable_reason(b.state, l.status, l.expires_on, \(today)) IS NULL
            ) a ON true
            WHERE (\(location)::text IS NULL OR loc.code = \(location)) AND coalesce(a.available, 0) <= r.minimum
            ORDER BY loc.code, r.sku
            """
        ).map { row in
            let available = try row.decode(Int.self, "available")
            let minimum = try row.decode(Int.self, "minimum")
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

    /// Units of `sku` on hand at `location` that may not be offered (expired, held, recalled, returned).
    static func unusableUnits(_ sku: String, at location: Int64, today: CalendarDay, on tx: Connection) throws -> Int {
        try tx.query(
            """
            SELECT coalesce(sum(b.on_hand - b.reserved), 0)::int8 AS n FROM stock_balance b LEFT JOIN lot l ON l.id = b.lot_id
            WHERE b.sku = \(sku) AND b.location_id = \(location)
              AND unusable_reason(b.state, l.status, l.expires_on, \(today)) IS NOT NULL
            """
        )[0].decode(Int.self, "n")
    }

    /// Posts a ledger row for a balance whose on_hand was just changed by `delta`.
    static func post(
        balance: Int64,
        delta: Int,
        reason: String,
        reference: String?,
        key: String?,
        note: String? = nil,
        returnID: Int64? = nil,
        on tx: Connection
    ) throws -> MovementRecord {
        let row = try tx.query(
            """
            INSERT INTO stock_movement (balance_id, sku, location_id, lot_id, delta, on_hand_after, reason, reference,
                                        idempotency_key, note, dispense_return_id)
            SELECT b.id, b.sku, b.location_id, b.lot_id, \(delta), b.on_hand, \(reason), \(reference), \(key), \(note), \(returnID)
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

    /// A code typed for `field` (a lot, a number) must be non-empty, without surrounding
    /// spaces, and at most 100 characters.
    static func checkCode(_ code: String, _ field: String) throws {
        guard !code.isEmpty, code.count <= 100, code.trimmingCharacters(in: .whitespaces) == code else {
            throw InventoryError(
                .badInput,
                "\(field): expected a code of 1 to 100 characters without surrounding spaces, found '\(code)'")
        }
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

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
    public var unusable: UnusableReason?
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
    /// How many it needs: the rule's reorder quantity, or enough to be back above the minimum.
    public var needed: Int
    /// Transfers from other locations that cover part of it: their usable units above their own
    /// minimum, the largest spare first.
    public var transfers: [Transfer]
    /// How many to order once those transfers are made.
    public var suggestedOrder: Int

    /// Units another location can spare.
    public struct Transfer: Codable, Sendable, Hashable {
        /// The location to move them from.
        public var from: String
        /// Units to move.
        public var quantity: Int
    }
}

/// Units of a lot that expires soon (or has expired) and are still on hand, to sell first, move or
/// write off.
public struct ExpiringLot: Codable, Sendable, Hashable {
    /// The article.
    public var sku: String
    /// The lot code.
    public var lot: String
    /// The last day the lot may be used.
    public var expiresOn: CalendarDay
    /// Days from today to that day (negative once it has passed).
    public var daysLeft: Int
    /// The location's code.
    public var location: String
    /// Units on hand there.
    public var onHand: Int
    /// Of them, held by reservations.
    public var reserved: Int
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
    /// `quarantine` / `returns` for an area that may hold units nobody may hand out. Admins only.
    @discardableResult
    public func addLocation(code: String, name: String, kind: String = "stock") throws -> Int64 {
        try Operations.call(connection, "SELECT to_jsonb(cfit_add_location(\(code), \(name), \(kind)))::text AS result")
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
        try InventoryError.checkUnits(quantity, "quantity")
        if let lot { try Self.checkCode(lot, "lot") }
        if expires != nil && lot == nil {
            throw InventoryError(
                .badInput, field: "expires", text: "expected --lot with it (expiry belongs to a lot), found no --lot")
        }
        if let expires, expires < today, !acceptExpired {
            throw InventoryError.refused(
                field: "expires",
                "lot \(lot ?? "") expired on \(expires) (today is \(today)); give --accept-expired to book it in as expired stock, never offered"
            )
        }
        let request = ["\(quantity)", sku, location, lot, expires?.description, acceptExpired ? "expired ok" : nil]
        return try Operations.call(
            connection,
            """
            SELECT cfit_receive(\(key), \(Operations.fingerprint("stock.receipt", request)), \(sku), \(Int32(quantity)),
                                \(location), \(lot), \(expires), \(reference))::text AS result
            """
        )
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
        try InventoryError.checkUnits(counted, "quantity", allowZero: true)
        if let lot { try Self.checkCode(lot, "lot") }
        let request = ["\(counted)", sku, location, lot]
        return try Operations.call(
            connection,
            """
            SELECT cfit_count(\(key), \(Operations.fingerprint("stock.count", request)), \(sku), \(Int32(counted)),
                              \(location), \(lot))::text AS result
            """
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
        try InventoryError.checkUnits(quantity, "quantity")
        guard from != to else {
            throw InventoryError(.badInput, field: "to", text: "expected a location other than --from, found '\(to)'")
        }
        let request = ["\(quantity)", sku, from, to, unusable ? "unusable" : nil]
        return try Operations.call(
            connection,
            """
            SELECT cfit_transfer(\(key), \(Operations.fingerprint("stock.transfer", request)), \(sku), \(Int32(quantity)),
                                 \(from), \(to), \(unusable), \(today))::text AS result
            """
        )
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
        try InventoryError.checkUnits(quantity, "quantity")
        if let lot { try Self.checkCode(lot, "lot") }
        let request = ["\(quantity)", sku, location, lot, reason.rawValue, note]
        return try Operations.call(
            connection,
            """
            SELECT cfit_write_off(\(key), \(Operations.fingerprint("stock.write-off", request)), \(sku), \(Int32(quantity)),
                                  \(location), \(lot), \(reason.rawValue), \(note), \(today))::text AS result
            """
        )
    }

    /// Puts `quantity` returned units of `sku` at `location` (lot `lot`, or without a lot) that
    /// passed inspection back into usable stock: a `return_to_stock` movement out of the returned
    /// balance and one into the usable balance of the same lot.
    public func releaseReturn(sku: String, quantity: Int, location: String, lot: String?, key: String) throws
        -> [MovementRecord]
    {
        try InventoryError.checkUnits(quantity, "quantity")
        if let lot { try Self.checkCode(lot, "lot") }
        let request = ["\(quantity)", sku, location, lot]
        return try Operations.call(
            connection,
            """
            SELECT cfit_release_return(\(key), \(Operations.fingerprint("stock.release-return", request)), \(sku),
                                       \(Int32(quantity)), \(location), \(lot))::text AS result
            """
        )
    }

    /// Balances of `sku` (or every article with stock, when `nil`; a GTIN works too), optionally
    /// at one location, each saying whether its units may be offered today.
    public func balances(sku: String? = nil, location: String? = nil) throws -> [BalanceRecord] {
        // The article, the location and the balances in one round trip; the lookups only name
        // what was not found.
        try Self.balanceRecords(
            connection.pipeline(Self.balanceQueries(sku: sku, location: location, today: today)), sku: sku,
            location: location)
    }

    /// The two queries of ``balances(sku:location:)``, for a caller that sends them with others.
    static func balanceQueries(sku: String?, location: String?, today: CalendarDay) -> [PostgresQuery] {
        [
            """
            SELECT cfit_find_article(\(sku)) AS sku,
                   (SELECT id FROM location WHERE code = \(location)) AS location,
                   (SELECT string_agg(code, ', ' ORDER BY code) FROM location) AS known
            """,
            """
            SELECT b.sku, loc.code AS location, l.code AS lot, l.expires_on, b.on_hand, b.reserved,
                   unusable_reason(b.state, l.status, l.expires_on, \(today)) AS unusable
            FROM stock_balance b JOIN location loc ON loc.id = b.location_id LEFT JOIN lot l ON l.id = b.lot_id
            WHERE (\(sku)::text IS NULL OR b.sku = cfit_find_article(\(sku)))
              AND (\(location)::text IS NULL OR loc.code = \(location))
              AND (b.on_hand > 0 OR \(sku)::text IS NOT NULL)
            ORDER BY b.sku, loc.code, b.state DESC, l.expires_on NULLS LAST, l.code
            """,
        ]
    }

    /// The balances from the results of ``balanceQueries(sku:location:today:)``.
    static func balanceRecords(_ results: some Collection<QueryResult>, sku: String?, location: String?) throws
        -> [BalanceRecord]
    {
        let found = results[results.startIndex][0]
        if let sku, try found.decode(String?.self, "sku") == nil {
            throw InventoryError.unknown("sku", "a known SKU or GTIN", sku)
        }
        if let location, try found.decode(Int64?.self, "location") == nil {
            let known = try found.decode(String?.self, "known") ?? "(none yet: add a location first)"
            throw InventoryError.unknown("location", "one of \(known)", location)
        }
        return try results[results.index(after: results.startIndex)].map { row in
            BalanceRecord(
                sku: try row.decode(String.self, "sku"),
                location: try row.decode(String.self, "location"),
                lot: try row.decode(String?.self, "lot"),
                expiresOn: try row.decode(CalendarDay?.self, "expires_on"),
                onHand: try row.decode(Int.self, "on_hand"),
                reserved: try row.decode(Int.self, "reserved"),
                unusable: try row.decode(closedOrNil: UnusableReason.self, "unusable")
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
        try InventoryError.checkUnits(minimum, "quantity", allowZero: true)
        if let reorderQuantity { try InventoryError.checkUnits(reorderQuantity, "reorder") }
        let _: Bool = try Operations.call(
            connection,
            """
            SELECT to_jsonb(true)::text AS result,
                   cfit_set_minimum(\(sku), \(location), \(Int32(minimum)), \(reorderQuantity.map(Int32.init)))
            """
        )
    }

    /// Articles whose usable available stock is at or below their minimum, with a suggested order.
    public func low(location: String? = nil) throws -> [LowStock] {
        let low = try connection.query(
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
            let needed = max(reorder ?? 0, minimum + 1 - available)
            return LowStock(
                sku: try row.decode(String.self, "sku"), location: try row.decode(String.self, "location"),
                available: available, minimum: minimum, needed: needed, transfers: [], suggestedOrder: needed)
        }
        return try coveredByTransfers(low)
    }

    /// `low` with what other locations can spare moved first: each location's usable units above
    /// its own minimum (all of them where it has none), the largest spare first, shared out in
    /// the list's order; what is left is ordered.
    private func coveredByTransfers(_ low: [LowStock]) throws -> [LowStock] {
        guard !low.isEmpty else { return low }
        let skus = Set(low.map(\.sku)).sorted().joined(separator: "\u{1F}")
        var spare: [String: [(location: String, units: Int)]] = [:]
        for row in try connection.query(
            """
            SELECT b.sku, loc.code AS location,
                   (sum(b.on_hand - b.reserved) - coalesce(max(r.minimum), 0))::int8 AS spare
            FROM stock_balance b JOIN location loc ON loc.id = b.location_id LEFT JOIN lot l ON l.id = b.lot_id
            LEFT JOIN reorder_rule r ON r.sku = b.sku AND r.location_id = b.location_id
            WHERE b.sku = ANY(string_to_array(\(skus), chr(31))) AND loc.active AND loc.kind = 'stock'
              AND unusable_reason(b.state, l.status, l.expires_on, \(today)) IS NULL
            GROUP BY b.sku, loc.code
            HAVING sum(b.on_hand - b.reserved) - coalesce(max(r.minimum), 0) > 0
            ORDER BY b.sku, 3 DESC, loc.code
            """
        ) {
            spare[try row.decode(String.self, "sku"), default: []].append(
                (try row.decode(String.self, "location"), try row.decode(Int.self, "spare")))
        }
        return low.map { item in
            var item = item
            var missing = item.needed
            for index in (spare[item.sku] ?? []).indices where missing > 0 {
                let source = spare[item.sku]![index]
                guard source.location != item.location, source.units > 0 else { continue }
                let moved = min(source.units, missing)
                item.transfers.append(LowStock.Transfer(from: source.location, quantity: moved))
                spare[item.sku]![index].units -= moved
                missing -= moved
            }
            item.suggestedOrder = missing
            return item
        }
    }

    /// Lots on hand that expire within `days` of today, the expired ones included, soonest first
    /// (at `location`, or everywhere).
    public func expiring(within days: Int, location: String? = nil) throws -> [ExpiringLot] {
        let horizon = today.adding(days: days)
        return try connection.query(
            """
            SELECT b.sku, l.code AS lot, l.expires_on, (l.expires_on - \(today))::int8 AS days_left, loc.code AS location,
                   b.on_hand::int8 AS on_hand, b.reserved::int8 AS reserved
            FROM stock_balance b JOIN lot l ON l.id = b.lot_id JOIN location loc ON loc.id = b.location_id
            WHERE b.on_hand > 0 AND l.expires_on IS NOT NULL AND l.expires_on <= \(horizon)
              AND (\(location)::text IS NULL OR loc.code = \(location))
            ORDER BY l.expires_on, b.sku, l.code, loc.code
            """
        ).map { row in
            ExpiringLot(
                sku: try row.decode(String.self, "sku"), lot: try row.decode(String.self, "lot"),
                expiresOn: try row.decode(CalendarDay.self, "expires_on"),
                daysLeft: try row.decode(Int.self, "days_left"),
                location: try row.decode(String.self, "location"), onHand: try row.decode(Int.self, "on_hand"),
                reserved: try row.decode(Int.self, "reserved"))
        }
    }

    // MARK: Shared pieces

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
                .badInput, field: field,
                text: "expected a code of 1 to 100 characters without surrounding spaces, found '\(code)'")
        }
    }

    /// The SKU of an article named by SKU or GTIN, or a clear error.
    static func article(_ skuOrGTIN: String, on connection: Connection) throws -> String {
        let found = try connection.query("SELECT cfit_find_article(\(skuOrGTIN)) AS sku")[0]
        guard let sku = try found.decode(String?.self, "sku") else {
            throw InventoryError.unknown("sku", "a known SKU or GTIN", skuOrGTIN)
        }
        return sku
    }
}

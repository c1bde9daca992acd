public import Postgres

/// What `Checks.run` found: mismatches in the books, and stock to write off.
public struct CheckReport: Codable, Sendable, Hashable {
    /// Every inconsistency, in words; empty when the books add up.
    public var problems: [String]
    /// Balances holding units that may never be handed out again (expired or recalled lots):
    /// not a mismatch, but stock to write off.
    public var toWriteOff: [String]
    /// Prescriptions past their last valid day that `cfit expire` has not yet marked, with what
    /// they still hold: not a mismatch, but reservations to release.
    public var toExpire: [String] = []
}

/// Consistency checks of the stock and prescriptions: each returns what is wrong, in words.
///
/// ```swift
/// let report = try Checks(connection: c).run()   // report.problems == [] when everything adds up
/// ```
public struct Checks: Sendable {
    /// The connection every call uses.
    public let connection: Connection
    /// The shop's calendar day, against which lots' expiry is judged.
    public let today: CalendarDay

    /// Checks on `connection`, judging expiry against `today` (default: today in the counter's
    /// time zone).
    public init(connection: Connection, today: CalendarDay = .today()) {
        self.connection = connection
        self.today = today
    }

    /// Every inconsistency found — on_hand ≠ Σ ledger deltas, reserved ≠ Σ active reservations, a
    /// negative balance, reserved + dispensed > prescribed, a prescription item's counts not
    /// matching its reservations, dispenses and returns, a return movement that names no
    /// dispense, a dispense whose returned count differs from its returns — and the balances to
    /// write off. Read in one repeatable-read snapshot, one pass per table.
    public func run() throws -> CheckReport {
        try connection.transaction(isolation: .repeatableRead) { tx in
            var problems: [String] = []
            for row in try tx.query(
                """
                SELECT b.id, b.sku, loc.code AS location, b.on_hand, b.reserved,
                       coalesce(m.ledger, 0)::int8 AS ledger, coalesce(r.held, 0)::int8 AS held
                FROM stock_balance b JOIN location loc ON loc.id = b.location_id
                LEFT JOIN (SELECT balance_id, sum(delta) AS ledger FROM stock_movement GROUP BY balance_id) m ON m.balance_id = b.id
                LEFT JOIN (SELECT balance_id, sum(quantity) AS held FROM reservation WHERE status = 'active' GROUP BY balance_id) r
                       ON r.balance_id = b.id
                WHERE b.on_hand <> coalesce(m.ledger, 0) OR b.reserved <> coalesce(r.held, 0) OR b.on_hand < 0 OR b.reserved < 0
                ORDER BY b.id
                """
            ) {
                let place =
                    "\(try row.decode(String.self, "sku")) at \(try row.decode(String.self, "location")) (balance \(try row.decode(Int64.self, "id")))"
                let onHand = try row.decode(Int.self, "on_hand")
                let reserved = try row.decode(Int.self, "reserved")
                let ledger = try row.decode(Int.self, "ledger")
                let held = try row.decode(Int.self, "held")
                if onHand != ledger {
                    problems.append("\(place): on hand \(onHand), but the ledger adds up to \(ledger)")
                }
                if reserved != held {
                    problems.append("\(place): reserved \(reserved), but active reservations hold \(held)")
                }
                if onHand < 0 || reserved < 0 {
                    problems.append("\(place): negative balance (on hand \(onHand), reserved \(reserved))")
                }
            }
            for row in try tx.query(
                """
                SELECT p.number, i.quantity_prescribed, i.quantity_reserved, i.quantity_dispensed,
                       coalesce(r.held, 0)::int8 AS held, coalesce(d.handed, 0)::int8 AS handed, coalesce(d.returned, 0)::int8 AS returned
                FROM prescription_item i JOIN prescription p ON p.id = i.prescription_id
                LEFT JOIN (SELECT prescription_item_id, sum(quantity) AS held FROM reservation WHERE status = 'active'
                           GROUP BY prescription_item_id) r ON r.prescription_item_id = i.id
                LEFT JOIN (SELECT prescription_item_id, sum(quantity) AS handed, sum(quantity_returned) AS returned FROM dispense
                           GROUP BY prescription_item_id) d ON d.prescription_item_id = i.id
                WHERE i.quantity_reserved + i.quantity_dispensed > i.quantity_prescribed
                   OR i.quantity_reserved <> coalesce(r.held, 0)
                   OR i.quantity_dispensed <> coalesce(d.handed, 0) - coalesce(d.returned, 0)
                ORDER BY p.id
                """
            ) {
                let number = try row.decode(String.self, "number")
                let prescribed = try row.decode(Int.self, "quantity_prescribed")
                let reserved = try row.decode(Int.self, "quantity_reserved")
                let dispensed = try row.decode(Int.self, "quantity_dispensed")
                let held = try row.decode(Int.self, "held")
                if reserved + dispensed > prescribed {
                    problems.append(
                        "rx \(number): \(reserved) reserved + \(dispensed) dispensed exceeds \(prescribed) prescribed")
                }
                if reserved != held {
                    problems.append("rx \(number): counts \(reserved) reserved, but active reservations hold \(held)")
                }
                let net = try row.decode(Int.self, "handed") - row.decode(Int.self, "returned")
                if dispensed != net {
                    problems.append(
                        "rx \(number): counts \(dispensed) dispensed, but hand-overs less returns are \(net)")
                }
            }
            for row in try tx.query(
                """
                SELECT d.id, d.quantity_returned, coalesce(r.returned, 0)::int8 AS returned, coalesce(m.moved, 0)::int8 AS moved
                FROM dispense d
                LEFT JOIN (SELECT dispense_id, sum(quantity) AS returned FROM dispense_return GROUP BY dispense_id) r ON r.dispense_id = d.id
                LEFT JOIN (SELECT x.dispense_id, sum(m.delta) AS moved FROM stock_movement m JOIN dispense_return x ON x.id = m.dispense_return_id
                           WHERE m.reason = 'return' GROUP BY x.dispense_id) m ON m.dispense_id = d.id
                WHERE d.quantity_returned <> coalesce(r.returned, 0) OR coalesce(r.returned, 0) <> coalesce(m.moved, 0)
                ORDER BY d.id
                """
            ) {
                let id = try row.decode(Int64.self, "id")
                problems.append(
                    "dispense \(id): counts \(try row.decode(Int.self, "quantity_returned")) returned, its returns hold \(try row.decode(Int.self, "returned")), and their return movements add up to \(try row.decode(Int.self, "moved"))"
                )
            }
            for row in try tx.query(
                """
                SELECT m.id, m.sku, m.reference FROM stock_movement m
                WHERE m.reason = 'return' AND m.dispense_return_id IS NULL ORDER BY m.id
                """
            ) {
                problems.append(
                    "movement \(try row.decode(Int64.self, "id")) (\(try row.decode(String.self, "sku"))): a return that names no dispense (reference '\(try row.decode(String?.self, "reference") ?? "")')"
                )
            }
            let toWriteOff = try tx.query(
                """
                SELECT b.sku, loc.code AS location, l.code AS lot, l.expires_on, b.on_hand,
                       unusable_reason(b.state, l.status, l.expires_on, \(today)) AS why
                FROM stock_balance b JOIN location loc ON loc.id = b.location_id JOIN lot l ON l.id = b.lot_id
                WHERE b.on_hand > 0 AND unusable_reason(b.state, l.status, l.expires_on, \(today)) IN ('expired', 'recalled')
                ORDER BY b.sku, loc.code, l.code
                """
            ).map { row in
                let why = try row.decode(String.self, "why")
                let expiry = try row.decode(CalendarDay?.self, "expires_on")
                return
                    "\(try row.decode(String.self, "sku")) at \(try row.decode(String.self, "location")) lot \(try row.decode(String.self, "lot")): \(try row.decode(Int.self, "on_hand")) on hand, \(why == "expired" ? "expired \(expiry.map(\.description) ?? "")" : "recalled") — write off with --reason \(why)"
            }
            let toExpire = try tx.query(
                """
                SELECT p.number, pa.reference, p.valid_until, i.quantity_reserved
                FROM prescription p JOIN prescription_item i ON i.prescription_id = p.id JOIN patient pa ON pa.id = p.patient_id
                WHERE p.status IN ('active', 'on-hold') AND p.valid_until < \(today)
                ORDER BY p.valid_until, p.number
                """
            ).map { row in
                let held = try row.decode(Int.self, "quantity_reserved")
                return
                    "rx \(try row.decode(String.self, "number")) (patient \(try row.decode(String.self, "reference"))): valid until \(try row.decode(CalendarDay.self, "valid_until")), \(held == 0 ? "nothing reserved" : "\(held) reserved unit(s) held") — run cfit expire"
            }
            return CheckReport(problems: problems, toWriteOff: toWriteOff, toExpire: toExpire)
        }
    }
}

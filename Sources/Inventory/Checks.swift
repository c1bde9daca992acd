public import Postgres

/// Consistency checks of the stock and prescriptions: each returns what is wrong, in words.
///
/// ```swift
/// let problems = try Checks(connection: c).run()   // [] when everything adds up
/// ```
public struct Checks: Sendable {
    /// The connection every call uses.
    public let connection: Connection

    /// Checks on `connection`.
    public init(connection: Connection) {
        self.connection = connection
    }

    /// Every inconsistency found: on_hand ≠ Σ ledger deltas, reserved ≠ Σ active reservations,
    /// a negative balance, reserved + dispensed > prescribed, or a prescription item's counts not
    /// matching its reservations and dispenses. Read in one repeatable-read snapshot.
    public func run() throws -> [String] {
        try connection.transaction(isolation: .repeatableRead) { tx in
            var problems: [String] = []
            for row in try tx.query(
                """
                SELECT b.id, b.sku, loc.code AS location, b.on_hand, b.reserved,
                       coalesce((SELECT sum(m.delta) FROM stock_movement m WHERE m.balance_id = b.id), 0)::int8 AS ledger,
                       coalesce((SELECT sum(r.quantity) FROM reservation r WHERE r.balance_id = b.id AND r.status = 'active'), 0)::int8 AS held
                FROM stock_balance b JOIN location loc ON loc.id = b.location_id ORDER BY b.id
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
                       coalesce((SELECT sum(r.quantity) FROM reservation r WHERE r.prescription_item_id = i.id AND r.status = 'active'), 0)::int8 AS held,
                       coalesce((SELECT sum(d.quantity) FROM dispense d WHERE d.prescription_item_id = i.id), 0)::int8 AS handed,
                       coalesce((SELECT sum(m.delta) FROM stock_movement m WHERE m.reason = 'return' AND m.reference = 'rx ' || p.number), 0)::int8 AS returned
                FROM prescription_item i JOIN prescription p ON p.id = i.prescription_id ORDER BY p.id
                """
            ) {
                let number = try row.decode(String.self, "number")
                let prescribed = try row.decode(Int.self, "quantity_prescribed")
                let reserved = try row.decode(Int.self, "quantity_reserved")
                let dispensed = try row.decode(Int.self, "quantity_dispensed")
                if reserved + dispensed > prescribed {
                    problems.append(
                        "rx \(number): \(reserved) reserved + \(dispensed) dispensed exceeds \(prescribed) prescribed")
                }
                if reserved != (try row.decode(Int.self, "held")) {
                    problems.append(
                        "rx \(number): counts \(reserved) reserved, but active reservations hold \(try row.decode(Int.self, "held"))"
                    )
                }
                let net = try row.decode(Int.self, "handed") - row.decode(Int.self, "returned")
                if dispensed != net {
                    problems.append(
                        "rx \(number): counts \(dispensed) dispensed, but hand-overs less returns are \(net)")
                }
            }
            return problems
        }
    }
}

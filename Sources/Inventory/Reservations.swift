public import Postgres

/// A garment held for a prescription: which article, lot and location, and its state.
public struct ReservationRecord: Codable, Sendable, Hashable {
    /// The reservation's reference (`R-0MZ4K8D-3QX7T2A`): what a person or another system calls it,
    /// unique on every server, so a promoted standby cannot hand it to another record.
    public var id: String
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
    public var status: ReservationStatus
    /// The database user who made it.
    public var actor: String
    /// Why it was reserved although the prescription's last fitting chose another size (or
    /// made-to-measure) in the article's line; `nil` when it matched or there was no fitting.
    public var confirmedReason: String?
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
    /// A ready-made article of another size than the prescription's last fitting chose in its line
    /// (or where it chose made-to-measure) is refused as a conflict unless `confirmedReason` says
    /// why; the reason is kept with the reservation.
    public func reserve(
        rx: String, sku: String, location: String, confirmedReason: String? = nil, key: String
    ) throws -> ReservationRecord {
        try Operations.call(
            connection,
            """
            SELECT cfit_reserve(\(key), \(Operations.fingerprint("reserve", [rx, sku, location] + (confirmedReason.map { [$0] } ?? []))), \(rx),
                                \(sku), \(location), \(today), \(confirmedReason))::text AS result
            """
        )
    }

    /// Gives a held unit back to available stock. `reservation` is its reference, or its number
    /// together with `rx`, the prescription it is for; when `rx` is given it must be that one.
    public func release(_ reservation: String, rx: String? = nil, key: String) throws -> ReservationRecord {
        try Operations.call(
            connection,
            """
            SELECT cfit_release(\(key), \(Operations.fingerprint("release", [reservation, rx])), \(reservation),
                                \(rx))::text AS result
            """
        )
    }

    /// One reservation, by reference (or by number with `rx`, which must be its prescription).
    public func show(_ reservation: String, rx: String? = nil) throws -> ReservationRecord {
        let id = try connection.query("SELECT cfit_find('reservation', \(reservation), \(rx)) AS id")[0]
            .decode(Int64.self, "id")
        return try Self.load(id, on: connection)
    }

    /// The reservations of prescription `rx` (only those in `status`, e.g. `active`, when given),
    /// oldest first.
    public func list(rx: String, status: String? = nil) throws -> [ReservationRecord] {
        try connection.query(
            """
            SELECT r.reference, p.number, b.sku, loc.code AS location, l.code AS lot, r.quantity, r.status, r.actor,
                   r.confirmed_reason
            FROM reservation r JOIN prescription_item i ON i.id = r.prescription_item_id JOIN prescription p ON p.id = i.prescription_id
            JOIN stock_balance b ON b.id = r.balance_id JOIN location loc ON loc.id = b.location_id LEFT JOIN lot l ON l.id = b.lot_id
            WHERE p.number = \(rx) AND (\(status)::text IS NULL OR r.status = \(status))
            ORDER BY r.id
            """
        ).map(Self.record)
    }

    static func load(_ id: Int64, on connection: Connection) throws -> ReservationRecord {
        let rows = try connection.query(
            """
            SELECT r.reference, p.number, b.sku, loc.code AS location, l.code AS lot, r.quantity, r.status, r.actor,
                   r.confirmed_reason
            FROM reservation r JOIN prescription_item i ON i.id = r.prescription_item_id JOIN prescription p ON p.id = i.prescription_id
            JOIN stock_balance b ON b.id = r.balance_id JOIN location loc ON loc.id = b.location_id LEFT JOIN lot l ON l.id = b.lot_id
            WHERE r.id = \(id)
            """
        )
        guard rows.count > 0 else {
            throw InventoryError(.notFound, field: "reservation", text: "no reservation \(id)")
        }
        return try record(rows[0])
    }

    private static func record(_ row: Row) throws -> ReservationRecord {
        ReservationRecord(
            id: try row.decode(String.self, "reference"),
            prescription: try row.decode(String.self, "number"),
            sku: try row.decode(String.self, "sku"),
            location: try row.decode(String.self, "location"),
            lot: try row.decode(String?.self, "lot"),
            quantity: try row.decode(Int.self, "quantity"),
            status: try row.decode(closed: ReservationStatus.self, "status"),
            actor: try row.decode(String.self, "actor"),
            confirmedReason: try row.decode(String?.self, "confirmed_reason")
        )
    }
}

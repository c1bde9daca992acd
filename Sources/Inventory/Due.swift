public import Postgres

/// Something a patient is due for: garments to replace, a prescription running out, legs to measure again.
public struct DueItem: Codable, Sendable, Hashable {
    /// The patient's reference.
    public var patient: String
    /// The patient's name.
    public var name: String
    /// `replacement`, `prescription-expires`, `prescription-expired` (past its last day, not yet
    /// marked by `cfit expire`, which releases what it holds) or `re-measure`.
    public var reason: String
    /// The day it falls due.
    public var due: CalendarDay
    /// What it is about, in words (the article or prescription, the last date).
    public var detail: String
}

/// What is due at the counter: garments wear out (about every 6 months), prescriptions expire,
/// and a leg measured long ago should be measured again before ordering.
///
/// ```swift
/// for item in try Due(connection: c).list(within: 30) { print(item.due, item.patient, item.reason) }
/// ```
public struct Due: Sendable {
    /// The connection every call uses.
    public let connection: Connection
    /// The shop's calendar day.
    public let today: CalendarDay

    /// Due items on `connection`, counted from `today` (default: today in the counter's time zone).
    public init(connection: Connection, today: CalendarDay = .today()) {
        self.connection = connection
        self.today = today
    }

    /// Everything due by `days` from today (overdue included), earliest first: garments handed
    /// over more than `replacementDays` ago, active prescriptions whose last day comes, and
    /// patients with an active prescription last measured more than `remeasureDays` ago (default 91:
    /// legs are measured again every 3–6 months, compression.md §5).
    public func list(within days: Int, replacementDays: Int = 182, remeasureDays: Int = 91) throws -> [DueItem] {
        try InventoryError.checkUnits(days, "within", allowZero: true)
        try InventoryError.checkUnits(replacementDays, "replace-after")
        try InventoryError.checkUnits(remeasureDays, "remeasure-after")
        let horizon = today.adding(days: days)
        return try connection.query(
            """
            SELECT * FROM (
                SELECT pa.reference, pa.display_name, 'replacement' AS reason,
                       ((max(d.handed_over_at) AT TIME ZONE 'UTC')::date + \(Int32(replacementDays))) AS due,
                       string_agg(DISTINCT d.sku, ', ') || ' last handed over ' || ((max(d.handed_over_at) AT TIME ZONE 'UTC')::date)::text
                       || CASE WHEN bool_or(i.washing_set) THEN '; the prescription covers a second set: two garments per leg, one to wear, one to wash' ELSE '' END AS detail
                FROM dispense d JOIN prescription_item i ON i.id = d.prescription_item_id
                JOIN prescription p ON p.id = i.prescription_id JOIN patient pa ON pa.id = p.patient_id
                WHERE d.quantity > d.quantity_returned
                GROUP BY pa.reference, pa.display_name
                UNION ALL
                SELECT pa.reference, pa.display_name, 'prescription-expires', p.valid_until,
                       'rx ' || p.number || ': ' || i.quantity_dispensed || ' of ' || i.quantity_prescribed || ' dispensed'
                FROM prescription p JOIN prescription_item i ON i.prescription_id = p.id JOIN patient pa ON pa.id = p.patient_id
                WHERE p.status = 'active' AND p.valid_until IS NOT NULL AND p.valid_until >= \(today)
                UNION ALL
                SELECT pa.reference, pa.display_name, 'prescription-expired', p.valid_until,
                       'rx ' || p.number || ': valid until ' || p.valid_until::text || '; '
                       || CASE WHEN i.quantity_reserved > 0
                               THEN i.quantity_reserved || ' reserved unit(s) held until cfit expire releases them'
                               ELSE 'cfit expire marks it expired' END
                FROM prescription p JOIN prescription_item i ON i.prescription_id = p.id JOIN patient pa ON pa.id = p.patient_id
                WHERE p.status IN ('active', 'on-hold') AND p.valid_until < \(today)
                UNION ALL
                SELECT pa.reference, pa.display_name, 're-measure',
                       ((max(coalesce(f.measured_at, f.taken_at)) AT TIME ZONE 'UTC')::date + \(Int32(remeasureDays))),
                       'last measured ' || ((max(coalesce(f.measured_at, f.taken_at)) AT TIME ZONE 'UTC')::date)::text
                       || '; legs are measured again every 3–6 months, and a made-to-measure order needs measurements from the last 6' 
                FROM fitting f JOIN patient pa ON pa.id = f.patient_id
                WHERE f.voided_at IS NULL AND EXISTS (SELECT 1 FROM prescription p WHERE p.patient_id = pa.id AND p.status = 'active')
                GROUP BY pa.reference, pa.display_name
            ) due
            WHERE due <= \(horizon)
            ORDER BY due, reference, reason
            """
        ).map {
            DueItem(
                patient: try $0.decode(String.self, "reference"), name: try $0.decode(String.self, "display_name"),
                reason: try $0.decode(String.self, "reason"), due: try $0.decode(CalendarDay.self, "due"),
                detail: try $0.decode(String.self, "detail"))
        }
    }
}

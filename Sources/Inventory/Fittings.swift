public import Fitting
public import Foundation
public import Postgres

/// An article that matches a fitting result, with where it is in stock.
public struct ArticleStock: Codable, Sendable, Hashable {
    /// The article.
    public var sku: String
    /// Its GTIN.
    public var gtin: String
    /// Open or closed toe.
    public var toe: String
    /// The colour.
    public var color: String
    /// Available units (on hand − reserved; usable units only: no returned, expired, held or
    /// recalled ones) at the fitter's location.
    public var here: Int
    /// Available units at each other location that has some.
    public var elsewhere: [String: Int]
}

/// The fitter's side of the database: stock for a fitting result, and recording fittings.
///
/// ```swift
/// let matches = try Fittings(connection: c).articles(for: fit, location: "shop")
/// ```
public struct Fittings: Sendable {
    /// The connection every call uses.
    public let connection: Connection
    /// The shop's calendar day, against which lots' expiry is judged.
    public let today: CalendarDay

    /// Fitting operations on `connection`, judging expiry against `today` (default: today in
    /// the counter's time zone).
    public init(connection: Connection, today: CalendarDay = .today()) {
        self.connection = connection
        self.today = today
    }

    /// The active articles of a ready-made result (its line, style, class, size and length), with
    /// stock here and elsewhere; empty for made-to-measure.
    public func articles(for fit: LineFit, location: String) throws -> [ArticleStock] {
        try articles(for: [fit], location: location)[0]
    }

    /// The articles of each result, as ``articles(for:location:)`` gives them, all in one round trip.
    public func articles(for fits: [LineFit], location: String) throws -> [[ArticleStock]] {
        var queries: [PostgresQuery] = []
        var positions: [Int?] = []
        for fit in fits {
            guard let size = fit.size, let length = fit.length else {
                positions.append(nil)
                continue
            }
            positions.append(queries.count)
            queries.append(
                """
                SELECT a.sku, a.gtin, a.toe, a.color, loc.code AS location,
                       coalesce(sum(b.on_hand - b.reserved)
                           FILTER (WHERE unusable_reason(b.state, l.status, l.expires_on, \(today)) IS NULL), 0)::int8 AS available
                FROM article a
                LEFT JOIN stock_balance b ON b.sku = a.sku
                LEFT JOIN location loc ON loc.id = b.location_id
                LEFT JOIN lot l ON l.id = b.lot_id
                WHERE a.active AND a.line_id = \(fit.line.id) AND a.style = \(fit.style.rawValue)
                  AND a.class_label = \(fit.pressureClass.label) AND a.size_name = \(size) AND a.length_name = \(length)
                GROUP BY a.sku, a.gtin, a.toe, a.color, loc.code ORDER BY a.sku, loc.code
                """
            )
        }
        let results = try connection.pipeline(queries)
        return try positions.map { position in
            guard let position else { return [] }
            return try Self.stock(results[position], location: location)
        }
    }

    /// Folds rows of (article, location, available) into one entry per article.
    private static func stock(_ rows: QueryResult, location: String) throws -> [ArticleStock] {
        var result: [ArticleStock] = []
        for row in rows {
            let sku = try row.decode(String.self, "sku")
            if result.last?.sku != sku {
                result.append(
                    ArticleStock(
                        sku: sku,
                        gtin: try row.decode(String.self, "gtin"),
                        toe: try row.decode(String.self, "toe"),
                        color: try row.decode(String.self, "color"),
                        here: 0,
                        elsewhere: [:]
                    )
                )
            }
            guard let place = try row.decode(String?.self, "location") else { continue }
            let available = try row.decode(Int.self, "available")
            if place == location {
                result[result.count - 1].here = available
            } else if available > 0 {
                result[result.count - 1].elsewhere[place] = available
            }
        }
        return result
    }

    /// Stores a fitting (the legs' measurements and the engine's results as JSON) against
    /// prescription `rx`; the fitter recorded is the database user. Returns the fitting's reference.
    public func record(
        rx: String,
        style: Style,
        pressureClass: String,
        unit: LengthUnit,
        measurements: String,
        result: String,
        arterial: ArterialRecord = ArterialRecord(),
        conditions: FittingConditions = FittingConditions(),
        key: String
    ) throws -> String {
        let checklist = conditions.contraindications.map(\.rawValue)
        let request: [String?] = [
            rx, style.rawValue, pressureClass, unit.rawValue, measurements, arterial.left?.description,
            arterial.right?.description, arterial.confirmedBy, conditions.json, checklist.joined(separator: ","),
            arterial.pressuresJSON,
        ]
        return try Operations.call(
            connection,
            """
            SELECT cfit_record_fitting(\(key), \(Operations.fingerprint("fit.record", request)), \(rx), \(style.rawValue),
                                       \(pressureClass), \(unit.rawValue), \(measurements)::jsonb, \(result)::jsonb,
                                       \(arterial.left?.description)::numeric, \(arterial.right?.description)::numeric,
                                       \(arterial.confirmedBy), \(conditions.json)::jsonb,
                                       string_to_array(\(checklist.joined(separator: ",")), ','),
                                       \(arterial.pressuresJSON)::jsonb)::text AS result
            """
        )
    }
}

/// What a fitting records of the legs' arteries: each leg's ABPI, and who confirmed compression
/// where the shop's policy asks for a specialist's confirmation. The database judges each index by
/// the shop's policy again and refuses what it refuses.
public struct ArterialRecord: Sendable, Hashable {
    /// The left leg's ankle-brachial pressure index, if measured.
    public var left: ABPI?
    /// The right leg's, if measured.
    public var right: ABPI?
    /// The specialist who confirmed compression, when the policy asks for it.
    public var confirmedBy: String?

    /// The left leg's systolic ankle pressure in mmHg, if measured.
    public var anklePressureLeft: Int?
    /// The right leg's systolic ankle pressure in mmHg, if measured.
    public var anklePressureRight: Int?
    /// The left leg's toe pressure in mmHg, if measured.
    public var toePressureLeft: Int?
    /// The right leg's toe pressure in mmHg, if measured.
    public var toePressureRight: Int?

    /// A record of `left` and `right`, confirmed by `confirmedBy`, with the pressures measured.
    public init(
        left: ABPI? = nil, right: ABPI? = nil, confirmedBy: String? = nil, anklePressureLeft: Int? = nil,
        anklePressureRight: Int? = nil, toePressureLeft: Int? = nil, toePressureRight: Int? = nil
    ) {
        self.left = left
        self.right = right
        self.confirmedBy = confirmedBy
        self.anklePressureLeft = anklePressureLeft
        self.anklePressureRight = anklePressureRight
        self.toePressureLeft = toePressureLeft
        self.toePressureRight = toePressureRight
    }

    /// The pressures as the database reads them.
    var pressuresJSON: String {
        var members: [(key: String, value: JSONValue)] = []
        for (name, value) in [
            ("ankle_left", anklePressureLeft), ("ankle_right", anklePressureRight), ("toe_left", toePressureLeft),
            ("toe_right", toePressureRight),
        ] {
            if let value { members.append((name, .integer(value))) }
        }
        return JSONValue.object(members).serialized()
    }
}

/// How and when the legs were measured, and the contraindication checklist (issue 20;
/// compression.md §5): recorded with the fitting so that a reader can tell a swollen evening leg
/// from a morning one. `nil` is "not said".
public struct FittingConditions: Sendable, Hashable {
    /// When the legs were measured (the recording's time when not said).
    public var measuredAt: Date?
    /// `standing`, `seated`, `lying` or `mixed`.
    public var posture: String?
    /// Whether the points were marked on the skin first.
    public var pointsMarked: Bool?
    /// Whether bandages had just come off.
    public var afterBandages: Bool?
    /// Whether the legs were raised (15 minutes) before measuring.
    public var legsRaised: Bool?
    /// The foot's length, heel to longest toe (closed-toe garments need it).
    public var footLength: Length?
    /// What the fitter found on the checklist.
    public var contraindications: [Contraindication]

    /// Conditions as said.
    public init(
        measuredAt: Date? = nil, posture: String? = nil, pointsMarked: Bool? = nil, afterBandages: Bool? = nil,
        legsRaised: Bool? = nil, footLength: Length? = nil, contraindications: [Contraindication] = []
    ) {
        self.measuredAt = measuredAt
        self.posture = posture
        self.pointsMarked = pointsMarked
        self.afterBandages = afterBandages
        self.legsRaised = legsRaised
        self.footLength = footLength
        self.contraindications = contraindications
    }

    /// The JSON the database reads them from.
    var json: String {
        var members: [(key: String, value: JSONValue)] = []
        if let measuredAt {
            members.append(("measured_at", .string(ISO8601DateFormatter().string(from: measuredAt))))
        }
        if let posture { members.append(("posture", .string(posture))) }
        if let pointsMarked { members.append(("points_marked", .bool(pointsMarked))) }
        if let afterBandages { members.append(("after_bandages", .bool(afterBandages))) }
        if let legsRaised { members.append(("legs_raised", .bool(legsRaised))) }
        if let footLength { members.append(("foot_length_um", .integer(Int(footLength.micrometres)))) }
        return JSONValue.object(members).serialized()
    }
}

/// A recorded fitting: who measured whom, when, each point, what the engine said, and how each
/// circumference changed since the patient's previous fitting (oedema going down means measure
/// again before ordering).
public struct FittingRecord: Codable, Sendable, Hashable {
    /// One line's answer, as recorded.
    public struct Result: Codable, Sendable, Hashable {
        /// The leg (`left`, `right`), or `nil` for a single leg.
        public var side: Side?
        /// The product line.
        public var line: String
        /// `standard` or `made-to-measure`.
        public var outcome: FitOutcome
        /// The size chosen, if ready-made.
        public var size: String?
        /// The length chosen, if ready-made.
        public var length: String?
    }

    /// The fitting's reference (`F-0MZ4K8D-3QX7T2A`), unique on every server.
    public var id: String
    /// When it was taken.
    public var takenAt: Date
    /// The login that recorded it.
    public var fitter: String
    /// The prescription it was recorded against.
    public var prescription: String
    /// The patient's reference.
    public var patient: String
    /// The style fitted.
    public var style: Style
    /// The class as given.
    public var pressureClass: String
    /// The unit of the measurements.
    public var unit: String
    /// Each leg's measurements (`leg`, or `left` and `right`), point → value as typed.
    public var measurements: [String: [String: String]]
    /// What the engine answered, line by line.
    public var results: [Result]
    /// The arterial-safety policy the legs' indices were judged by, when an index was recorded.
    public var arterialPolicy: ArterialPolicy?
    /// The left leg's ABPI, as recorded (`"0.9"`).
    public var abpiLeft: String?
    /// The right leg's ABPI.
    public var abpiRight: String?
    /// Who confirmed compression where the policy asked for a specialist's confirmation.
    public var confirmedBy: String?
    /// Each leg's systolic ankle and toe pressure in mmHg, when measured: `ankle_left`, `toe_right` ….
    public var pressures: [String: Int]
    /// When the legs were measured.
    public var measuredAt: Date?
    /// `standing`, `seated`, `lying` or `mixed`, when said.
    public var posture: String?
    /// Whether the points were marked on the skin first, when said.
    public var pointsMarked: Bool?
    /// Whether bandages had just come off, when said.
    public var afterBandages: Bool?
    /// Whether the legs were raised before measuring, when said.
    public var legsRaised: Bool?
    /// The foot's length in the fitting's unit, when measured.
    public var footLength: String?
    /// The contraindication checklist's findings (relative ones, confirmed by ``confirmedBy``).
    public var contraindications: [Contraindication]
    /// Per leg and circumference point, the change since the previous fitting not voided, in
    /// `unit` (`-1.5`); empty for the first fitting and for a voided one.
    public var changes: [String: [String: String]]
    /// When, by whom and why it was voided; `nil` while it stands. A voided fitting is kept and
    /// shown, but never compared with, never the ABPI the arterial guard reads, never what a
    /// reservation or a made-to-measure order is checked against.
    public var voided: Voided?

    /// A fitting's voiding.
    public struct Voided: Codable, Sendable, Hashable {
        /// When it was voided.
        public var at: Date
        /// The login that voided it.
        public var by: String
        /// Why, as given.
        public var reason: String
    }
}

extension Fittings {
    /// Every fitting of patient `reference`, oldest first, each with its changes since the one before.
    public func history(patient reference: String) throws -> [FittingRecord] {
        try records("pa.reference = $1", reference)
    }

    /// A fitting by reference (or by number with `rx`, which must be its prescription when
    /// given), with its changes since the patient's previous fitting.
    public func show(_ fitting: String, rx: String? = nil) throws -> FittingRecord {
        let found = try connection.query(
            """
            SELECT f.reference AS fitting, pa.reference FROM fitting f JOIN patient pa ON pa.id = f.patient_id
            WHERE f.id = cfit_find('fitting', \(fitting), \(rx))
            """)[0]
        let reference = try found.decode(String.self, "fitting")
        let all = try history(patient: try found.decode(String.self, "reference"))
        return all.first { $0.id == reference }!
    }

    /// Voids fitting `fitting` (its reference, or its number with `rx`) for `reason`: kept and
    /// shown as voided, never used again (see ``FittingRecord/voided``). Refused when already voided.
    public func void(_ fitting: String, rx: String? = nil, reason: String, key: String) throws -> FittingRecord {
        let reference: String = try Operations.call(
            connection,
            """
            SELECT cfit_fitting_void(\(key), \(Operations.fingerprint("fit.void", [fitting, rx, reason])), \(fitting),
                                     \(rx), \(reason))::text AS result
            """
        )
        return try show(reference)
    }

    private func records(_ condition: String, _ value: String) throws -> [FittingRecord] {
        // The fittings, their measurements and their results: three reads in one round trip.
        let from = """
            FROM fitting f JOIN patient pa ON pa.id = f.patient_id JOIN prescription p ON p.id = f.prescription_id
            """
        let bind = [value.postgresBind]
        let results = try connection.pipeline([
            PostgresQuery(
                sql: """
                    SELECT f.id, f.reference AS fitting, f.taken_at, f.fitter, p.number, pa.reference, f.style, f.class_code, f.unit,
                           f.arterial_policy, f.abpi_left::text, f.abpi_right::text, f.confirmed_by, f.measured_at,
                           f.posture, f.points_marked, f.after_bandages, f.legs_raised, f.foot_length_um,
                           array_to_string(f.contraindications, ',') AS contraindications, f.ankle_pressure_left,
                           f.ankle_pressure_right, f.toe_pressure_left, f.toe_pressure_right, f.voided_at, f.voided_by,
                           f.void_reason \(from)
                    WHERE \(condition) ORDER BY f.taken_at, f.id
                    """, binds: bind),
            PostgresQuery(
                sql: """
                    SELECT f.id, leg.key AS side, point.key AS point, point.value AS value \(from)
                    CROSS JOIN LATERAL jsonb_each(f.measurements) leg CROSS JOIN LATERAL jsonb_each_text(leg.value) point
                    WHERE \(condition) AND jsonb_typeof(leg.value) = 'object'
                    """, binds: bind),
            // The recorded result: {"version": 1, "legs": [{"side", "lines"}]}, or as recorded before
            // versions, one leg's array of lines or {"left": […], "right": […]}.
            PostgresQuery(
                sql: """
                    SELECT f.id, r.side, r.item->>'line' AS line, r.item->>'outcome' AS outcome,
                           r.item->>'size' AS size, r.item->>'length' AS length \(from)
                    CROSS JOIN LATERAL (
                        SELECT NULL::text AS side, item
                        FROM jsonb_array_elements(CASE jsonb_typeof(f.result) WHEN 'array' THEN f.result ELSE '[]' END) item
                        UNION ALL
                        SELECT side, item FROM unnest(ARRAY['left', 'right']) side,
                            jsonb_array_elements(CASE jsonb_typeof(f.result -> side) WHEN 'array' THEN f.result -> side ELSE '[]' END) item
                        UNION ALL
                        SELECT leg->>'side', item
                        FROM jsonb_array_elements(CASE WHEN f.result ? 'version' THEN f.result -> 'legs' ELSE '[]' END) leg,
                             jsonb_array_elements(leg -> 'lines') item
                    ) r
                    WHERE \(condition) AND r.item ? 'outcome'
                    ORDER BY f.id
                    """, binds: bind),
        ])
        var measurements: [Int64: [String: [String: String]]] = [:]
        for row in results[1] {
            measurements[try row.decode(Int64.self, "id"), default: [:]][
                try row.decode(String.self, "side"), default: [:]][
                    try row.decode(String.self, "point")] = try row.decode(String.self, "value")
        }
        var lineResults: [Int64: [FittingRecord.Result]] = [:]
        for row in results[2] {
            lineResults[try row.decode(Int64.self, "id"), default: []].append(
                FittingRecord.Result(
                    side: try row.decode(closedOrNil: Side.self, "side"), line: try row.decode(String.self, "line"),
                    outcome: try row.decode(closed: FitOutcome.self, "outcome"),
                    size: try row.decode(String?.self, "size"),
                    length: try row.decode(String?.self, "length")))
        }
        var records: [FittingRecord] = []
        for row in results[0] {
            let id = try row.decode(Int64.self, "id")
            let unit = try row.decode(String.self, "unit")
            let legs = measurements[id] ?? [:]
            var changes: [String: [String: String]] = [:]
            let voided = try row.decode(Date?.self, "voided_at").map { at in
                FittingRecord.Voided(
                    at: at, by: try row.decode(String.self, "voided_by"),
                    reason: try row.decode(String.self, "void_reason"))
            }
            if voided == nil, let previous = records.last(where: { $0.voided == nil }),
                let unitNow = LengthUnit(rawValue: unit),
                let unitBefore = LengthUnit(rawValue: previous.unit)
            {
                for (side, points) in legs {
                    for (point, text) in points where MeasurementPoint(rawValue: point)?.isCircumference == true {
                        guard let before = previous.measurements[side]?[point],
                            let now = try? Length.parse(text, unit: unitNow),
                            let then = try? Length.parse(before, unit: unitBefore)
                        else { continue }
                        let delta = now.micrometres - then.micrometres
                        let magnitude = Length(micrometres: abs(delta)).tapeFormatted(in: unitNow)
                        changes[side, default: [:]][point] = delta == 0 ? "0" : (delta < 0 ? "-" : "+") + magnitude
                    }
                }
            }
            records.append(
                FittingRecord(
                    id: try row.decode(String.self, "fitting"), takenAt: try row.decode(Date.self, "taken_at"),
                    fitter: try row.decode(String.self, "fitter"),
                    prescription: try row.decode(String.self, "number"),
                    patient: try row.decode(String.self, "reference"),
                    style: try row.decode(closed: Style.self, "style"),
                    pressureClass: try row.decode(String.self, "class_code"),
                    unit: unit, measurements: legs, results: lineResults[id] ?? [],
                    arterialPolicy: try row.decode(closedOrNil: ArterialPolicy.self, "arterial_policy"),
                    abpiLeft: try row.decode(String?.self, "abpi_left").map(Self.index),
                    abpiRight: try row.decode(String?.self, "abpi_right").map(Self.index),
                    confirmedBy: try row.decode(String?.self, "confirmed_by"),
                    pressures: try Self.pressures(row),
                    measuredAt: try row.decode(Date?.self, "measured_at"),
                    posture: try row.decode(String?.self, "posture"),
                    pointsMarked: try row.decode(Bool?.self, "points_marked"),
                    afterBandages: try row.decode(Bool?.self, "after_bandages"),
                    legsRaised: try row.decode(Bool?.self, "legs_raised"),
                    footLength: try row.decode(Int64?.self, "foot_length_um").map { micrometres in
                        Length(micrometres: micrometres).formatted(in: LengthUnit(rawValue: unit) ?? .cm)
                    },
                    contraindications: try row.decode(String.self, "contraindications").split(separator: ",")
                        .compactMap { Contraindication(rawValue: String($0)) },
                    changes: changes, voided: voided))
        }
        return records
    }

    /// The pressures a row holds, by `ankle_left` … .
    static func pressures(_ row: Row) throws -> [String: Int] {
        var found: [String: Int] = [:]
        for (name, column) in [
            ("ankle_left", "ankle_pressure_left"), ("ankle_right", "ankle_pressure_right"),
            ("toe_left", "toe_pressure_left"), ("toe_right", "toe_pressure_right"),
        ] {
            if let value = try row.decode(Int?.self, column) { found[name] = value }
        }
        return found
    }

    /// An index as stored (`0.90`) as people write it (`0.9`).
    static func index(_ stored: String) -> String {
        (try? ABPI.parse(stored))?.description ?? stored
    }
}

/// The order sheet for a made-to-measure garment: everything the manufacturer needs from the
/// fitting, each measurement in the line's own unit.
public struct MadeToMeasureOrder: Codable, Sendable, Hashable {
    /// The reference of the fitting it comes from.
    public var fitting: String
    /// When the legs were measured.
    public var measuredAt: Date
    /// Who measured them.
    public var fitter: String
    /// The patient's reference.
    public var patient: String
    /// The patient's name.
    public var patientName: String
    /// The prescription.
    public var prescription: String
    /// The product line's id.
    public var line: String
    /// The line's manufacturer and name.
    public var lineName: String
    /// The style.
    public var style: String
    /// The class, `STANDARD:LABEL`.
    public var pressureClass: String
    /// open or closed.
    public var toe: String
    /// The colour.
    public var color: String
    /// left, right or both.
    public var side: String
    /// The line's unit.
    public var unit: String
    /// Each leg's points in `unit`, up the leg.
    public var measurements: [String: [String: String]]
    /// The foot's length, heel to longest toe, in the line's unit (a closed toe needs it).
    public var footLength: String?
    /// The patient's date of birth, when recorded.
    public var patientBorn: CalendarDay?
    /// The prescriber's reference.
    public var prescriber: String
    /// The prescriber's name.
    public var prescriberName: String
    /// The day the prescription was written.
    public var prescribedOn: CalendarDay?
    /// The shop ordering: the location's name and code.
    public var shop: String?
}

extension Fittings {
    /// The made-to-measure order sheet of a fitting (its reference, or its number with `rx`) for
    /// `line` (default: the one line that needed made-to-measure), with the toe and colour ordered.
    /// `shop` is the ordering location's code (the sheet names it).
    public func order(
        _ reference: String, rx: String? = nil, line: String?, toe: String, color: String, shop: String? = nil
    ) throws -> MadeToMeasureOrder {
        guard ["open", "closed"].contains(toe) else {
            throw InventoryError(.badInput, field: "toe", text: "expected open or closed, found '\(toe)'")
        }
        guard !color.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw InventoryError(.badInput, field: "color", text: "expected a colour, found an empty one")
        }
        let fitting = try show(reference, rx: rx)
        let id = fitting.id
        if let voided = fitting.voided {
            throw InventoryError.refused(
                "fitting \(id): voided (\(voided.reason)); order from a fitting that stands, or measure again")
        }
        // Made-to-measure garments are made from measurements no older than 6 months
        // (compression.md §5); a closed toe needs the foot's length.
        let measured = fitting.measuredAt ?? fitting.takenAt
        if let limit = Calendar(identifier: .gregorian).date(byAdding: .month, value: -6, to: Date()), measured < limit
        {
            let day = ISO8601DateFormatter.string(from: measured, timeZone: .current, formatOptions: [.withFullDate])
            throw InventoryError.refused(
                field: nil,
                "fitting \(id): measured on \(day), more than 6 months ago; a made-to-measure order needs measurements from the last 6 months: measure again"
            )
        }
        if toe == "closed", fitting.footLength == nil {
            throw InventoryError.refused(
                field: "toe",
                "a closed-toe garment needs the foot's length (heel to longest toe), which fitting \(id) did not record: record it with the fitting, or order an open toe"
            )
        }
        let needing = Set(fitting.results.filter { $0.outcome != .standard }.map(\.line)).sorted()
        let chosen: String
        if let line {
            guard fitting.results.contains(where: { $0.line == line }) else {
                throw InventoryError(
                    .badInput, field: "line",
                    text:
                        "expected a line of fitting \(id) (\(Set(fitting.results.map(\.line)).sorted().joined(separator: ", "))), found '\(line)'"
                )
            }
            chosen = line
        } else {
            guard needing.count == 1 else {
                throw needing.isEmpty
                    ? InventoryError(
                        .refused, field: nil,
                        text:
                            "fitting \(id): every line had a ready-made size; give --line to order made-to-measure anyway"
                    )
                    : InventoryError(
                        .badInput, field: "line",
                        text:
                            "expected the line to order, since fitting \(id) needs made-to-measure in \(needing.joined(separator: ", "))"
                    )
            }
            chosen = needing[0]
        }
        guard let productLine = try Catalogs.productLines(ids: [chosen], on: connection).first,
            let from = LengthUnit(rawValue: fitting.unit)
        else { throw InventoryError.unknown("line", "a line in the catalog", chosen) }
        let details = try connection.query(
            """
            SELECT pa.display_name, pa.birth_date, i.side, i.standard || ':' || i.class_label AS class_code,
                   pr.reference AS prescriber, pr.display_name AS prescriber_name, p.authored_on,
                   (SELECT loc.name || ' (' || loc.code || ')' FROM location loc WHERE loc.code = \(shop)) AS shop
            FROM fitting f JOIN patient pa ON pa.id = f.patient_id JOIN prescription_item i ON i.prescription_id = f.prescription_id
            JOIN prescription p ON p.id = f.prescription_id JOIN prescriber pr ON pr.id = p.prescriber_id
            WHERE f.reference = \(id)
            """
        )[0]
        var measurements: [String: [String: String]] = [:]
        for (leg, points) in fitting.measurements {
            for (point, text) in points {
                guard let value = try? Length.parse(text, unit: from) else { continue }
                measurements[leg, default: [:]][point] = value.tapeFormatted(in: productLine.unit)
            }
        }
        let side =
            measurements.keys.contains("left") || measurements.keys.contains("right")
            ? (measurements.count == 2 ? "both" : measurements.keys.first!) : try details.decode(String.self, "side")
        return MadeToMeasureOrder(
            fitting: id, measuredAt: fitting.takenAt, fitter: fitting.fitter, patient: fitting.patient,
            patientName: try details.decode(String.self, "display_name"), prescription: fitting.prescription,
            line: chosen, lineName: "\(productLine.manufacturer) \(productLine.name)", style: fitting.style.rawValue,
            pressureClass: try details.decode(String.self, "class_code"), toe: toe, color: color, side: side,
            unit: productLine.unit.rawValue, measurements: measurements,
            footLength: try fitting.footLength.map { text in
                try Length.parse(text, unit: from).tapeFormatted(in: productLine.unit)
            }, patientBorn: try details.decode(CalendarDay?.self, "birth_date"),
            prescriber: try details.decode(String.self, "prescriber"),
            prescriberName: try details.decode(String.self, "prescriber_name"),
            prescribedOn: try details.decode(CalendarDay?.self, "authored_on"),
            shop: try details.decode(String?.self, "shop"))
    }
}

public import Fitting

/// A fitting asked for by another system: style, class, unit, ABPI, tolerances and the legs' measurements,
/// read from a JSON body as written — a measurement is a string as typed (`"36,5"`, `"13 1/2"`) or
/// a JSON number taken from its text, never through a binary floating point.
///
/// ```swift
/// let request = try FitQuery(json: Array(#"{"style":"AD","class":"2","legs":{"leg":{"cB":"22"}}}"#.utf8))
/// let json = try request.run(on: desk)   // the JSON `cfit fit --json` prints
/// ```
public struct FitQuery: Sendable {
    /// The style.
    public let style: Style
    /// The class as typed.
    public let classText: String
    /// The unit of the measurements.
    public let unit: LengthUnit
    /// The legs' ankle-brachial pressure indices, when given (`abpi` for one unnamed leg,
    /// `abpi_left` and `abpi_right` by side), and who confirmed compression.
    public let indices: ArterialIndices
    /// How far ranges are widened (none unless asked for; the ankle only apart).
    public let tolerances: FitTolerances
    /// The prescription a recorded fitting is for (``record(on:key:)``).
    public let rx: String?
    /// The conditions as typed, read once it is known whether the fitting is recorded.
    let conditionTexts: [String: String]
    /// Each leg's points as typed: `leg`, or `left` and `right` (left first).
    public let legs: [(side: Side?, values: [(point: String, text: String)])]

    /// The fields of the JSON body.
    public static let fields = [
        RequestField("style", required: true, "AD, AF, AG or AT", .oneOf(Style.allCases.map(\.rawValue))),
        RequestField("class", required: true, "class, e.g. 2 or RAL:2", .text),
        RequestField("unit", required: false, "cm (default) or in", .oneOf(["cm", "in"])),
        RequestField(
            "legs", required: true, "{\"leg\": {\"cB\": 22, …}} or {\"left\": {…}, \"right\": {…}}", .object),
        RequestField("abpi", required: false, "ankle-brachial pressure index of the one leg in legs.leg", .text),
        RequestField("abpi_left", required: false, "the left leg's ankle-brachial pressure index", .text),
        RequestField("abpi_right", required: false, "the right leg's ankle-brachial pressure index", .text),
        RequestField(
            "confirmed_by", required: false,
            "the specialist who confirmed compression, where the shop's arterial policy asks for it", .text),
        RequestField(
            "tolerance", required: false, "widen every circumference range but the ankle's, in unit (0 to 10 cm)",
            .text),
        RequestField(
            "ankle_tolerance", required: false,
            "widen the ankle's (cB) ranges, in unit (0 to 10 cm); each size it admits is marked to confirm", .text),
        RequestField(
            "length_tolerance", required: false, "widen every length variant's range, in unit (0 to 10 cm)", .text),
        RequestField("ankle_pressure", required: false, "the one leg's systolic ankle pressure, mmHg", .text),
        RequestField("toe_pressure", required: false, "the one leg's toe pressure, mmHg", .text),
        RequestField("ankle_pressure_left", required: false, "the left leg's systolic ankle pressure, mmHg", .text),
        RequestField("toe_pressure_left", required: false, "the left leg's toe pressure, mmHg", .text),
        RequestField("ankle_pressure_right", required: false, "the right leg's systolic ankle pressure, mmHg", .text),
        RequestField("toe_pressure_right", required: false, "the right leg's toe pressure, mmHg", .text),
        RequestField(
            "measured_at", required: false, "when the legs were measured today, HH:MM (recording: now when left out)",
            .text),
        RequestField(
            "posture", required: false, "standing, seated, lying or mixed", .oneOf(MeasurementConditions.postures)),
        RequestField(
            "points_marked", required: false, "yes or no: the points were marked on the skin", .oneOf(["yes", "no"])),
        RequestField(
            "after_bandages", required: false, "yes or no: bandages had just come off", .oneOf(["yes", "no"])),
        RequestField(
            "legs_raised", required: false, "yes or no: the legs were raised 15 minutes first", .oneOf(["yes", "no"])),
        RequestField("foot_length", required: false, "heel to longest toe, in unit (closed-toe garments)", .text),
        RequestField(
            "contraindications", required: false,
            "codes separated by commas: \(Contraindication.allCases.map(\.rawValue).joined(separator: ", ")) (the first three absolute)",
            .text),
    ]

    /// The fields of a fitting to record: the fit's, and the prescription it is for.
    public static let recordFields =
        fields + [RequestField("rx", required: true, "the prescription the fitting is recorded against", .text)]

    /// Reads `{"style", "class", "unit"?, "abpi"?, "legs": {"leg"|"left"|"right": {POINT: value}}}`,
    /// every problem named by its field.
    public init(json body: [UInt8]) throws(CounterError) {
        let document: JSONValue
        do {
            document = try JSONValue.parse(utf8: body)
        } catch {
            throw .badInput("body", expected: "a JSON object", found: "\(error)")
        }
        guard case .object(let members) = document else {
            throw .badInput("body", expected: "a JSON object", found: document.kindDescription)
        }
        func text(_ name: String) throws(CounterError) -> String? {
            guard let value = members.last(where: { $0.key == name })?.value else { return nil }
            switch value {
            case .null: return nil
            case .string(let text): return try Input.plain(text, field: name)
            case .number(let text)
            where name.hasPrefix("abpi") || name.hasSuffix("tolerance") || name == "foot_length"
                || name.contains("_pressure"):
                return text
            default: throw .badInput(name, expected: "a string", found: value.kindDescription)
            }
        }
        let style = try Input.style(try text("style"))
        guard let classText = try text("class") else {
            throw .badInput("class", expected: "a class such as 2, RAL:2 or US:20-30", found: "none")
        }
        let unit = try Input.unit(try text("unit"))
        var indices = try ArterialIndices(
            abpi: try text("abpi"), left: try text("abpi_left"), right: try text("abpi_right"),
            confirmedBy: try text("confirmed_by"))
        var pressures: [String: String] = [:]
        for field in ArterialIndices.pressureFields {
            if let typed = try text(field) { pressures[field] = typed }
        }
        try indices.readPressures(pressures)
        let tolerances = try FitTolerances(
            tolerance: try text("tolerance"), ankle: try text("ankle_tolerance"), length: try text("length_tolerance"),
            unit: unit)
        guard case .object(let legsObject)? = members.last(where: { $0.key == "legs" })?.value, !legsObject.isEmpty
        else {
            throw .badInput("legs", expected: "an object: leg, or left and right", found: "none")
        }
        var entered: [(side: Side?, values: [(point: String, text: String)])] = []
        for (name, value) in legsObject {
            let side: Side?
            switch name {
            case "leg": side = nil
            case "left": side = .left
            case "right": side = .right
            default: throw .badInput("legs", expected: "leg, or left and right", typed: name)
            }
            guard case .object(let points) = value else {
                throw .badInput(
                    "legs.\(name)", expected: "an object of points such as {\"cB\": \"22\"}",
                    found: value.kindDescription)
            }
            var values: [(point: String, text: String)] = []
            for (point, measured) in points {
                switch measured {
                case .string(let typed), .number(let typed): values.append((point, typed))
                default:
                    throw .badInput(
                        "\(side.map { "\($0.rawValue) " } ?? "")\(point)",
                        expected: "a measurement as a string or a number",
                        found: measured.kindDescription)
                }
            }
            entered.append((side, values))
        }
        let hasLeg = entered.contains { $0.side == nil }
        guard !(hasLeg && entered.count > 1) else {
            throw .badInput("legs", expected: "leg, or left and right", found: "leg with another")
        }
        guard Set(entered.map(\.side)).count == entered.count else {
            throw .badInput("legs", expected: "each leg once", found: "a leg given twice")
        }
        entered.sort { ($0.side == .left ? 0 : 1) < ($1.side == .left ? 0 : 1) }
        self.style = style
        self.classText = classText
        self.unit = unit
        self.indices = indices
        self.tolerances = tolerances
        self.rx = try text("rx")
        var conditionTexts: [String: String] = [:]
        for name in [
            "measured_at", "posture", "points_marked", "after_bandages", "legs_raised", "foot_length",
            "contraindications",
        ] {
            if let typed = try text(name) { conditionTexts[name] = typed }
        }
        self.conditionTexts = conditionTexts
        self.legs = entered
    }

    /// The conditions as read (the time is now when a recorded fitting does not say).
    func conditions(recording: Bool) throws(CounterError) -> MeasurementConditions {
        try MeasurementConditions(
            measuredAt: conditionTexts["measured_at"], posture: conditionTexts["posture"],
            pointsMarked: conditionTexts["points_marked"], afterBandages: conditionTexts["after_bandages"],
            legsRaised: conditionTexts["legs_raised"], footLength: conditionTexts["foot_length"],
            contraindications: conditionTexts["contraindications"], unit: unit, recording: recording)
    }

    /// Fits the legs as ``run(on:)`` does and records the fitting — the legs' measurements and
    /// indices, the results, the confirmation — against ``rx``, once per `key`; answers the
    /// recorded fitting.
    public func record(on desk: Desk, key: String) throws -> FittingRecord {
        guard let rx else { throw CounterError.badInput("rx", expected: "the prescription's number", found: "none") }
        let conditions = try self.conditions(recording: true)
        let lines = try desk.productLines()
        let (unit, legs) = (self.unit, self.legs)
        let (report, measured, _) = try desk.fit(
            {
                var read: [(side: Side?, leg: LegMeasurements)] = []
                for leg in legs { read.append((leg.side, try Input.leg(leg.values, unit: unit, side: leg.side))) }
                return read
            }, lines: lines, style: style, classText: classText, unit: unit, tolerances: tolerances, indices: indices,
            conditions: conditions)
        return try desk.fitting(String(try desk.record(report, legs: measured, rx: rx, key: key)))
    }

    /// Fits the legs against the database's lines, with each ready-made result's stock: the JSON
    /// `cfit fit --json` prints.
    public func run(on desk: Desk) throws -> [UInt8] {
        let conditions = try self.conditions(recording: false)
        let lines = try desk.productLines()
        let (unit, legs) = (self.unit, self.legs)
        let (report, _, stock) = try desk.fit(
            {
                var read: [(side: Side?, leg: LegMeasurements)] = []
                for leg in legs { read.append((leg.side, try Input.leg(leg.values, unit: unit, side: leg.side))) }
                return read
            }, lines: lines, style: style, classText: classText, unit: unit, tolerances: tolerances, indices: indices,
            conditions: conditions)
        var out: [UInt8] = []
        FitJSON.write(report, single: false, stock: stock, into: &out)
        return out
    }
}

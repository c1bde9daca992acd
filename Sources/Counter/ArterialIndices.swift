public import Fitting
public import Inventory

/// The legs' ankle-brachial pressure indices as a fitting was given them, one per leg (an ABPI is
/// per leg: compression.md §5), and who confirmed compression where the shop's policy asks for it.
/// Read the same on every face; each field is named as the API names it.
///
/// ```swift
/// let indices = try ArterialIndices(abpi: nil, left: "0.95", right: "1.1", confirmedBy: nil)
/// indices.index(for: .left)   // 0.95
/// ```
public struct ArterialIndices: Sendable, Hashable {
    /// The index of a single leg measured without saying which (field `abpi`).
    public var leg: ABPI?
    /// The left leg's (field `abpi_left`).
    public var left: ABPI?
    /// The right leg's (field `abpi_right`).
    public var right: ABPI?
    /// The specialist who confirmed compression (field `confirmed_by`), where the policy asks.
    public var confirmedBy: String?
    /// Systolic ankle and toe pressures in mmHg, by field: `ankle_pressure`, `toe_pressure` for the
    /// one unnamed leg, `ankle_pressure_left`, `toe_pressure_right` … by side.
    public var pressures: [String: Int] = [:]

    /// The pressure fields, unnamed leg first.
    public static let pressureFields = [
        "ankle_pressure", "toe_pressure", "ankle_pressure_left", "toe_pressure_left", "ankle_pressure_right",
        "toe_pressure_right",
    ]

    /// Reads the pressures as typed (blank or absent: not measured): whole mmHg from 1 to 300.
    public mutating func readPressures(_ typed: [String: String]) throws(CounterError) {
        for field in Self.pressureFields {
            guard let text = typed[field], Input.hasContent(text) else { continue }
            let trimmed = text.trimmingWhitespace()
            guard let value = Int(trimmed), (1...300).contains(value) else {
                throw .badInput(field, expected: "a systolic pressure in whole mmHg, 1 to 300", typed: trimmed)
            }
            pressures[field] = value
        }
    }

    /// The ankle and toe pressures of the leg on `side`.
    public func pressures(for side: Side?) -> (ankle: Int?, toe: Int?) {
        let suffix = side.map { "_\($0.rawValue)" } ?? ""
        return (pressures["ankle_pressure" + suffix], pressures["toe_pressure" + suffix])
    }

    /// No index given: arterial status unknown.
    public static let none = ArterialIndices()

    /// Indices already read.
    public init(leg: ABPI? = nil, left: ABPI? = nil, right: ABPI? = nil, confirmedBy: String? = nil) {
        self.leg = leg
        self.left = left
        self.right = right
        self.confirmedBy = confirmedBy
    }

    /// Reads each index as typed (blank or absent: not measured), each named by its field.
    public init(abpi: String?, left: String?, right: String?, confirmedBy: String?) throws(CounterError) {
        self.leg = try Input.abpi(abpi, field: "abpi")
        self.left = try Input.abpi(left, field: "abpi_left")
        self.right = try Input.abpi(right, field: "abpi_right")
        // A blank box is no confirmation; text given must say who.
        self.confirmedBy = try Input.optional(
            confirmedBy.flatMap { Input.hasContent($0) ? $0 : nil }, field: "confirmed_by")
    }

    /// The index of the leg on `side` (`nil`: the single unnamed leg).
    public func index(for side: Side?) -> ABPI? {
        switch side {
        case nil: leg
        case .left: left
        case .right: right
        }
    }

    /// The field that names the index of the leg on `side`.
    public static func field(for side: Side?) -> String {
        side.map { "abpi_\($0.rawValue)" } ?? "abpi"
    }

    /// Refuses indices that do not belong to the legs measured: one `abpi` for two legs (an ABPI is
    /// per leg), or a side's index without that side's measurements.
    public func check(sides: [Side?]) throws(CounterError) {
        if leg != nil, !sides.contains(where: { $0 == nil }) {
            throw .badInput(
                "abpi", expected: "abpi_left and abpi_right for legs fitted by side (an ABPI is per leg)",
                found: "one index for both")
        }
        for (side, index) in [(Side.left, left), (Side.right, right)] where index != nil && !sides.contains(side) {
            throw .badInput(
                Self.field(for: side), expected: "it with the \(side.rawValue) leg's measurements",
                found: "no \(side.rawValue) leg")
        }
        for field in pressures.keys.sorted() {
            let side: Side? = field.hasSuffix("_left") ? .left : field.hasSuffix("_right") ? .right : nil
            guard !sides.contains(where: { $0 == side }) else { continue }
            throw .badInput(
                field,
                expected: side.map { "it with the \($0.rawValue) leg's measurements" } ?? "it with one unnamed leg",
                found: side.map { "no \($0.rawValue) leg" } ?? "legs fitted by side")
        }
    }

    /// What the database records of a fitting of the legs on `sides`: only sided indices (a single
    /// unnamed leg's index cannot later be told apart from the other leg's), and the confirmation.
    public var record: ArterialRecord {
        ArterialRecord(
            left: left, right: right, confirmedBy: confirmedBy,
            anklePressureLeft: pressures["ankle_pressure_left"], anklePressureRight: pressures["ankle_pressure_right"],
            toePressureLeft: pressures["toe_pressure_left"], toePressureRight: pressures["toe_pressure_right"])
    }
}

extension ArterialPolicy {
    /// What the policy says of the index of one leg, refusing (its field, the policy's words) what
    /// it refuses: the first thing a fitting checks, before anything is measured.
    public func check(_ abpi: ABPI?, field: String = "abpi") throws(CounterError) -> Verdict? {
        guard let abpi else { return nil }
        let verdict = judge(abpi)
        if case .refuse(let words) = verdict { throw .refused(field, words) }
        return verdict
    }

    /// Checks every index and pressure of `indices` before anything is measured.
    public func check(_ indices: ArterialIndices) throws(CounterError) {
        for side in [nil, Side.left, Side.right] {
            _ = try check(indices.index(for: side), field: ArterialIndices.field(for: side))
            let (ankle, toe) = indices.pressures(for: side)
            if case .refuse(let words)? = judge(anklePressure: ankle, toePressure: toe) {
                let suffix = side.map { "_\($0.rawValue)" } ?? ""
                throw .refused((ankle.map { $0 < 60 } == true ? "ankle_pressure" : "toe_pressure") + suffix, words)
            }
        }
    }
}

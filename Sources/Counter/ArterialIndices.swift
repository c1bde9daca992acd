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
    }

    /// What the database records of a fitting of the legs on `sides`: only sided indices (a single
    /// unnamed leg's index cannot later be told apart from the other leg's), and the confirmation.
    public var record: ArterialRecord {
        ArterialRecord(left: left, right: right, confirmedBy: confirmedBy)
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

    /// Checks every index of `indices` before anything is measured.
    public func check(_ indices: ArterialIndices) throws(CounterError) {
        for side in [nil, Side.left, Side.right] {
            _ = try check(indices.index(for: side), field: ArterialIndices.field(for: side))
        }
    }
}

public import Inventory

/// What may be done next with a record, as the rules say — the faces offer exactly these actions
/// (the database still refuses anything else).
///
/// ```swift
/// balance.actions        // [.releaseReturn(units: 2), .writeOff(units: 2, reason: .returned)]
/// prescription.canCancel // true while active or on hold
/// ```
public enum StockAction: Sendable, Hashable {
    /// Returned units that passed inspection go back to usable stock.
    case releaseReturn(units: Int)
    /// Units that cannot be offered are written off for `reason`.
    case writeOff(units: Int, reason: WriteOffReason)
}

extension BalanceRecord {
    /// What may be done with the units of this balance that may not be offered and are not held:
    /// returned ones are put back or written off, expired and recalled ones written off; nothing
    /// for usable stock, or for units on hold (a hold is released on its lot).
    public var actions: [StockAction] {
        let units = onHand - reserved
        guard let unusable, units > 0 else { return [] }
        switch unusable {
        case .returned: return [.releaseReturn(units: units), .writeOff(units: units, reason: .returned)]
        case .expired: return [.writeOff(units: units, reason: .expired)]
        case .recalled: return [.writeOff(units: units, reason: .recalled)]
        case .onHold, .quarantined: return []
        }
    }
}

extension PrescriptionRecord {
    /// Whether it may still be cancelled: while active or on hold.
    public var canCancel: Bool { status == .active || status == .onHold }
}

extension LotRecord {
    /// The statuses this lot may be set to: none once recalled (a recall is final), else any of
    /// approved, on hold and recalled.
    public var nextStatuses: [LotStatus] { status == .recalled ? [] : [.onHold, .approved, .recalled] }
}

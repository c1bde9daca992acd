import Postgres

// The closed sets of the records, as the schema's CHECK constraints list them: each a `String`
// enum whose raw values are the stored words, so JSON and the database keep their spelling and a
// face compares cases, never strings.

/// Where a prescription stands (FHIR's request statuses).
public enum PrescriptionStatus: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Not yet in force.
    case draft
    /// May be reserved against and dispensed.
    case active
    /// Paused.
    case onHold = "on-hold"
    /// Cancelled.
    case revoked
    /// Every garment handed over.
    case completed
    /// Recorded by mistake.
    case enteredInError = "entered-in-error"
    /// Past its last valid day: shown so from that day on, and so recorded, its reservations
    /// released, by `cfit expire`.
    case expired

    /// The stored word.
    public var description: String { rawValue }
}

/// Where a reservation stands.
public enum ReservationStatus: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Holding its unit.
    case active
    /// Handed over.
    case fulfilled
    /// Given back to stock.
    case released
    /// Ended because its prescription or lot ran out.
    case expired

    /// The stored word.
    public var description: String { rawValue }
}

/// Where a lot stands.
public enum LotState: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Usable.
    case approved
    /// Withdrawn for good.
    case recalled
    /// Not offered until released.
    case onHold = "on-hold"
    /// Set apart.
    case quarantined
    /// Past its expiry.
    case expired

    /// The stored word.
    public var description: String { rawValue }
}

/// Which leg or legs a prescription is for.
public enum PrescribedSide: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// The left leg.
    case left
    /// The right leg.
    case right
    /// Both legs.
    case both

    /// The stored word.
    public var description: String { rawValue }
}

/// Why units on hand may not be offered today.
public enum UnusableReason: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Taken back from a patient, awaiting inspection.
    case returned
    /// Their lot was recalled.
    case recalled
    /// Their lot is on hold.
    case onHold = "on-hold"
    /// Their lot is in quarantine.
    case quarantined
    /// Their lot has expired.
    case expired

    /// The stored word.
    public var description: String { rawValue }
}

extension Row {
    /// The value of `column` as one of a closed set; a word the set does not know is bad data.
    func decode<T: RawRepresentable>(closed type: T.Type, _ column: String) throws -> T where T.RawValue == String {
        let word = try decode(String.self, column)
        guard let value = T(rawValue: word) else {
            throw InventoryError(.badInput, field: column, text: "expected one of the stored words, found '\(word)'")
        }
        return value
    }

    /// ``decode(closed:_:)`` for a column that may be NULL.
    func decode<T: RawRepresentable>(closedOrNil type: T.Type, _ column: String) throws -> T?
    where T.RawValue == String {
        guard let word = try decode(String?.self, column) else { return nil }
        guard let value = T(rawValue: word) else {
            throw InventoryError(.badInput, field: column, text: "expected one of the stored words, found '\(word)'")
        }
        return value
    }
}

public import Fitting
public import Postgres

/// The shop's clinical guideline, kept in the database and chosen by its admin: the
/// arterial-safety policy every fitting is judged by, and the standard a class given without one
/// is read in (issue 20).
///
/// ```swift
/// let guideline = try ShopGuideline(connection: c).show()
/// guideline.arterialPolicy    // .nice until the admin chooses another
/// ```
public struct Guideline: Codable, Sendable, Hashable {
    /// The arterial-safety policy: `nice` (the most conservative, the default), `formulary` or `s2k`.
    public var arterialPolicy: ArterialPolicy
    /// The standard a bare class label is read in (`RAL` unless chosen).
    public var defaultStandard: String
    /// When it was last set, UTC (`2026-12-05T18:00:00Z`).
    public var updatedAt: String
    /// Who set it last.
    public var updatedBy: String

    /// The default standard as the fit engine's type.
    public var standard: PressureStandard { PressureStandard(rawValue: defaultStandard) ?? .RAL }
}

/// Reading and setting the shop's ``Guideline``.
public struct ShopGuideline: Sendable {
    /// The connection every call uses.
    public let connection: Connection

    /// Guideline operations on `connection`.
    public init(connection: Connection) {
        self.connection = connection
    }

    /// The guideline as it stands.
    public func show() throws -> Guideline {
        try Operations.call(connection, "SELECT cfit_guideline_json()::text AS result")
    }

    /// Sets the policy and/or the default standard (admin only); `nil` keeps a value as it is.
    public func set(policy: ArterialPolicy?, standard: PressureStandard?, key: String) throws -> Guideline {
        try Operations.call(
            connection,
            """
            SELECT cfit_set_guideline(\(key), \(Operations.fingerprint("guideline", [policy?.rawValue, standard?.rawValue])),
                                      \(policy?.rawValue), \(standard?.rawValue))::text AS result
            """
        )
    }
}

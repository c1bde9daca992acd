/// What a fitter measured on one leg: a length for any of the measurement points.
///
/// ```swift
/// var leg = LegMeasurements()
/// leg[.cB] = try Length.parse("22", unit: .cm)
/// leg[.cC] = try Length.parse("36.5", unit: .cm)
/// leg.points   // [.cB, .cC]
/// ```
public struct LegMeasurements: Hashable, Sendable {
    /// Micrometres per point index; 0 where nothing was measured (a real length is always positive).
    @usableFromInline
    var storage: [Int64]

    /// A leg with nothing measured yet.
    public init() {
        storage = [Int64](repeating: 0, count: MeasurementPoint.allCases.count)
    }

    /// A leg with the given measurements.
    public init(_ values: [MeasurementPoint: Length]) {
        self.init()
        for (point, value) in values { self[point] = value }
    }

    /// The measurement at `point`, or `nil` when it was not taken.
    @inlinable
    public subscript(point: MeasurementPoint) -> Length? {
        get {
            let value = storage[point.index]
            return value > 0 ? Length(micrometres: value) : nil
        }
        set { storage[point.index] = newValue?.micrometres ?? 0 }
    }

    /// The micrometres at `index`, 0 when not measured: the engine's inner loop reads this.
    @inlinable
    func micrometres(at index: Int) -> Int64 { storage[index] }

    /// The points measured, in order up the leg.
    public var points: [MeasurementPoint] {
        MeasurementPoint.allCases.filter { storage[$0.index] > 0 }
    }

    /// Whether nothing was measured.
    public var isEmpty: Bool { storage.allSatisfy { $0 == 0 } }
}

/// Which leg a measurement or a result belongs to.
public enum Side: String, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The patient's left leg.
    case left
    /// The patient's right leg.
    case right

    /// `left` or `right`.
    public var description: String { rawValue }
}

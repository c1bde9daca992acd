public import Fitting

/// How forgiving a fitting is, read the same on every face: the circumferences but the ankle, the
/// ankle (cB) apart, and the lengths apart, each in the fitter's unit, each 0 unless asked for.
///
/// The ankle is never widened by the general tolerance: it is where a class's pressure is
/// defined, so a garment too small there over-compresses and one too large under-treats
/// (compression.md §4). Every size that fits only by a tolerance is marked for the fitter to
/// confirm (``LineFit/toleranceNotes``).
///
/// ```swift
/// let t = try FitTolerances(tolerance: "0.5", ankle: nil, length: nil, unit: .cm)
/// t.tolerance.micrometres        // 5000
/// t.ankle.micrometres            // 0: cB is not widened
/// ```
public struct FitTolerances: Sendable, Hashable {
    /// Every circumference point's widening but the ankle's.
    public var tolerance: Length
    /// The ankle's (cB) widening.
    public var ankle: Length
    /// The length variants' widening.
    public var length: Length

    /// No widening anywhere: the charts exactly.
    public static let none = FitTolerances(
        tolerance: Length(micrometres: 0), ankle: Length(micrometres: 0), length: Length(micrometres: 0))

    /// Tolerances already read.
    public init(tolerance: Length, ankle: Length, length: Length) {
        self.tolerance = tolerance
        self.ankle = ankle
        self.length = length
    }

    /// Reads each tolerance as typed (blank or absent is 0) in `unit`; a bad one is named by its
    /// field: `tolerance`, `ankle_tolerance` or `length_tolerance`.
    public init(tolerance: String?, ankle: String?, length: String?, unit: LengthUnit) throws(CounterError) {
        func read(_ text: String?, _ field: String) throws(CounterError) -> Length {
            guard let text, Input.hasContent(text) else { return Length(micrometres: 0) }
            return try Input.tolerance(text, unit: unit, field: field)
        }
        self.tolerance = try read(tolerance, "tolerance")
        self.ankle = try read(ankle, "ankle_tolerance")
        self.length = try read(length, "length_tolerance")
    }
}

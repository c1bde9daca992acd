public import Fitting

/// What a fitting stores: the measurements exactly as taken and the engine's answer as its own
/// versioned record — not the display JSON — so that history, order sheets and later versions
/// of the program read the same thing.
///
/// ```swift
/// let recorded = RecordedFitting(report, legs: legs)
/// try fittings.record(rx: "RX-1", style: .AD, pressureClass: recorded.pressureClass, unit: .cm,
///                     measurements: recorded.measurementsJSON, result: recorded.resultJSON, key: key)
/// ```
public struct RecordedFitting: Sendable {
    /// The class as resolved in the lines' standards (`RAL:2`; several, `/`-separated, when the
    /// lines fitted use different standards).
    public let pressureClass: String
    /// `{"leg": {"cB": 22, …}}`, or `left`/`right`: each point exactly as measured, in the unit.
    public let measurementsJSON: String
    /// `{"version": 1, "unit": "cm", "tolerance": 0, "ankle_tolerance": 0, "length_tolerance": 0,
    /// "legs": [{"side": …, "lines": [{line, class, outcome, size, length, confirm}]}]}` (the tolerances in the unit, so a
    /// reader knows how forgiving the fit was).
    public let resultJSON: String

    /// The record of `report`, fitted from `legs`.
    public init(_ report: FitReport, legs: [(side: Side?, leg: LegMeasurements)]) {
        let classes = Set(report.legs.flatMap { $0.fits.map(\.pressureClass.code) }).sorted()
        pressureClass = classes.isEmpty ? report.requestedClass : classes.joined(separator: "/")
        measurementsJSON = JSONValue.object(
            legs.map { leg in
                (
                    leg.side?.rawValue ?? "leg",
                    JSONValue.object(
                        leg.leg.points.map { ($0.rawValue, JSONValue.number(leg.leg[$0]!.formatted(in: report.unit))) })
                )
            }
        ).serialized()
        resultJSON = JSONValue.object([
            ("version", .integer(1)),
            ("unit", .string(report.unit.rawValue)),
            ("tolerance", .number(report.tolerance.formatted(in: report.unit))),
            ("ankle_tolerance", .number(report.ankleTolerance.formatted(in: report.unit))),
            ("length_tolerance", .number(report.lengthTolerance.formatted(in: report.unit))),
            (
                "legs",
                .array(
                    report.legs.map { leg in
                        .object([
                            ("side", leg.side.map { .string($0.rawValue) } ?? .null),
                            (
                                "lines",
                                .array(
                                    leg.fits.map { fit in
                                        .object([
                                            ("line", .string(fit.line.id)),
                                            ("class", .string(fit.pressureClass.code)),
                                            (
                                                "outcome",
                                                .string(fit.outcome == .standard ? "standard" : "made-to-measure")
                                            ),
                                            ("size", fit.size.map(JSONValue.string) ?? .null),
                                            ("length", fit.length.map(JSONValue.string) ?? .null),
                                            ("confirm", .array(fit.toleranceNotes.map(JSONValue.string))),
                                        ])
                                    })
                            ),
                        ])
                    })
            ),
        ]).serialized()
    }
}

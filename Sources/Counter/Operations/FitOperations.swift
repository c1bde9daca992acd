public import Fitting
public import Inventory

extension Desk {
    /// The matching articles of every ready-made result of `report`, with their stock at this
    /// desk's location and elsewhere, read in one round trip.
    public func stock(for report: FitReport) throws -> [LegLine: [ArticleStock]] {
        try report.stock(on: connection, location: location)
    }

    /// A fitting at the counter, the same for the page and the API: the lines that offer the
    /// style and class, the session's results, and each ready-made result's stock here and
    /// elsewhere. The legs are read by `legs` once the class has been understood, so a bad class
    /// is named first.
    public func fit(
        _ legs: () throws -> [(side: Side?, leg: LegMeasurements)], lines: [ProductLine], style: Style,
        classText: String, unit: LengthUnit, tolerances: FitTolerances = .none, abpi: ABPI?
    ) throws -> (report: FitReport, legs: [(side: Side?, leg: LegMeasurements)], stock: [LegLine: [ArticleStock]]) {
        let offers = try FitSession.offers(lines, style: style, classText: classText)
        let session = FitSession(
            lines: offers, style: style, unit: unit, tolerance: tolerances.tolerance,
            ankleTolerance: tolerances.ankle, lengthTolerance: tolerances.length, abpi: abpi,
            requestedClass: classText)
        let measured = try legs()
        let report = try session.run(legs: measured)
        return (report, measured, try stock(for: report))
    }

    /// Records `report` (the legs' measurements and the results) against prescription `rx`, once
    /// per `key`; returns the fitting's number. The fitter recorded is this desk's login.
    public func record(
        _ report: FitReport, legs: [(side: Side?, leg: LegMeasurements)], rx: String, key: String
    ) throws -> Int64 {
        let recorded = RecordedFitting(report, legs: legs)
        return try Fittings(connection: connection, today: today).record(
            rx: try Input.text(rx, field: "rx"), style: report.style, pressureClass: recorded.pressureClass,
            unit: report.unit, measurements: recorded.measurementsJSON, result: recorded.resultJSON, key: key)
    }
}

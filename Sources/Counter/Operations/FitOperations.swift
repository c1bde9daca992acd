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
        classText: String, unit: LengthUnit, tolerances: FitTolerances = .none, indices: ArterialIndices = .none,
        conditions: MeasurementConditions = .none
    ) throws -> (report: FitReport, legs: [(side: Side?, leg: LegMeasurements)], stock: [LegLine: [ArticleStock]]) {
        let guideline = try guideline()
        // The checklist and the indices are judged before the class or any measurement is read.
        try conditions.check()
        try guideline.arterialPolicy.check(indices)
        let offers = try FitSession.offers(
            lines, style: style, classText: classText, defaultStandard: guideline.standard)
        let session = FitSession(
            lines: offers, style: style, unit: unit, tolerance: tolerances.tolerance,
            ankleTolerance: tolerances.ankle, lengthTolerance: tolerances.length, indices: indices,
            requestedClass: classText, policy: guideline.arterialPolicy, conditions: conditions)
        let measured = try legs()
        let report = try session.run(legs: measured)
        return (report, measured, try stock(for: report))
    }

    /// Records `report` (the legs' measurements and the results) against prescription `rx`, once
    /// per `key`; returns the fitting's reference. The fitter recorded is this desk's login.
    public func record(
        _ report: FitReport, legs: [(side: Side?, leg: LegMeasurements)], rx: String, key: String
    ) throws -> String {
        let recorded = RecordedFitting(report, legs: legs)
        let number = try Input.text(rx, field: "rx")
        // An index is recorded for a leg by its side: the one unnamed leg's is the prescription's
        // leg when it covers one; for a prescription of both legs it must be said which.
        var indices = report.indices
        let unnamed = ArterialIndices.pressureFields.filter { !$0.contains("_left") && !$0.contains("_right") }
        if indices.leg != nil || unnamed.contains(where: { indices.pressures[$0] != nil }) {
            let side = try prescription(number).side
            guard side != .both, let named = Side(rawValue: side.rawValue) else {
                throw CounterError.badInput(
                    indices.leg != nil ? "abpi" : "ankle_pressure",
                    expected:
                        "the leg named (abpi_left or abpi_right, and left or right measurements), since prescription \(number) covers both legs and an ABPI is per leg",
                    found: "one unnamed leg")
            }
            if named == .left { indices.left = indices.leg } else { indices.right = indices.leg }
            for field in unnamed {
                if let value = indices.pressures[field] { indices.pressures["\(field)_\(named.rawValue)"] = value }
            }
        }
        return try Fittings(connection: connection, today: today).record(
            rx: number, style: report.style, pressureClass: recorded.pressureClass,
            unit: report.unit, measurements: recorded.measurementsJSON, result: recorded.resultJSON,
            arterial: indices.record, conditions: report.conditions.recorded, key: key)
    }

    /// The shop's clinical guideline: its arterial-safety policy and the standard a bare class is
    /// read in.
    public func guideline() throws -> Guideline {
        try ShopGuideline(connection: connection).show()
    }
}

/// Setting the shop's clinical guideline (admin): the arterial-safety policy and the standard a
/// bare class is read in, each as typed; one left out stays as it is.
///
/// ```swift
/// let set = try GuidelineRequest(policy: "formulary", standard: nil).run(on: desk, key: "g-1")
/// ```
public struct GuidelineRequest: DescribedRequest {
    /// `nice`, `formulary` or `s2k`, as typed.
    public var policy: String?
    /// `RAL`, `BS`, `AFNOR`, `ENV` or `US`, as typed.
    public var standard: String?

    /// The fields of the request.
    public static let fields = [
        RequestField(
            "policy", required: false, "nice (NICE CKS, the default), formulary (NHS formularies) or s2k (German S2k)",
            .oneOf(ArterialPolicy.allCases.map(\.rawValue))),
        RequestField(
            "standard", required: false, "the standard a class without one is read in",
            .oneOf(PressureStandard.allCases.map(\.rawValue))),
    ]

    /// A request as typed.
    public init(policy: String?, standard: String?) {
        self.policy = policy
        self.standard = standard
    }

    /// Sets what was given, once per `key`; with nothing given, the guideline as it stands.
    public func run(on desk: Desk, key: String) throws -> Guideline {
        let policy = try self.policy.map { try Input.oneOf($0, field: "policy", as: ArterialPolicy.self) }
        let standard = try self.standard.map { try Input.oneOf($0, field: "standard", as: PressureStandard.self) }
        guard policy != nil || standard != nil else { return try desk.guideline() }
        return try ShopGuideline(connection: desk.connection).set(policy: policy, standard: standard, key: key)
    }
}

import ArgumentParser
import Counter
import Fitting

/// `cfit fit`: measurements and a prescribed class in, a garment size and length per line out.
struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the ready-made size and length for a leg, or say why it needs made-to-measure.",
        discussion: """
            Give the style, the prescribed class and the measurements the lines need (each point's code \
            as a flag, in --unit). Without --line every line that offers the style and class is fitted. \
            With --left and --right both legs are fitted and a pair verdict is given.

            Without --catalog the database's catalogs are fitted and each ready-made result shows the \
            matching articles in stock at --location and elsewhere; --rx RX --record stores the fitting.

            Example: cfit fit --catalog Seeds/northwind.json --style AD --class 2 \
            --cB 22 --cC 36.5 --cD 34 --lD 41
            """
    )

    @Option(
        help: ArgumentHelp("A catalog file (repeat for several; default: the database's catalogs).", valueName: "FILE"))
    var catalog: [String] = []

    @Option(help: ArgumentHelp("Fit only this product line.", valueName: "ID"))
    var line: String?

    @Option(help: ArgumentHelp("The style: AD knee-high, AF mid-thigh, AG thigh-high, AT tights.", valueName: "STYLE"))
    var style: String?

    @Option(
        name: .customLong("class"),
        help: ArgumentHelp(
            "The prescribed class: a label in the line's standard, or STANDARD:LABEL (RAL:2, US:20-30).",
            valueName: "CLASS")
    )
    var pressureClass: String?

    @Option(help: ArgumentHelp("The unit of the measurements: cm or in.", valueName: "UNIT"))
    var unit: String = "cm"

    @Option(
        help: ArgumentHelp(
            "Widen every size's circumference ranges but the ankle's by this much on both sides (in --unit; the catalog format's §3.2). A size that fits only by it is marked to confirm.",
            valueName: "T"))
    var tolerance: String = "0"

    @Option(
        name: .customLong("ankle-tolerance"),
        help: ArgumentHelp(
            "Widen the ankle's (cB) ranges by this much (in --unit; default 0). --tolerance never does: the class's pressure is defined at the ankle. Each size it admits is marked to confirm.",
            valueName: "T"))
    var ankleTolerance: String = "0"

    @Option(
        name: .customLong("length-tolerance"),
        help: ArgumentHelp(
            "Widen every length variant's range by this much on both sides (in --unit; default 0, the format's §3.3).",
            valueName: "T"))
    var lengthTolerance: String = "0"

    @Option(
        help: ArgumentHelp(
            "The ankle-brachial pressure index of the one leg measured (with --left/--right use --abpi-left/--abpi-right: an ABPI is per leg); judged by the shop's arterial policy.",
            valueName: "ABPI"))
    var abpi: String?

    @Option(
        name: .customLong("abpi-left"),
        help: ArgumentHelp("The left leg's ankle-brachial pressure index.", valueName: "ABPI"))
    var abpiLeft: String?

    @Option(
        name: .customLong("abpi-right"),
        help: ArgumentHelp("The right leg's ankle-brachial pressure index.", valueName: "ABPI"))
    var abpiRight: String?

    @Option(
        name: .customLong("confirmed-by"),
        help: ArgumentHelp(
            "The specialist who confirmed compression where the shop's policy asks for it (recorded with --record).",
            valueName: "NAME"))
    var confirmedBy: String?

    @OptionGroup(title: "Ankle and toe pressures")
    var pressures: PressureOptions

    @OptionGroup(title: "How the legs were measured, and the checklist")
    var conditions: ConditionOptions

    @OptionGroup(title: "Measurements")
    var measurements: MeasurementOptions

    @Flag(help: "Print JSON (the catalog format's §4 contract).")
    var json = false

    @Option(
        help: ArgumentHelp(
            "Fit a list: a CSV with id, style, class, an optional line, then a column per point code (empty where not measured), in --unit. Prints a row per leg and line (--json: a line per leg).",
            valueName: "FILE"))
    var batch: String?

    @Flag(
        help:
            "Ask for the ABPI, style, class, one leg or both, and each needed measurement, one at a time (reads standard input)."
    )
    var interactive = false

    @Option(help: ArgumentHelp("The prescription this fitting is for (with --record).", valueName: "RX"))
    var rx: String?

    @Flag(help: "Store the fitting (measurements and results) against --rx.")
    var record = false

    @OptionGroup var place: LocationOption
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var write: WriteOptions

    func run() throws {
        try reportingErrors(arguments: ["contraindications": "--contraindication"]) {
            if let batch {
                try checkBatchAlone()
                return try runBatch(batch, unit: try parseUnit())
            }
            if record && rx == nil {
                throw CLIError.badInput("--record", expected: "--rx with the prescription", found: "no --rx")
            }
            let lengthUnit = try parseUnit()
            let tolerances = try FitTolerances(
                tolerance: tolerance, ankle: ankleTolerance, length: lengthTolerance, unit: lengthUnit)
            // Catalog files are used as given; otherwise the database's catalog, with its stock.
            let desk = catalog.isEmpty || record ? try database.desk(at: place.code) : nil
            let lines = try loadLines(desk)
            var prompter = interactive ? Prompter() : nil
            // The shop's guideline (catalog files alone: the default, NICE's); a contraindication
            // stops the fitting before any measuring.
            let guideline = try desk?.guideline()
            let policy = guideline?.arterialPolicy ?? .shopDefault
            var indices = ArterialIndices(
                leg: try resolveABPI(&prompter), left: try Input.abpi(abpiLeft, field: "abpi_left"),
                right: try Input.abpi(abpiRight, field: "abpi_right"),
                confirmedBy: try ArterialIndices(abpi: nil, left: nil, right: nil, confirmedBy: confirmedBy).confirmedBy
            )
            try indices.readPressures(pressures.typed)
            let measured = try conditions.read(unit: lengthUnit, recording: record)
            try measured.check()
            try policy.check(indices)
            let chosenStyle = try resolveStyle(&prompter)
            let selected = try FitSession.lines(lines, only: line)
            let classText = try resolveClass(&prompter, lines: selected, style: chosenStyle)
            let offers = try FitSession.offers(
                selected, style: chosenStyle, classText: classText, onlyLine: line != nil,
                defaultStandard: guideline?.standard)
            let legs = try gatherLegs(&prompter, lines: offers.map(\.line), style: chosenStyle, unit: lengthUnit)
            // Asked interactively, the first index was the left leg's once both legs are fitted.
            if var active = prompter, legs.count == 2, let first = indices.leg {
                indices.leg = nil
                indices.left = first
                indices.right = try active.askABPI(
                    field: "abpi_right", prompt: "The right leg's ABPI (Enter to skip): ")
                prompter = active
                try policy.check(indices)
            }
            let report = try FitSession(
                lines: offers, style: chosenStyle, unit: lengthUnit, tolerance: tolerances.tolerance,
                ankleTolerance: tolerances.ankle, lengthTolerance: tolerances.length, indices: indices,
                requestedClass: classText, policy: policy, conditions: measured
            ).run(legs: legs)
            let stock =
                try catalog.isEmpty ? desk.map { try $0.stock(for: report) } ?? [:] : [:]
            let output =
                json
                ? FitJSON.render(report, single: line != nil, stock: stock)
                : FitTable.render(report, stock: stock, location: place.code)
            if record, let rx, let desk {
                let id = try desk.record(report, legs: legs, rx: rx, key: write.key)
                writeError("fitting \(id) recorded for rx \(rx)\n")
            }
            print(output)
        }
    }

    /// A list carries its own styles, classes and measurements: refuses flags that would say them again.
    private func checkBatchAlone() throws {
        let given: [(Bool, String)] = [
            (style != nil, "--style"), (pressureClass != nil, "--class"), (line != nil, "--line"),
            (interactive, "--interactive"), (record, "--record"), (rx != nil, "--rx"), (abpi != nil, "--abpi"),
            (abpiLeft != nil, "--abpi-left"), (abpiRight != nil, "--abpi-right"),
            (confirmedBy != nil, "--confirmed-by"),
            (!(try measurements.legs(unit: .cm).allSatisfy { $0.side == nil && $0.leg.isEmpty }), "measurements"),
        ]
        if let (_, flag) = given.first(where: \.0) {
            throw CLIError.badInput(
                flag, expected: "nothing besides --batch, --catalog, --unit and --json (the file gives it per row)",
                found: "it with --batch")
        }
    }

    /// The catalog files given, or the database's catalog.
    func loadLines(_ desk: Desk?) throws -> [ProductLine] {
        let lines: [ProductLine]
        if let desk, catalog.isEmpty {
            lines = try desk.productLines()
        } else {
            lines = try CatalogFiles.load(catalog)
        }
        guard !lines.isEmpty else {
            throw CLIError(
                status: .badInput,
                message:
                    "--catalog: expected a catalog file, or catalogs in the database (cfit seed / cfit catalog import), found none"
            )
        }
        return lines
    }

    /// The legs from the flags, completed at the prompt in interactive mode (which also offers
    /// both legs when none was given).
    private func gatherLegs(_ prompter: inout Prompter?, lines: [ProductLine], style: Style, unit: LengthUnit) throws
        -> [(side: Side?, leg: LegMeasurements)]
    {
        var legs = try measurements.legs(unit: unit)
        guard var active = prompter else { return legs }
        defer { prompter = active }
        if legs.count == 1, legs[0].side == nil, legs[0].leg.points.isEmpty, try active.askBothLegs() {
            legs = [(.left, LegMeasurements()), (.right, LegMeasurements())]
        }
        for index in legs.indices {
            legs[index].leg = try active.askMeasurements(
                for: lines, style: style, unit: unit, side: legs[index].side, given: legs[index].leg)
        }
        return legs
    }

    private func parseUnit() throws -> LengthUnit {
        try Input.unit(unit)
    }

    private func resolveStyle(_ prompter: inout Prompter?) throws -> Style {
        guard style == nil, var active = prompter else { return try Input.style(style) }
        defer { prompter = active }
        return try active.askStyle()
    }

    private func resolveClass(_ prompter: inout Prompter?, lines: [ProductLine], style: Style) throws -> String {
        if let pressureClass { return pressureClass }
        guard var active = prompter else {
            throw CLIError.badInput("--class", expected: "a class such as 2, RAL:2 or US:20-30", found: "none")
        }
        defer { prompter = active }
        return try active.askClass { text in
            do {
                let offers = try offeringLines(lines, style: style, classText: text)
                return offers.isEmpty ? "no line offers style \(style.rawValue) in class \(text)" : nil
            } catch {
                return CLIError(error).message
            }
        }
    }

    /// The lines that offer `style` in the class `classText` names (the application layer's rule).
    private func offeringLines(_ lines: [ProductLine], style: Style, classText: String) throws
        -> [(line: ProductLine, pressureClass: PressureClass)]
    {
        try FitSession.offers(lines, style: style, classText: classText, onlyLine: line != nil)
    }

    private func resolveABPI(_ prompter: inout Prompter?) throws -> ABPI? {
        if let abpi { return try Input.abpi(abpi) }
        guard var active = prompter else { return nil }
        defer { prompter = active }
        return try active.askABPI()
    }
}

/// How and when the legs were measured, and the contraindication checklist: recorded with the
/// fitting (compression.md §5), read by the application layer.
struct ConditionOptions: ParsableArguments {
    @Option(
        name: .customLong("measured-at"),
        help: ArgumentHelp("When the legs were measured today (with --record: now when left out).", valueName: "HH:MM"))
    var measuredAt: String?

    @Option(help: ArgumentHelp("standing, seated, lying or mixed.", valueName: "POSTURE"))
    var posture: String?

    @Option(
        name: .customLong("points-marked"),
        help: ArgumentHelp("yes or no: the points were marked on the skin first.", valueName: "YES|NO"))
    var pointsMarked: String?

    @Option(
        name: .customLong("after-bandages"),
        help: ArgumentHelp("yes or no: bandages had just come off.", valueName: "YES|NO"))
    var afterBandages: String?

    @Option(
        name: .customLong("legs-raised"),
        help: ArgumentHelp("yes or no: the legs were raised for 15 minutes first.", valueName: "YES|NO"))
    var legsRaised: String?

    @Option(
        name: .customLong("foot-length"),
        help: ArgumentHelp("The foot's length, heel to longest toe, in --unit (closed-toe garments).", valueName: "L"))
    var footLength: String?

    @Option(
        name: .customLong("contraindication"),
        help: ArgumentHelp(
            "What the checklist found (repeat): heart-failure, septic-phlebitis, phlegmasia (absolute: refused), neuropathy, skin, graft, allergy, polyarthritis (relative: --confirmed-by).",
            valueName: "CODE"))
    var contraindications: [String] = []

    /// Whether any was given.
    var given: Bool {
        measuredAt != nil || posture != nil || pointsMarked != nil || afterBandages != nil || legsRaised != nil
            || footLength != nil || !contraindications.isEmpty
    }

    /// The conditions, read by the layer.
    func read(unit: LengthUnit, recording: Bool) throws -> MeasurementConditions {
        try MeasurementConditions(
            measuredAt: measuredAt, posture: posture, pointsMarked: pointsMarked, afterBandages: afterBandages,
            legsRaised: legsRaised, footLength: footLength,
            contraindications: contraindications.isEmpty ? nil : contraindications.joined(separator: ","), unit: unit,
            recording: recording)
    }
}

/// Systolic ankle and toe pressures per leg, in mmHg (the S2k policy refuses an ankle pressure
/// below 60 and a toe pressure below 30; the others record them).
struct PressureOptions: ParsableArguments {
    @Option(name: .customLong("ankle-pressure"), help: ArgumentHelp("The one leg's ankle pressure.", valueName: "MMHG"))
    var ankle: String?
    @Option(name: .customLong("toe-pressure"), help: ArgumentHelp("The one leg's toe pressure.", valueName: "MMHG"))
    var toe: String?
    @Option(name: .customLong("ankle-pressure-left"), help: ArgumentHelp("The left ankle's.", valueName: "MMHG"))
    var ankleLeft: String?
    @Option(name: .customLong("toe-pressure-left"), help: ArgumentHelp("The left toe's.", valueName: "MMHG"))
    var toeLeft: String?
    @Option(name: .customLong("ankle-pressure-right"), help: ArgumentHelp("The right ankle's.", valueName: "MMHG"))
    var ankleRight: String?
    @Option(name: .customLong("toe-pressure-right"), help: ArgumentHelp("The right toe's.", valueName: "MMHG"))
    var toeRight: String?

    /// The pressures by the layer's field names.
    var typed: [String: String] {
        var typed: [String: String] = [:]
        for (field, value) in [
            ("ankle_pressure", ankle), ("toe_pressure", toe), ("ankle_pressure_left", ankleLeft),
            ("toe_pressure_left", toeLeft), ("ankle_pressure_right", ankleRight), ("toe_pressure_right", toeRight),
        ] {
            if let value { typed[field] = value }
        }
        return typed
    }
}

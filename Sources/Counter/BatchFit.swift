public import Fitting

/// A clinic's list fitted in one run (a screening day, a care home): a CSV with a header of
/// `id`, `style`, `class`, an optional `line`, an optional `abpi` (the leg's ankle-brachial
/// pressure index, judged by the shop's arterial policy exactly as `cfit fit` judges it: a refused
/// index fails its row with the policy's words), then one column per point code (`cB`, `cC`,
/// `lD` …), empty where not measured. Each row is one leg, fitted against every line that offers its
/// style and class (or its `line` only), exactly as `cfit fit` fits it.
///
/// A bad row is reported with its row number and column and does not stop the others.
///
/// ```swift
/// let batch = try BatchFit(csv: text, lines: lines, unit: .cm)
/// for row in batch.rows { … }                 // each row's leg, or what is wrong with it
/// let outcome = batch.fit(batch.rows[0])      // its results per line, or a row error
/// ```
public struct BatchFit: Sendable {
    /// One row of the file, ready to fit.
    public struct Leg: Sendable {
        /// The row's number in the file (the header is row 1).
        public let row: Int
        /// The `id` column, as given.
        public let id: String
        /// The style.
        public let style: Style
        /// The class as given.
        public let classText: String
        /// The lines that offer the style and class, each with the class in its standard.
        public let offers: [(line: ProductLine, pressureClass: PressureClass)]
        /// The measurements.
        public let measurements: LegMeasurements
        /// The leg's ankle-brachial pressure index, if the row gives one.
        public let abpi: ABPI?
    }

    /// What is wrong with one row, located for the person who keeps the list.
    public struct RowError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The row's number in the file (the header is row 1).
        public let row: Int
        /// The column, by its header name.
        public let column: String
        /// What was expected and what was found.
        public let problem: String

        /// `row 7, column "cC": expected …, found …`.
        public var description: String { "row \(row), column \"\(column)\": \(problem)" }
    }

    /// Each row, read: a leg to fit, or why it cannot be.
    public let rows: [Result<Leg, RowError>]
    /// The unit of every measurement in the file.
    public let unit: LengthUnit
    /// The shop's arterial-safety policy every row's index is judged by.
    public let policy: ArterialPolicy

    /// The columns besides the point codes.
    public static let fixedColumns = ["id", "style", "class", "line", "abpi"]

    /// Reads `csv` against `lines`. Throws (as a `RowError` on row 1) when the header itself is
    /// unusable — a missing `id`, `style` or `class` column, an unknown or repeated column — since
    /// then no row can be read.
    public init(
        csv: String, lines: [ProductLine], unit: LengthUnit, policy: ArterialPolicy = .shopDefault,
        defaultStandard: PressureStandard? = nil
    ) throws(RowError) {
        self.unit = unit
        self.policy = policy
        let table: [CSVReader.Row]
        do {
            table = try CSVReader.rows(csv)
        } catch {
            throw RowError(row: error.line, column: "(file)", problem: "expected CSV, found \(error.message)")
        }
        guard let header = table.first else {
            throw RowError(row: 1, column: "(header)", problem: "expected a header row, found an empty file")
        }
        var columns: [String: Int] = [:]
        var points: [(index: Int, point: MeasurementPoint)] = []
        for (index, raw) in header.fields.enumerated() {
            let name = raw.trimmingWhitespace()
            let shown = name.isEmpty ? "#\(index + 1)" : name
            guard columns[name] == nil else {
                throw RowError(row: header.line, column: shown, problem: "expected each column once, found it twice")
            }
            if let point = MeasurementPoint(rawValue: name) {
                points.append((index, point))
            } else if !Self.fixedColumns.contains(name) {
                throw RowError(
                    row: header.line, column: shown,
                    problem:
                        "expected id, style, class, line, abpi or a point code (\(MeasurementPoint.allCases.map(\.rawValue).joined(separator: " "))), found an unknown column"
                )
            }
            columns[name] = index
        }
        for required in ["id", "style", "class"] where columns[required] == nil {
            throw RowError(row: header.line, column: required, problem: "expected the column, found none")
        }
        let byID = Dictionary(lines.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        // Rows of a list share a few styles and classes: each combination is resolved once.
        var offersCache: [String: Result<[(line: ProductLine, pressureClass: PressureClass)], RowError>] = [:]
        var rows: [Result<Leg, RowError>] = []
        rows.reserveCapacity(table.count - 1)
        for record in table.dropFirst() {
            rows.append(
                Self.read(
                    record, header: header, columns: columns, points: points, unit: unit, lines: lines, byID: byID,
                    defaultStandard: defaultStandard, cache: &offersCache))
        }
        self.rows = rows
    }

    private static func read(
        _ record: CSVReader.Row, header: CSVReader.Row, columns: [String: Int],
        points: [(index: Int, point: MeasurementPoint)], unit: LengthUnit, lines: [ProductLine],
        byID: [String: ProductLine], defaultStandard: PressureStandard?,
        cache: inout [String: Result<[(line: ProductLine, pressureClass: PressureClass)], RowError>]
    ) -> Result<Leg, RowError> {
        let row = record.line
        guard record.fields.count == header.fields.count else {
            return .failure(
                RowError(
                    row: row, column: "(row)",
                    problem: "expected \(header.fields.count) fields, found \(record.fields.count)"))
        }
        func value(_ column: String) -> String {
            columns[column].map { record.fields[$0].trimmingWhitespace() } ?? ""
        }
        func quoted(_ text: String) -> String { text.isEmpty ? "nothing" : "'\(text.prefix(60))'" }
        let id = value("id")
        guard !id.isEmpty, id.count <= 200 else {
            return .failure(
                RowError(row: row, column: "id", problem: "expected 1 to 200 characters, found \(quoted(id))"))
        }
        let styleText = value("style")
        guard let style = Style(rawValue: styleText.uppercased()) else {
            return .failure(
                RowError(row: row, column: "style", problem: "expected AD, AF, AG or AT, found \(quoted(styleText))"))
        }
        let classText = value("class")
        let lineID = value("line")
        let key = "\(style.rawValue)\u{1F}\(classText)\u{1F}\(lineID)"
        let resolved =
            cache[key]
            ?? Self.offers(
                style: style, classText: classText, lineID: lineID, lines: lines, byID: byID,
                defaultStandard: defaultStandard)
        cache[key] = resolved
        let offers: [(line: ProductLine, pressureClass: PressureClass)]
        switch resolved {
        case .success(let found): offers = found
        case .failure(let error): return .failure(RowError(row: row, column: error.column, problem: error.problem))
        }
        let abpiText = value("abpi")
        var abpi: ABPI?
        if !abpiText.isEmpty {
            guard let parsed = try? ABPI.parse(abpiText) else {
                return .failure(
                    RowError(
                        row: row, column: "abpi",
                        problem: "expected an index such as 0.95 (above 0, at most 3), found \(quoted(abpiText))"))
            }
            abpi = parsed
        }
        var leg = LegMeasurements()
        for (index, point) in points {
            let text = record.fields[index].trimmingWhitespace()
            guard !text.isEmpty else { continue }
            do {
                let length = try Length.parseTape(text, unit: unit)
                guard length.micrometres > 0 else { throw Length.ParseError.notPositive }
                leg[point] = length
            } catch {
                return .failure(
                    RowError(
                        row: row, column: point.rawValue,
                        problem: "expected a positive length in \(unit.rawValue), found \(quoted(text))"))
            }
        }
        return .success(
            Leg(
                row: row, id: id, style: style, classText: classText, offers: offers, measurements: leg, abpi: abpi))
    }

    private static func offers(
        style: Style, classText: String, lineID: String, lines: [ProductLine], byID: [String: ProductLine],
        defaultStandard: PressureStandard?
    ) -> Result<[(line: ProductLine, pressureClass: PressureClass)], RowError> {
        var candidates = lines
        if !lineID.isEmpty {
            guard let line = byID[lineID] else {
                return .failure(
                    RowError(
                        row: 0, column: "line",
                        problem:
                            "expected a line of the catalogs (\(lines.map(\.id).prefix(8).joined(separator: ", "))…), found '\(lineID.prefix(60))'"
                    ))
            }
            candidates = [line]
        }
        do {
            return .success(
                try FitSession.offers(
                    candidates, style: style, classText: classText, onlyLine: !lineID.isEmpty,
                    defaultStandard: defaultStandard))
        } catch {
            let column = error.field == "line" ? "line" : "class"
            return .failure(
                RowError(
                    row: 0, column: column,
                    problem: error.reason ?? "expected \(error.expected ?? "?"), found \(error.found ?? "?")"))
        }
    }

    /// Fits `leg` as `cfit fit` fits one leg (ready-made results first), or says which point a
    /// line needed that the row did not give.
    public func fit(_ leg: Leg) -> Result<FitReport, RowError> {
        let session = FitSession(
            lines: leg.offers, style: leg.style, unit: unit, tolerance: Length(micrometres: 0),
            indices: ArterialIndices(leg: leg.abpi), requestedClass: leg.classText, policy: policy)
        do {
            return .success(try session.run(legs: [(nil, leg.measurements)]))
        } catch {
            return .failure(
                RowError(
                    row: leg.row, column: error.field ?? "",
                    problem: error.reason ?? "expected \(error.expected ?? "?"), found \(error.found ?? "?")"))
        }
    }
}

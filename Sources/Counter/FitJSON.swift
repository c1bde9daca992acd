public import Fitting
public import Inventory

/// The JSON of a fitting — `cfit fit --json`, and any other face's — exactly in the shape of the
/// catalog format's §4, with a few added fields (`name`, `manufacturer`, `unit`, `warnings`, `confirm`
/// (what a fitter must confirm: a size that fits only by a tolerance), `equivalents` (other standards'
/// overlapping classes: approximate, never a fit of the class), `arterial` (the leg's ABPI and
/// what the shop's policy says of it, or that it is unknown), `articles`, and `side`
/// for per-leg entry).
///
/// ```swift
/// let json = FitJSON.render(report, single: true)   // one object, as `--line` gives
/// ```
public enum FitJSON {
    /// One object (with `--line`) or an array of objects per leg; for two legs an object holding both
    /// and the pair verdicts. `stock` holds each ready-made result's articles by leg and line.
    public static func render(_ report: FitReport, single: Bool, stock: [LegLine: [ArticleStock]] = [:]) -> String {
        value(report, single: single, stock: stock).serialized(pretty: true)
    }

    /// The same JSON as a value, for a face that embeds it (a batch's `results`, an HTTP body).
    public static func value(_ report: FitReport, single: Bool, stock: [LegLine: [ArticleStock]] = [:]) -> JSONValue {
        func legValue(_ leg: FitReport.LegReport) -> JSONValue {
            let objects = leg.fits.map { fit in
                var value = object(fit, report: report, leg: leg)
                if case .object(var members) = value, let articles = stock[LegLine(side: leg.side, line: fit.line.id)] {
                    members.append(("articles", .array(articles.map(article))))
                    value = .object(members)
                }
                return value
            }
            if single, let first = objects.first { return first }
            return .array(objects)
        }
        if report.legs.count == 2 {
            let pairs = report.pairs.map(pair)
            return JSONValue.object([
                ("left", legValue(report.legs[0])),
                ("right", legValue(report.legs[1])),
                (single ? "pair" : "pairs", single ? (pairs.first ?? .null) : .array(pairs)),
            ])
        }
        return legValue(report.legs[0])
    }

    static func object(_ fit: LineFit, report: FitReport, leg: FitReport.LegReport) -> JSONValue {
        let unit = report.unit
        var members: [(key: String, value: JSONValue)] = [
            ("line", .string(fit.line.id)),
            ("name", .string(fit.line.name)),
            ("manufacturer", .string(fit.line.manufacturer)),
        ]
        if let side = leg.side { members.append(("side", .string(side.rawValue))) }
        members += [
            ("style", .string(fit.style.rawValue)),
            (
                "class",
                .object([
                    ("standard", .string(fit.pressureClass.standard.rawValue)),
                    ("label", .string(fit.pressureClass.label)),
                    (
                        "mmHg",
                        .array([mmHg(fit.pressureClass.lowerTenths), fit.pressureClass.upperTenths.map(mmHg) ?? .null])
                    ),
                ])
            ),
            ("outcome", .string(fit.outcome.rawValue)),
            ("size", fit.size.map(JSONValue.string) ?? .null),
            ("length", fit.length.map(JSONValue.string) ?? .null),
            ("unit", .string(unit.rawValue)),
            (
                "candidates",
                .array(fit.candidates.map { .object([("size", .string($0.size)), ("length", .string($0.length))]) })
            ),
            (
                "points",
                .array(
                    fit.points.map { point in
                        .object([
                            ("point", .string(point.point.rawValue)),
                            ("value", length(point.value, unit, minFraction: 1)),
                            ("range", point.range.map { range($0, unit) } ?? .null),
                            ("inside", .bool(point.inside)),
                            ("margin", point.margin.map(margin) ?? .null),
                        ])
                    }
                )
            ),
            (
                "reasons",
                .array(
                    fit.reasons.map { reason in
                        var fields: [(key: String, value: JSONValue)] = [
                            ("point", .string(reason.point.rawValue)),
                            ("value", length(reason.value, unit, minFraction: 1)),
                            ("size", reason.size.map(JSONValue.string) ?? .null),
                        ]
                        if let variant = reason.length { fields.append(("length", .string(variant))) }
                        fields += [
                            ("range", reason.range.map { range($0, unit) } ?? .null),
                            ("message", .string(reason.message)),
                        ]
                        return .object(fields)
                    }
                )
            ),
            ("warnings", .array(leg.warnings.map(JSONValue.string))),
            ("confirm", .array(fit.toleranceNotes.map(JSONValue.string))),
            ("equivalents", .array(fit.pressureClass.approximateEquivalents.map { .string($0.code) })),
            (
                "arterial",
                .object([
                    ("abpi", leg.abpi.map { .number($0.description) } ?? .null),
                    ("verdict", .string(verdictName(leg.arterial))),
                    ("words", .string(leg.arterialWords)),
                ])
            ),
        ]
        return .object(members)
    }

    /// `compress`, `confirm`, `refuse`, or `unknown` without an index.
    static func verdictName(_ verdict: ArterialPolicy.Verdict?) -> String {
        switch verdict {
        case nil: "unknown"
        case .compress: "compress"
        case .confirm: "confirm"
        case .refuse: "refuse"
        }
    }

    static func pair(_ pair: PairFit) -> JSONValue {
        func choice(_ fit: LineFit) -> JSONValue {
            fit.outcome == .standard
                ? .object([("size", .string(fit.size ?? "")), ("length", .string(fit.length ?? ""))]) : .null
        }
        var members: [(key: String, value: JSONValue)] = [("line", .string(pair.left.line.id))]
        switch pair.verdict {
        case .pair(let size, let length):
            members += [("verdict", .string("pair")), ("size", .string(size)), ("length", .string(length))]
        case .singles:
            members += [("verdict", .string("singles")), ("size", .null), ("length", .null)]
        case .madeToMeasure(let sides):
            members += [
                ("verdict", .string("made-to-measure")), ("size", .null), ("length", .null),
                ("sides", .array(sides.map { .string($0.rawValue) })),
            ]
        }
        members += [("left", choice(pair.left)), ("right", choice(pair.right)), ("summary", .string(pair.summary))]
        return .object(members)
    }

    static func article(_ item: ArticleStock) -> JSONValue {
        .object([
            ("sku", .string(item.sku)), ("gtin", .string(item.gtin)), ("toe", .string(item.toe)),
            ("color", .string(item.color)),
            ("here", .integer(item.here)),
            (
                "elsewhere",
                .object(item.elsewhere.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.integer($0.value)) })
            ),
        ])
    }

    private static func mmHg(_ tenths: Int) -> JSONValue {
        .number(ScaledDecimal.format(Int64(tenths), scale: 10, maxFractionDigits: 1))
    }

    private static func length(_ value: Length, _ unit: LengthUnit, minFraction: Int = 0) -> JSONValue {
        .number(value.formatted(in: unit, minFractionDigits: minFraction))
    }

    private static func range(_ range: MeasureRange, _ unit: LengthUnit) -> JSONValue {
        .array([length(range.lower, unit), length(range.upper, unit)])
    }

    private static func margin(_ margin: Margin) -> JSONValue {
        // Four decimals, rounded half away from zero, from the exact fraction.
        let scaled =
            (margin.numerator * 10_000 * 2 + (margin.numerator >= 0 ? margin.denominator : -margin.denominator))
            / (2 * margin.denominator)
        return .number(ScaledDecimal.format(scaled, scale: 10_000, minFractionDigits: 1, maxFractionDigits: 4))
    }
}

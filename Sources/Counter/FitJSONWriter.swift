import Fitting
public import Inventory

extension FitJSON {
    /// The JSON of ``value(_:single:stock:)``, compact, appended straight to `out` without building
    /// the value first: byte for byte what `value(…).write(into:)` gives (the tests hold them to
    /// it), for a batch that writes it once per leg.
    ///
    /// ```swift
    /// var out: [UInt8] = []
    /// FitJSON.write(report, single: false, into: &out)
    /// ```
    public static func write(
        _ report: FitReport, single: Bool, stock: [LegLine: [ArticleStock]] = [:], into out: inout [UInt8]
    ) {
        var json = Writer(out: out)
        out = []
        if report.legs.count == 2 {
            json.raw("{\"left\":")
            json.leg(report.legs[0], report: report, single: single, stock: stock)
            json.raw(",\"right\":")
            json.leg(report.legs[1], report: report, single: single, stock: stock)
            if single {
                json.raw(",\"pair\":")
                if let pair = report.pairs.first { json.pair(pair) } else { json.raw("null") }
            } else {
                json.raw(",\"pairs\":[")
                for (offset, pair) in report.pairs.enumerated() {
                    if offset > 0 { json.comma() }
                    json.pair(pair)
                }
                json.raw("]")
            }
            json.raw("}")
        } else {
            json.leg(report.legs[0], report: report, single: single, stock: stock)
        }
        out = json.out
    }

    /// Appends JSON pieces to a byte buffer.
    private struct Writer {
        var out: [UInt8]

        mutating func raw(_ text: StaticString) {
            text.withUTF8Buffer { out.append(contentsOf: $0) }
        }

        mutating func comma() { out.append(UInt8(ascii: ",")) }

        mutating func string(_ text: String) { JSONValue.write(string: text, into: &out) }

        mutating func string(_ text: String?) {
            if let text { string(text) } else { raw("null") }
        }

        mutating func integer(_ value: Int) {
            ScaledDecimal.write(Int64(value), scale: 1, maxFractionDigits: 0, into: &out)
        }

        mutating func length(_ value: Length, _ unit: LengthUnit, minFraction: Int = 0) {
            value.write(in: unit, minFractionDigits: minFraction, into: &out)
        }

        mutating func range(_ range: MeasureRange?, _ unit: LengthUnit) {
            guard let range else { return raw("null") }
            raw("[")
            length(range.lower, unit)
            comma()
            length(range.upper, unit)
            raw("]")
        }

        mutating func leg(
            _ leg: FitReport.LegReport, report: FitReport, single: Bool, stock: [LegLine: [ArticleStock]]
        ) {
            if single, let first = leg.fits.first {
                fit(first, report: report, leg: leg, stock: stock)
                return
            }
            raw("[")
            for (offset, line) in leg.fits.enumerated() {
                if offset > 0 { comma() }
                fit(line, report: report, leg: leg, stock: stock)
            }
            raw("]")
        }

        mutating func fit(
            _ fit: LineFit, report: FitReport, leg: FitReport.LegReport, stock: [LegLine: [ArticleStock]]
        ) {
            let unit = report.unit
            raw("{\"line\":")
            string(fit.line.id)
            raw(",\"name\":")
            string(fit.line.name)
            raw(",\"manufacturer\":")
            string(fit.line.manufacturer)
            if let side = leg.side {
                raw(",\"side\":")
                string(side.rawValue)
            }
            raw(",\"style\":")
            string(fit.style.rawValue)
            raw(",\"class\":{\"standard\":")
            string(fit.pressureClass.standard.rawValue)
            raw(",\"label\":")
            string(fit.pressureClass.label)
            raw(",\"mmHg\":[")
            ScaledDecimal.write(Int64(fit.pressureClass.lowerTenths), scale: 10, maxFractionDigits: 1, into: &out)
            comma()
            if let upper = fit.pressureClass.upperTenths {
                ScaledDecimal.write(Int64(upper), scale: 10, maxFractionDigits: 1, into: &out)
            } else {
                raw("null")
            }
            raw("]},\"outcome\":")
            string(fit.outcome.rawValue)
            raw(",\"size\":")
            string(fit.size)
            raw(",\"length\":")
            string(fit.length)
            raw(",\"unit\":")
            string(unit.rawValue)
            raw(",\"candidates\":[")
            for (offset, candidate) in fit.candidates.enumerated() {
                if offset > 0 { comma() }
                raw("{\"size\":")
                string(candidate.size)
                raw(",\"length\":")
                string(candidate.length)
                raw("}")
            }
            raw("],\"points\":[")
            for (offset, point) in fit.points.enumerated() {
                if offset > 0 { comma() }
                raw("{\"point\":")
                string(point.point.rawValue)
                raw(",\"value\":")
                length(point.value, unit, minFraction: 1)
                raw(",\"range\":")
                range(point.range, unit)
                raw(point.inside ? ",\"inside\":true,\"margin\":" : ",\"inside\":false,\"margin\":")
                if let margin = point.margin {
                    // Four decimals, rounded half away from zero, from the exact fraction (as `value`).
                    let scaled =
                        (margin.numerator * 10_000 * 2
                            + (margin.numerator >= 0 ? margin.denominator : -margin.denominator))
                        / (2 * margin.denominator)
                    ScaledDecimal.write(
                        scaled, scale: 10_000, minFractionDigits: 1, maxFractionDigits: 4, into: &out)
                } else {
                    raw("null")
                }
                raw("}")
            }
            raw("],\"reasons\":[")
            for (offset, reason) in fit.reasons.enumerated() {
                if offset > 0 { comma() }
                raw("{\"point\":")
                string(reason.point.rawValue)
                raw(",\"value\":")
                length(reason.value, unit, minFraction: 1)
                raw(",\"size\":")
                string(reason.size)
                if let variant = reason.length {
                    raw(",\"length\":")
                    string(variant)
                }
                raw(",\"range\":")
                range(reason.range, unit)
                raw(",\"message\":")
                string(reason.message)
                raw("}")
            }
            raw("],\"warnings\":[")
            for (offset, warning) in leg.warnings.enumerated() {
                if offset > 0 { comma() }
                string(warning)
            }
            raw("],\"confirm\":[")
            for (offset, note) in fit.toleranceNotes.enumerated() {
                if offset > 0 { comma() }
                string(note)
            }
            raw("],\"equivalents\":[")
            for (offset, other) in fit.pressureClass.approximateEquivalents.enumerated() {
                if offset > 0 { comma() }
                string(other.code)
            }
            raw("],\"arterial\":{\"abpi\":")
            if let abpi = leg.abpi { out.append(contentsOf: abpi.description.utf8) } else { raw("null") }
            raw(",\"verdict\":")
            string(FitJSON.verdictName(leg.arterial))
            raw(",\"words\":")
            string(leg.arterialWords)
            raw("}")
            if let articles = stock[LegLine(side: leg.side, line: fit.line.id)] {
                raw(",\"articles\":[")
                for (offset, item) in articles.enumerated() {
                    if offset > 0 { comma() }
                    article(item)
                }
                raw("]")
            }
            raw("}")
        }

        mutating func article(_ item: ArticleStock) {
            raw("{\"sku\":")
            string(item.sku)
            raw(",\"gtin\":")
            string(item.gtin)
            raw(",\"toe\":")
            string(item.toe)
            raw(",\"color\":")
            string(item.color)
            raw(",\"here\":")
            integer(item.here)
            raw(",\"elsewhere\":{")
            for (offset, place) in item.elsewhere.sorted(by: { $0.key < $1.key }).enumerated() {
                if offset > 0 { comma() }
                string(place.key)
                raw(":")
                integer(place.value)
            }
            raw("}}")
        }

        mutating func pair(_ pair: PairFit) {
            raw("{\"line\":")
            string(pair.left.line.id)
            switch pair.verdict {
            case .pair(let size, let length):
                raw(",\"verdict\":\"pair\",\"size\":")
                string(size)
                raw(",\"length\":")
                string(length)
            case .singles:
                raw(",\"verdict\":\"singles\",\"size\":null,\"length\":null")
            case .madeToMeasure(let sides):
                raw(",\"verdict\":\"made-to-measure\",\"size\":null,\"length\":null,\"sides\":[")
                for (offset, side) in sides.enumerated() {
                    if offset > 0 { comma() }
                    string(side.rawValue)
                }
                raw("]")
            }
            raw(",\"left\":")
            choice(pair.left)
            raw(",\"right\":")
            choice(pair.right)
            raw(",\"summary\":")
            string(pair.summary)
            raw("}")
        }

        mutating func choice(_ fit: LineFit) {
            guard fit.outcome == .standard else { return raw("null") }
            raw("{\"size\":")
            string(fit.size ?? "")
            raw(",\"length\":")
            string(fit.length ?? "")
            raw("}")
        }
    }
}

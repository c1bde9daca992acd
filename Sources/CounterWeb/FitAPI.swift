import Counter
import Fitting
import Foundation
import Inventory
import Postgres

/// `POST /api/v1/fit`: legs fitted against the database's lines, answered with exactly the JSON
/// `cfit fit --json` prints (each ready-made result with its articles in stock).
enum FitAPI {
    static func fit(_ body: [String: Any], state: WebState, login: String) async throws -> [UInt8] {
        let styleText = try APIRoutes.string(body, "style")
        guard let style = Style(rawValue: styleText) else {
            throw WebInputError("style", expected: "AD, AF, AG or AT", found: styleText)
        }
        let classText = try APIRoutes.string(body, "class")
        let unitText = try APIRoutes.optionalString(body, "unit") ?? "cm"
        guard let unit = LengthUnit(rawValue: unitText) else {
            throw WebInputError("unit", expected: "cm or in", found: unitText)
        }
        var abpi: ABPI?
        if let text = try APIRoutes.optionalString(body, "abpi") {
            do { abpi = try ABPI.parse(text) } catch {
                throw WebInputError("abpi", expected: "an index such as 0.9", found: text)
            }
        }
        guard let legsObject = body["legs"] as? [String: Any], !legsObject.isEmpty else {
            throw WebInputError("legs", expected: "an object: leg, or left and right", found: "")
        }
        var legs: [(side: Side?, leg: LegMeasurements)] = []
        for name in legsObject.keys.sorted() {
            let side: Side?
            switch name {
            case "leg": side = nil
            case "left": side = .left
            case "right": side = .right
            default: throw WebInputError("legs", expected: "leg, left or right", found: name)
            }
            guard let points = legsObject[name] as? [String: Any] else {
                throw WebInputError("legs.\(name)", expected: "an object of points", found: "")
            }
            var leg = LegMeasurements()
            for (key, value) in points {
                guard let point = MeasurementPoint(rawValue: key) else {
                    throw WebInputError("legs.\(name)", expected: "measurement points such as cB, cC, lD", found: key)
                }
                let text = (value as? String) ?? (value as? NSNumber).map { "\($0)" } ?? ""
                do {
                    leg[point] = try Length.parse(text, unit: unit)
                } catch {
                    throw WebInputError("legs.\(name).\(key)", expected: "a length in \(unit.rawValue)", found: text)
                }
            }
            legs.append((side, leg))
        }
        if legs.count == 2 { legs.sort { $0.side == .left && $1.side == .right } }
        let measured = legs
        let index = abpi
        let location = state.location
        return try await state.withConnection(login) { connection in
            let lines = try Catalogs(connection: connection).productLines()
            let (report, _, stock) = try fitted(
                { measured }, lines: lines, style: style, classText: classText, unit: unit, abpi: index,
                location: location, on: connection)
            var out: [UInt8] = []
            FitJSON.write(report, single: false, stock: stock, into: &out)
            return out
        }
    }

    /// A fitting at the counter, the same for the page and the API: the lines that offer the style
    /// and class, the session's results, and each ready-made result's stock here and elsewhere. The
    /// legs are read by `legs` once the class has been understood, so a bad class is named first.
    static func fitted(
        _ legs: () throws -> [(side: Side?, leg: LegMeasurements)], lines: [ProductLine], style: Style,
        classText: String, unit: LengthUnit, abpi: ABPI?, location: String, on connection: Connection
    ) throws -> (report: FitReport, legs: [(side: Side?, leg: LegMeasurements)], stock: [LegLine: [ArticleStock]]) {
        let offers = try FitSession.offers(lines, style: style, classText: classText)
        let session = FitSession(
            lines: offers, style: style, unit: unit, tolerance: Length(micrometres: 0), abpi: abpi,
            requestedClass: classText)
        let measured = try legs()
        let report = try session.run(legs: measured)
        return (report, measured, try report.stock(on: connection, location: location))
    }
}

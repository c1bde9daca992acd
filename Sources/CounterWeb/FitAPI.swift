import Counter
import Fitting
import Foundation
import Inventory
import Postgres

/// `POST /api/v1/fit`: legs fitted against the database's lines, answered with exactly the JSON
/// `cfit fit --json` prints (each ready-made result with its articles in stock).
enum FitAPI {
    /// Fits the body `{"style", "class", "unit"?, "abpi"?, "legs": {"leg"|"left"|"right": {POINT: value}}}`.
    /// The body is read as written: a measurement is a string as typed (`"36,5"`, `"13 1/2"`) or
    /// a JSON number taken from its text, never through a binary floating point.
    static func fit(_ body: [UInt8], state: WebState, login: String) async throws -> [UInt8] {
        let document: JSONValue
        do {
            document = try JSONValue.parse(utf8: body)
        } catch {
            throw CounterError.badInput("body", expected: "a JSON object", found: "\(error)")
        }
        guard case .object(let members) = document else {
            throw CounterError.badInput("body", expected: "a JSON object", found: document.kindDescription)
        }
        func text(_ name: String) throws -> String? {
            guard let value = members.last(where: { $0.key == name })?.value else { return nil }
            switch value {
            case .null: return nil
            case .string(let text): return try Input.withoutNUL(text, field: name)
            case .number(let text) where name == "abpi": return text
            default: throw CounterError.badInput(name, expected: "a string", found: value.kindDescription)
            }
        }
        let style = try Input.style(try text("style"))
        guard let classText = try text("class") else {
            throw CounterError.badInput("class", expected: "a class such as 2, RAL:2 or US:20-30", found: "none")
        }
        let unit = try Input.unit(try text("unit"))
        let abpi = try Input.abpi(try text("abpi"))
        guard case .object(let legsObject)? = members.last(where: { $0.key == "legs" })?.value, !legsObject.isEmpty
        else {
            throw CounterError.badInput("legs", expected: "an object: leg, or left and right", found: "none")
        }
        var entered: [(side: Side?, values: [(point: String, text: String)])] = []
        for (name, value) in legsObject {
            let side: Side?
            switch name {
            case "leg": side = nil
            case "left": side = .left
            case "right": side = .right
            default: throw CounterError.badInput("legs", expected: "leg, or left and right", typed: name)
            }
            guard case .object(let points) = value else {
                throw CounterError.badInput(
                    "legs.\(name)", expected: "an object of points such as {\"cB\": \"22\"}",
                    found: value.kindDescription)
            }
            var values: [(point: String, text: String)] = []
            for (point, measured) in points {
                switch measured {
                case .string(let typed), .number(let typed): values.append((point, typed))
                default:
                    throw CounterError.badInput(
                        "\(side.map { "\($0.rawValue) " } ?? "")\(point)",
                        expected: "a measurement as a string or a number",
                        found: measured.kindDescription)
                }
            }
            entered.append((side, values))
        }
        let hasLeg = entered.contains { $0.side == nil }
        guard !(hasLeg && entered.count > 1) else {
            throw CounterError.badInput("legs", expected: "leg, or left and right", found: "leg with another")
        }
        guard Set(entered.map(\.side)).count == entered.count else {
            throw CounterError.badInput("legs", expected: "each leg once", found: "a leg given twice")
        }
        entered.sort { ($0.side == .left ? 0 : 1) < ($1.side == .left ? 0 : 1) }
        let legs = entered
        let location = state.location
        return try await state.withConnection(login) { connection in
            let lines = try Catalogs(connection: connection).productLines()
            let (report, _, stock) = try fitted(
                { try legs.map { ($0.side, try Input.leg($0.values, unit: unit, side: $0.side)) } }, lines: lines,
                style: style, classText: classText, unit: unit, abpi: abpi, location: location, on: connection)
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

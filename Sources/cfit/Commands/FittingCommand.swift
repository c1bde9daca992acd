import ArgumentParser
import Fitting
import Foundation
import Inventory

/// `cfit fitting`: recorded fittings.
struct FittingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fitting", abstract: "Show a recorded fitting (cfit fit --record).", subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One fitting: who, when, each point, the result, and the change since the previous fitting.")
        @Argument(help: "The fitting's number.") var id: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors {
                let fitting = try Fittings(connection: database.connect()).show(Int64(try wholeNumber(id, "FITTING")))
                print(
                    json
                        ? try RecordJSON.render("fitting", fitting)
                        : Self.render(fitting, time: localTimeFormatter()).joined(separator: "\n"))
            }
        }

        /// The fitting in lines: heading, each leg's points with their changes, each line's answer.
        static func render(_ f: FittingRecord, time: DateFormatter) -> [String] {
            var out = [
                "fitting \(f.id), \(time.string(from: f.takenAt)) by \(f.fitter), rx \(f.prescription): \(f.style) \(f.pressureClass), in \(f.unit)"
            ]
            for side in f.measurements.keys.sorted() {
                let points = f.measurements[side] ?? [:]
                // Up the leg, circumferences before lengths, as MeasurementPoint lists them.
                let rank = { (code: String) in
                    MeasurementPoint(rawValue: code).flatMap { MeasurementPoint.allCases.firstIndex(of: $0) } ?? .max
                }
                let ordered = points.keys.sorted { (rank($0), $0) < (rank($1), $1) }
                let cells = ordered.map { point in
                    let change = f.changes[side]?[point].map { " (\($0))" } ?? ""
                    return "\(point) \(points[point] ?? "")\(change)"
                }
                out.append("  \(side): \(cells.joined(separator: ", "))")
            }
            for r in f.results {
                let answer = r.outcome == "standard" ? "size \(r.size ?? "?"), \(r.length ?? "?")" : r.outcome
                out.append("  \(r.side.map { "\($0) " } ?? "")\(r.line): \(answer)")
            }
            return out
        }
    }
}

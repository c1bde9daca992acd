import ArgumentParser
import Counter
import Fitting
import Foundation

/// `cfit fitting`: recorded fittings.
struct FittingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fitting",
        abstract:
            "Show a recorded fitting (cfit fit --record), print its made-to-measure order sheet, or void one recorded in error.",
        subcommands: [Show.self, Order.self, Void.self])

    struct Void: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Void a fitting recorded in error, saying why: kept and shown as voided, never compared with or ordered from again."
        )
        @Argument(help: "The fitting's reference (F-…).") var id: String
        @OptionGroup var check: PrescriptionCheck
        @Option(help: ArgumentHelp("Why it is voided (kept with it).", valueName: "REASON")) var reason: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var write: WriteOptions
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["fitting": "FITTING", "prescription": "--rx"]) {
                let fitting = try database.desk().voidFitting(id, rx: check.rx, reason: reason, key: write.key)
                print(
                    json
                        ? try RecordJSON.render("fitting", fitting)
                        : "fitting \(fitting.id): voided (\(fitting.voided?.reason ?? reason))")
            }
        }
    }

    struct Order: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "The made-to-measure order sheet of a fitting: patient, line, style, class, toe, colour, side, every point."
        )
        @Argument(help: "The fitting's reference (F-…).") var id: String
        @OptionGroup var check: PrescriptionCheck
        @Option(
            help: ArgumentHelp("The line to order (default: the one that needed made-to-measure).", valueName: "LINE"))
        var line: String?
        @Option(help: ArgumentHelp("open or closed.", valueName: "TOE")) var toe = "closed"
        @Option(help: ArgumentHelp("The colour.", valueName: "COLOUR")) var color = "beige"
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["fitting": "FITTING", "prescription": "--rx"]) {
                let order = try database.desk().order(fitting: id, rx: check.rx, line: line, toe: toe, color: color)
                if json {
                    print(try RecordJSON.render("order", order))
                    return
                }
                var out = [
                    "MADE-TO-MEASURE ORDER — fitting \(order.fitting), measured \(localTimeFormatter().string(from: order.measuredAt)) by \(order.fitter)",
                    "shop: \(order.shop ?? "—")",
                    "patient: \(order.patientName) (\(order.patient))\(order.patientBorn.map { ", born \($0)" } ?? "")",
                    "prescription: \(order.prescription)\(order.prescribedOn.map { " of \($0)" } ?? "") by \(order.prescriberName) (\(order.prescriber))",
                    "line: \(order.lineName) [\(order.line)]   style \(order.style)   class \(order.pressureClass)",
                    "toe: \(order.toe)   colour: \(order.color)   side: \(order.side)",
                    "measurements (\(order.unit)):",
                ]
                for leg in order.measurements.keys.sorted() {
                    let points = order.measurements[leg] ?? [:]
                    let cells = MeasurementPoint.upTheLeg(points.keys).map { "\($0) \(points[$0] ?? "")" }
                    out.append("  \(leg): \(cells.joined(separator: ", "))")
                }
                if let foot = order.footLength { out.append("  foot length (heel to longest toe): \(foot)") }
                print(out.joined(separator: "\n"))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One fitting: who, when, each point, the result, and the change since the previous fitting.")
        @Argument(help: "The fitting's reference (F-…).") var id: String
        @OptionGroup var check: PrescriptionCheck
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try reportingErrors(arguments: ["fitting": "FITTING", "prescription": "--rx"]) {
                let fitting = try database.desk().fitting(id, rx: check.rx)
                print(
                    json
                        ? try RecordJSON.render("fitting", fitting)
                        : Self.render(fitting, time: localTimeFormatter()).joined(separator: "\n"))
            }
        }

        /// The fitting in lines: heading, each leg's points with their changes, each line's answer.
        static func render(_ f: FittingRecord, time: DateFormatter) -> [String] {
            var out = [
                "fitting \(f.id), \(time.string(from: f.takenAt)) by \(f.fitter), rx \(f.prescription): \(f.style.rawValue) \(f.pressureClass), in \(f.unit)"
            ]
            if let voided = f.voided {
                out.append(
                    "  VOIDED \(time.string(from: voided.at)) by \(voided.by): \(voided.reason) — not compared with, not ordered from"
                )
            }
            for side in f.measurements.keys.sorted() {
                let points = f.measurements[side] ?? [:]
                let ordered = MeasurementPoint.upTheLeg(points.keys)
                let cells = ordered.map { point in
                    let change = f.changes[side]?[point].map { " (\($0))" } ?? ""
                    return "\(point) \(points[point] ?? "")\(change)"
                }
                out.append("  \(side): \(cells.joined(separator: ", "))")
            }
            for line in f.safetyLines { out.append("  \(line)") }
            for r in f.results {
                let answer = r.outcome == .standard ? "size \(r.size ?? "?"), \(r.length ?? "?")" : r.outcome.rawValue
                out.append("  \(r.side.map { "\($0) " } ?? "")\(r.line): \(answer)")
            }
            return out
        }
    }
}

import ArgumentParser
import Counter
import Fitting

/// One option per measurement point (`--cB 22`, `--lD 41`), plus per-leg entry with `--left`/`--right`.
struct MeasurementOptions: ParsableArguments {
    @Option(name: .customLong("cA"), parsing: .unconditional, help: "Forefoot circumference.") var cA: String?
    @Option(name: .customLong("cY"), parsing: .unconditional, help: "Heel–instep circumference.") var cY: String?
    @Option(
        name: .customLong("cB"), parsing: .unconditional, help: "Ankle: smallest circumference above the ankle bones.")
    var cB: String?
    @Option(
        name: .customLong("cB1"), parsing: .unconditional,
        help: "Circumference where the Achilles tendon meets the calf.")
    var cB1: String?
    @Option(name: .customLong("cC"), parsing: .unconditional, help: "Largest calf circumference.") var cC: String?
    @Option(name: .customLong("cD"), parsing: .unconditional, help: "Circumference below the knee.") var cD: String?
    @Option(name: .customLong("cE"), parsing: .unconditional, help: "Mid-knee circumference.") var cE: String?
    @Option(name: .customLong("cF"), parsing: .unconditional, help: "Mid-thigh circumference.") var cF: String?
    @Option(name: .customLong("cG"), parsing: .unconditional, help: "Top-of-thigh circumference.") var cG: String?
    @Option(name: .customLong("cH"), parsing: .unconditional, help: "Hip circumference.") var cH: String?
    @Option(name: .customLong("cT"), parsing: .unconditional, help: "Waist circumference.") var cT: String?
    @Option(name: .customLong("lB"), parsing: .unconditional, help: "Height of the ankle point.") var lB: String?
    @Option(name: .customLong("lB1"), parsing: .unconditional, help: "Height of the B1 point.") var lB1: String?
    @Option(name: .customLong("lC"), parsing: .unconditional, help: "Height of the calf point.") var lC: String?
    @Option(name: .customLong("lD"), parsing: .unconditional, help: "Height below the knee (knee-high length).")
    var lD: String?
    @Option(name: .customLong("lE"), parsing: .unconditional, help: "Height of mid-knee.") var lE: String?
    @Option(name: .customLong("lF"), parsing: .unconditional, help: "Height of mid-thigh (mid-thigh length).") var lF:
        String?
    @Option(name: .customLong("lG"), parsing: .unconditional, help: "Height of the groin (thigh-high length).") var lG:
        String?
    @Option(name: .customLong("lT"), parsing: .unconditional, help: "Height of the waist (tights length).") var lT:
        String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "The left leg's measurements as POINT=VALUE pairs separated by commas.",
            discussion:
                "Example: --left cB=22,cC=36.5,cD=34,lD=41. Use with --right to fit both legs and get a pair verdict.",
            valueName: "POINT=VALUE,…"
        )
    )
    var left: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("The right leg's measurements, as for --left.", valueName: "POINT=VALUE,…")
    )
    var right: String?

    /// The raw text of each point flag that was given.
    var pointFlags: [(MeasurementPoint, String)] {
        let all: [(MeasurementPoint, String?)] = [
            (.cA, cA), (.cY, cY), (.cB, cB), (.cB1, cB1), (.cC, cC), (.cD, cD), (.cE, cE), (.cF, cF), (.cG, cG),
            (.cH, cH), (.cT, cT), (.lB, lB), (.lB1, lB1), (.lC, lC), (.lD, lD), (.lE, lE), (.lF, lF), (.lG, lG),
            (.lT, lT),
        ]
        return all.compactMap { point, text in text.map { (point, $0) } }
    }

    /// The legs entered: one unnamed leg from the point flags, or the named legs from --left/--right.
    func legs(unit: LengthUnit) throws -> [(side: Side?, leg: LegMeasurements)] {
        let flags = pointFlags
        if left == nil && right == nil {
            var leg = LegMeasurements()
            for (point, text) in flags { leg[point] = try parseLength(text, field: "--\(point.rawValue)", unit: unit) }
            return [(nil, leg)]
        }
        if let (point, _) = flags.first {
            throw CLIError.badInput(
                "--\(point.rawValue)",
                expected: "per-leg values inside --left/--right (e.g. --left \(point.rawValue)=22)",
                found: "it alongside --left/--right"
            )
        }
        var legs: [(Side?, LegMeasurements)] = []
        if let left { legs.append((.left, try parseLeg(left, field: "--left", unit: unit))) }
        if let right { legs.append((.right, try parseLeg(right, field: "--right", unit: unit))) }
        return legs
    }

    private func parseLeg(_ text: String, field: String, unit: LengthUnit) throws -> LegMeasurements {
        var leg = LegMeasurements()
        let pairs = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" })
        guard !pairs.isEmpty else {
            throw CLIError.badInput(field, expected: "POINT=VALUE pairs such as cB=22,cC=36.5", found: quoted(text))
        }
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else {
                throw CLIError.badInput(field, expected: "POINT=VALUE (e.g. cB=22)", found: quoted(String(pair)))
            }
            guard let point = MeasurementPoint(rawValue: String(parts[0])) else {
                throw CLIError.badInput(
                    field,
                    expected: "a point code (\(MeasurementPoint.allCases.map(\.rawValue).joined(separator: " ")))",
                    found: quoted(String(parts[0]))
                )
            }
            guard leg[point] == nil else {
                throw CLIError.badInput(
                    "\(field) \(point.rawValue)", expected: "one value", found: "\(point.rawValue) twice")
            }
            leg[point] = try parseLength(String(parts[1]), field: "\(field) \(point.rawValue)", unit: unit)
        }
        return leg
    }
}

/// Reads a positive length in `unit` as typed from a tape (the application layer's reader), or
/// fails naming `field` as given (`--cB` for a flag, `cB` at a prompt) and the text.
func parseLength(_ text: String, field: String, unit: LengthUnit) throws -> Length {
    do {
        return try Input.length(text, unit: unit, field: field)
    } catch {
        throw CLIError(status: .badInput, message: error.message)
    }
}

import Counter
import Fitting

/// Asks for what `cfit fit --interactive` still needs, one field at a time, re-asking on bad input.
///
/// Prompts and complaints go to standard error so that standard output holds only the result, which
/// also makes the prompts work with piped input (each answer is one line).
struct Prompter {
    private let readAnswer: () -> String?

    init(readAnswer: @escaping () -> String? = { readLine(strippingNewline: true) }) {
        self.readAnswer = readAnswer
    }

    /// Asks until `parse` accepts the answer. End of input is bad input naming the field — or,
    /// for an optional question, `endOfInput`: the same as pressing Enter.
    private mutating func ask<T>(
        _ field: String, prompt: String, endOfInput: T? = nil, parse: (String) -> Result<T, CLIError>
    ) throws -> T {
        while true {
            writeError(prompt)
            guard let raw = readAnswer() else {
                writeError("\n")
                if let endOfInput { return endOfInput }
                throw CLIError.badInput(field, expected: "an answer at the prompt", found: "the end of input")
            }
            switch parse(raw.trimmingWhitespace()) {
            case .success(let value): return value
            case .failure(let error): writeError("  \(displayLine(error.message)) — try again\n")
            }
        }
    }

    mutating func askStyle() throws -> Style {
        try ask("style", prompt: "Style (AD knee-high, AF mid-thigh, AG thigh-high, AT tights): ") { text in
            do {
                return .success(try Input.style(text))
            } catch {
                return .failure(CLIError(error))
            }
        }
    }

    /// Asks for a class; `problem` says why a class cannot be used (nil when it can).
    mutating func askClass(problem: (String) -> String?) throws -> String {
        try ask("class", prompt: "Class (e.g. 2, RAL:2, US:20-30): ") { text in
            if text.isEmpty { return .failure(.badInput("class", expected: "a class", found: "nothing")) }
            if let message = problem(text) {
                return .failure(CLIError(status: .badInput, message: message))
            }
            return .success(text)
        }
    }

    /// Asks for each point the lines need for the style that was not given, in order up the leg.
    mutating func askMeasurements(
        for lines: [ProductLine],
        style: Style,
        unit: LengthUnit,
        side: Side?,
        given: LegMeasurements
    ) throws -> LegMeasurements {
        var leg = given
        let needed = Set(lines.flatMap { $0.requiredPoints(for: style) }).sorted()
        let prefix = side.map { "\($0.rawValue.capitalized) leg, " } ?? ""
        for point in needed where leg[point] == nil {
            let field = side.map { "\($0.rawValue) \(point.rawValue)" } ?? point.rawValue
            leg[point] = try ask(field, prompt: "\(prefix)\(point.rawValue) (\(point)) in \(unit.rawValue): ") { text in
                do {
                    let value = try parseLength(text, field: field, unit: unit)
                    // A value no leg has is a slip of the tape or the keyboard: ask again, saying why.
                    let plausible = LegBounds.range(for: point)
                    guard plausible.contains(value) else {
                        return .failure(
                            .badInput(
                                field,
                                expected:
                                    "what a leg measures at \(point.rawValue) (\(plausible.formatted(in: unit)) \(unit.rawValue)); check the tape",
                                found: quoted(text)))
                    }
                    return .success(value)
                } catch let error as CLIError {
                    return .failure(error)
                } catch {
                    return .failure(.badInput(field, expected: "a positive number", found: quoted(text)))
                }
            }
        }
        return leg
    }

    /// Whether to fit both legs (Enter or end of input: one leg).
    mutating func askBothLegs() throws -> Bool {
        try ask("legs", prompt: "Both legs, left and right? (y/N): ", endOfInput: false) { text in
            switch text.lowercased() {
            case "", "n", "no", "1": return .success(false)
            case "y", "yes", "2": return .success(true)
            default: return .failure(.badInput("legs", expected: "y or n", found: quoted(text)))
            }
        }
    }

    /// The ankle-brachial pressure index, asked first: Enter or end of input skips it.
    /// An ABPI is per leg: the first is the one leg's, or the left leg's when both are fitted, and
    /// the right leg's is asked once both legs are chosen.
    mutating func askABPI(
        field: String = "abpi",
        prompt: String = "ABPI (of the leg, or the left leg when both are fitted; Enter to skip): "
    ) throws -> ABPI? {
        try ask(field, prompt: prompt, endOfInput: .some(nil)) { text in
            if text.isEmpty { return .success(nil) }
            guard let value = try? ABPI.parse(text) else {
                return .failure(.badInput(field, expected: "an index such as 0.95, or nothing", found: quoted(text)))
            }
            return .success(value)
        }
    }
}

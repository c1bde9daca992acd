public import Fitting

extension FitSession {
    /// The lines of `lines` that offer `style` in the class `classText` names, each with the class
    /// read in the line's own standard (`2` is RAL 2 for a RAL line; `US:20-30` names its
    /// standard). Bad input when no line understands the class; with `onlyLine`, bad input when
    /// that line does not make the style and class. A bare label is never resolved silently: when
    /// the lines, or the shop's `defaultStandard`, would read it as different pressures, it is bad
    /// input naming each reading in mmHg.
    ///
    /// ```swift
    /// let offers = try FitSession.offers(lines, style: .AD, classText: "2")
    /// ```
    public static func offers(
        _ lines: [ProductLine], style: Style, classText: String, onlyLine: Bool = false,
        defaultStandard: PressureStandard? = nil
    ) throws(CounterError) -> [(line: ProductLine, pressureClass: PressureClass)] {
        var offers: [(ProductLine, PressureClass)] = []
        var understood = false
        var lastError: PressureClass.ParseError?
        for candidate in lines {
            do {
                let parsed = try PressureClass.parse(classText, defaultStandard: candidate.standard)
                understood = true
                if candidate.offers(style: style, pressureClass: parsed) { offers.append((candidate, parsed)) }
            } catch {
                lastError = error
            }
        }
        if !understood {
            switch lastError {
            case .unknownStandard(let name):
                throw .badInput(
                    "class", expected: "a standard RAL, BS, AFNOR, ENV or US before ':'", found: "'\(name)'")
            default:
                let standards = Set(lines.map(\.standard)).sorted { $0.rawValue < $1.rawValue }
                let labels = standards.map { s in "\(s.rawValue): " + s.classes.map(\.label).joined(separator: " ") }
                throw .badInput(
                    "class", expected: "a class label (\(labels.joined(separator: "; ")))", found: "'\(classText)'")
            }
        }
        // A class without its standard must never be resolved silently: when lines of different
        // standards would read the same label as different pressures, say so and ask for the
        // standard (compression.md §5; a UK class 2 is 18–24 mmHg, a RAL 2 23–32 mmHg).
        if !classText.contains(":") {
            var readings: [PressureStandard: PressureClass] = [:]
            for (_, parsed) in offers where readings[parsed.standard] == nil { readings[parsed.standard] = parsed }
            // The shop's standard reads it too: a UK shop's "2" is BS 2 even when only RAL lines offer it.
            if !readings.isEmpty, let defaultStandard, readings[defaultStandard] == nil,
                let shop = try? PressureClass.parse(classText, defaultStandard: defaultStandard)
            {
                readings[defaultStandard] = shop
            }
            let distinct = Set(readings.values.map { [$0.lowerTenths, $0.upperTenths ?? -1] })
            if distinct.count > 1 {
                let ordered = readings.values.sorted { $0.standard.rawValue < $1.standard.rawValue }
                let named = ordered.map { "\($0.standard.rawValue) \($0.label) is \($0.rangeText)" }
                throw .badInput(
                    "class",
                    expected:
                        "the class with its standard (\(ordered.map(\.code).joined(separator: " or "))), since \(named.joined(separator: " and "))",
                    found: "'\(classText)'")
            }
        }
        if offers.isEmpty, onlyLine, let only = lines.first {
            throw .badInput(
                "line",
                expected:
                    "a line made in style \(style.rawValue) class \(classText) (\(only.id) offers \(only.styles.map(\.rawValue).joined(separator: "/")) in \(only.classes.map(\.code).joined(separator: ", ")))",
                found: "'\(only.id)'"
            )
        }
        return offers
    }
}

extension FitSession {
    /// The lines a fitting uses: every line, or only the one `line` names (bad input naming the
    /// lines there are when none has that id).
    public static func lines(_ lines: [ProductLine], only line: String?) throws(CounterError) -> [ProductLine] {
        guard let line else { return lines }
        guard let found = lines.first(where: { $0.id == line }) else {
            throw .badInput("line", expected: "one of \(lines.map(\.id).joined(separator: ", "))", found: "'\(line)'")
        }
        return [found]
    }
}

public import Fitting
import Foundation
public import Postgres

/// Readers for what a person types, the same for every face: the command line's arguments, a
/// web form and a JSON body all come here, so a style, a unit, a tape measurement, an ABPI or an
/// idempotency key is read, defaulted and refused in one place. Each reader names the field it
/// read by its own name; a face words the name its way.
///
/// ```swift
/// let style = try Input.style("ad")                              // .AD
/// let calf = try Input.length("14 1/2", unit: .inch, field: "cC")  // 368 300 µm
/// let key = try Input.idempotencyKey(nil, field: "key")          // throws: a form without its key
/// ```
public enum Input {
    /// Any text a face received — a form field, a query, a path, a JSON string — refused by
    /// `field` when it holds a character no field of ours has a use for: a control character
    /// (NUL, which PostgreSQL cannot store; tab, line breaks, escape, bell … which forge log lines
    /// and break the pages' and files' layout; C1 controls and DEL) or a bidirectional embedding,
    /// override or isolate (U+202A–U+202E, U+2066–U+2069), which makes a name or a reference read
    /// otherwise than it is stored. `scanned` text — an article's code as a barcode scanner types
    /// it — may also hold GS (U+001D), which ends a GS1 code's variable-length fields. Returned as
    /// given.
    public static func plain(_ text: String, field: String, scanned: Bool = false) throws(CounterError) -> String {
        guard let bad = text.unicodeScalars.first(where: { forbidden($0) && !(scanned && $0 == "\u{1D}") }) else {
            return text
        }
        let code = String(format: "U+%04X", bad.value)
        let what = bad.properties.generalCategory == .control ? "a control character" : "a direction override"
        throw .badInput(
            field, expected: "text without control characters or direction overrides", found: "\(what) (\(code))")
    }

    /// Whether `scalar` is refused in any text (see ``plain(_:field:)``).
    static func forbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// An article's code as typed or scanned (a SKU, a GTIN, a GS1 code with its GS separators):
    /// ``text(_:field:)`` that may hold GS (U+001D).
    public static func scannedText(_ text: String, field: String) throws(CounterError) -> String {
        _ = try plain(text, field: field, scanned: true)
        guard text.unicodeScalars.contains(where: { !blanks.contains($0) && $0 != "\u{1D}" }) else {
            throw .badInput(field, expected: "text", found: text.isEmpty ? "nothing" : "only blanks")
        }
        return text
    }

    /// Text a person or a system gave: something besides blanks, and nothing ``plain(_:field:)``
    /// refuses; returned as given.
    public static func text(_ text: String, field: String) throws(CounterError) -> String {
        _ = try plain(text, field: field)
        guard hasContent(text) else {
            throw .badInput(field, expected: "text", found: text.isEmpty ? "nothing" : "only blanks")
        }
        return text
    }

    /// A whole number as typed (`6`, ` 6 `); its range is the operation's rule, checked there.
    public static func wholeNumber(_ text: String, field: String) throws(CounterError) -> Int {
        guard let value = Int(text.trimmingWhitespace()) else {
            throw .badInput(field, expected: "a whole number", typed: text)
        }
        return value
    }

    /// A calendar day, `YYYY-MM-DD`, from 1900 to 2199.
    public static func day(_ text: String, field: String) throws(CounterError) -> CalendarDay {
        do {
            return try CalendarDay(parsing: text.trimmingWhitespace())
        } catch {
            throw .badInput(field, expected: error.expected, typed: text)
        }
    }

    /// A style code, in any case and with blanks around it (`ad`, ` AD `).
    public static func style(_ text: String?, field: String = "style") throws(CounterError) -> Style {
        let typed = (text ?? "").trimmingWhitespace()
        guard let style = Style(rawValue: typed.uppercased()) else {
            throw .badInput(
                field, expected: "AD, AF, AG or AT", found: typed.isEmpty ? "none" : "'\(typed)'")
        }
        return style
    }

    /// The unit of the measurements: `cm` or `in` in any case; nothing given is `cm`, the unit of
    /// the tape at most counters. Anything else is refused, never taken for centimetres.
    public static func unit(_ text: String?, field: String = "unit") throws(CounterError) -> LengthUnit {
        let typed = (text ?? "").trimmingWhitespace()
        if typed.isEmpty { return .cm }
        guard let unit = LengthUnit(rawValue: typed.lowercased()) else {
            throw .badInput(field, expected: "cm or in", typed: typed)
        }
        return unit
    }

    /// A positive length in `unit` as read off a tape: a decimal point or comma (`36.5`, `36,5`),
    /// and in inches a fraction too (`13 1/2`, `13-1/2`, `13½`; eighths at most).
    public static func length(_ text: String, unit: LengthUnit, field: String) throws(CounterError) -> Length {
        do {
            return try Length.parseTape(text, unit: unit)
        } catch {
            let expected =
                unit == .inch
                ? "a positive number of inches (13.5, 13 1/2, 13½; eighths at most)" : "a positive number in cm"
            throw .badInput(field, expected: expected, found: "'\(text)'")
        }
    }

    /// The ankle-brachial pressure index, or `nil` when nothing was typed.
    public static func abpi(_ text: String?, field: String = "abpi") throws(CounterError) -> ABPI? {
        let typed = (text ?? "").trimmingWhitespace()
        if typed.isEmpty { return nil }
        do {
            return try ABPI.parse(typed)
        } catch {
            throw .badInput(field, expected: "an index such as 0.95 (above 0, at most 3)", found: "'\(typed)'")
        }
    }

    /// The measurements of one leg, point code → text as typed, read in `unit`. A code that is no
    /// measurement point is refused, and so is an empty value. `side` prefixes each field
    /// (`left cB`), as a face shows a leg's point.
    public static func leg(_ values: [(point: String, text: String)], unit: LengthUnit, side: Side?)
        throws(CounterError) -> LegMeasurements
    {
        let prefix = side.map { "\($0.rawValue) " } ?? ""
        var leg = LegMeasurements()
        for (code, text) in values {
            guard let point = MeasurementPoint(rawValue: code) else {
                throw .badInput(
                    side.map(\.rawValue) ?? "leg",
                    expected: "a point code (\(MeasurementPoint.allCases.map(\.rawValue).joined(separator: " ")))",
                    found: "'\(code)'")
            }
            guard leg[point] == nil else {
                throw .badInput(prefix + code, expected: "one value", found: "\(code) twice")
            }
            leg[point] = try length(text, unit: unit, field: prefix + code)
        }
        return leg
    }

    /// A scanned box as the scanner sent it — a bare GTIN, a GS1 element string bracketed or raw,
    /// with or without a symbology prefix — or a refusal saying where reading stopped.
    public static func scan(_ text: String, field: String, referenceYear: Int) throws(CounterError) -> GS1Scan {
        do {
            return try GS1Scan(text, referenceYear: referenceYear)
        } catch {
            throw CounterError(
                kind: .badInput, field: field, text: CounterError.literal("scanned code '\(text)' \(error)"))
        }
    }

    /// The article a code names as typed or scanned: a scanned GS1 code's GTIN (14 digits), else
    /// the text itself (a SKU or a GTIN, looked up by the inventory).
    public static func articleCode(_ text: String, field: String, referenceYear: Int) throws(CounterError) -> String {
        GS1Scan.looksScanned(text) ? try scan(text, field: field, referenceYear: referenceYear).gtin.gtin14 : text
    }

    /// The most characters an idempotency key may have.
    public static let keyLength = 200

    /// An idempotency key as a client or a form sent it: 1 to 200 visible ASCII characters. A
    /// request without one is refused — the layer never invents a key, since a key made up per
    /// attempt would let a repeated request write twice.
    public static func idempotencyKey(_ text: String?, field: String) throws(CounterError) -> String {
        let key = text ?? ""
        guard (1...keyLength).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .badInput(
                field, expected: "a key of 1 to \(keyLength) visible ASCII characters",
                typed: String(key.prefix(keyLength + 1)))
        }
        return key
    }

    /// A key scoped to the face and the login that sent it, so that two systems choosing the same
    /// key never collide (`api:till-1:K42`).
    public static func scopedKey(_ key: String, face: String, login: String? = nil) -> String {
        login.map { "\(face):\($0):\(key)" } ?? "\(face):\(key)"
    }
}

extension Input {
    /// A request of type `T` from a JSON body, every problem named by its field: a missing field
    /// (`sku: expected a value, found nothing`), a value of the wrong type, text that is not JSON.
    public static func request<T: Decodable>(_ type: T.Type, json body: [UInt8]) throws(CounterError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch let error as DecodingError {
            throw Self.problem(error)
        } catch {
            throw .badInput("body", expected: "a JSON object", found: "\(error)")
        }
    }

    /// The field a decoding problem is about, and what was wrong with it.
    static func problem(_ error: DecodingError) -> CounterError {
        func field(_ path: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let names = (path + (last.map { [$0] } ?? [])).map { $0.intValue.map(String.init) ?? $0.stringValue }
            return names.isEmpty ? "body" : names.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .badInput(field(context.codingPath, key), expected: "a value", found: "nothing")
        case .valueNotFound(let type, let context):
            return .badInput(field(context.codingPath), expected: Self.kind(of: type), found: "null")
        case .typeMismatch(let type, let context):
            return .badInput(field(context.codingPath), expected: Self.kind(of: type), found: "a value of another type")
        case .dataCorrupted(let context):
            return .badInput(
                field(context.codingPath), expected: context.codingPath.isEmpty ? "a JSON object" : "a valid value",
                found: context.debugDescription)
        @unknown default:
            return .badInput("body", expected: "a JSON object", found: "\(error)")
        }
    }

    private static func kind(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "text"
        case is Bool.Type: "true or false"
        case is NumberText.Type, is Int.Type: "a whole number"
        default: "a value of another type"
        }
    }
}

extension Input {
    /// Optional text a person or a system gave: `nil` when not given, else text as
    /// ``text(_:field:)`` reads it — blanks are refused, since a field given must say something
    /// (a form's empty field is "not given", and its face passes `nil`).
    public static func optional(_ text: String?, field: String) throws(CounterError) -> String? {
        guard let text else { return nil }
        _ = try plain(text, field: field)
        guard hasContent(text) else {
            throw .badInput(
                field, expected: "text, or the field left out", found: text.isEmpty ? "nothing" : "only blanks")
        }
        return text
    }

    /// One of a closed set of values (`expired`, `on-hold` …), exactly as the set spells it (as the
    /// API's document says); the refusal lists the values.
    public static func oneOf<T: RawRepresentable & CaseIterable>(_ text: String?, field: String, as type: T.Type)
        throws(CounterError) -> T where T.RawValue == String
    {
        let typed = text ?? ""
        guard let value = T(rawValue: typed) else {
            let names = T.allCases.map(\.rawValue)
            throw .badInput(
                field, expected: names.dropLast().joined(separator: ", ") + " or " + (names.last ?? ""),
                found: typed.isEmpty ? "none" : "'\(typed)'")
        }
        return value
    }

    /// The article a code names (see ``articleCode(_:field:referenceYear:)``), read against this
    /// year, after checking it is text.
    static func article(_ text: String, field: String, today: CalendarDay) throws(CounterError) -> String {
        try articleCode(try scannedText(text, field: field), field: field, referenceYear: today.year)
    }

    /// What names a record (a reservation, a dispense, a fitting), as typed: its reference
    /// (`R-0MZ4K8D-3QX7T2A`, in any case, dashes optional) or, together with its prescription, its
    /// number. The database reads it (`cfit_find`), so every face accepts the same spellings.
    public static func reference(_ text: String, field: String) throws(CounterError) -> String {
        try code(text.trimmingWhitespace(), field: field)
    }
}

extension Input {
    /// A whole number of `units` (days, articles …) within `range`, as typed; `default` when not
    /// given or blank.
    public static func count(
        _ text: String?, field: String, default value: Int, range: ClosedRange<Int>, units: String = "days"
    ) throws(CounterError) -> Int {
        guard let typed = try optional(text, field: field) else { return value }
        guard let number = Int(typed.trimmingWhitespace()), range.contains(number) else {
            throw .badInput(
                field, expected: "a whole number of \(units) from \(range.lowerBound) to \(range.upperBound)",
                typed: typed)
        }
        return number
    }
}

extension Input {
    /// A code a shop gives a record — a patient's or a prescriber's reference, a prescription's
    /// number, a lot, a location: 1 to 100 characters, no blanks around it.
    public static func code(_ text: String, field: String) throws(CounterError) -> String {
        _ = try plain(text, field: field)
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last, scalars.count <= 100, !blanks.contains(first),
            !blanks.contains(last)
        else {
            throw .badInput(
                field, expected: "a code of 1 to 100 characters without surrounding spaces", typed: text)
        }
        return text
    }

    /// An optional code (see ``code(_:field:)``): `nil` when not given.
    public static func optionalCode(_ text: String?, field: String) throws(CounterError) -> String? {
        guard let text else { return nil }
        return try code(text, field: field)
    }
}

extension Input {
    /// A tolerance that widens a chart's ranges: 0, or a length up to 10 cm, in `unit`.
    public static func tolerance(_ text: String, unit: LengthUnit, field: String) throws(CounterError) -> Length {
        if let zero = try? ScaledDecimal.parse(text, scale: unit.micrometres), zero == 0 {
            return Length(micrometres: 0)
        }
        guard let value = try? Length.parse(text, unit: unit), value.micrometres <= 100_000 else {
            throw .badInput(field, expected: "a length from 0 to 10 cm in \(unit.rawValue)", typed: text)
        }
        return value
    }
}

extension Input {
    /// An ICD-10 code as a prescription gives it (`I83.9`, `i872`, `I87.20`): a letter, two
    /// digits, a third character that is a digit or a letter (national editions use them), then
    /// up to four more after an optional dot; blanks around it are dropped. Returned in capitals,
    /// the dot after the third character (`I87.2`), so one code is stored one way.
    public static func diagnosis(_ text: String?, field: String) throws(CounterError) -> String? {
        guard let text = try optional(text, field: field) else { return nil }
        let scalars = Array(
            text.unicodeScalars.drop { blanks.contains($0) }.reversed().drop { blanks.contains($0) }
                .reversed())
        let letters = scalars.filter { $0 != "." }.map { Character($0).uppercased() }.joined()
        let dots = scalars.indices.filter { scalars[$0] == "." }
        func letter(_ c: Character) -> Bool { c.isASCII && c.isLetter }
        func digit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        let chars = Array(letters)
        guard (3...7).contains(chars.count), letter(chars[0]), digit(chars[1]), digit(chars[2]) || letter(chars[2]),
            chars.dropFirst(3).allSatisfy({ digit($0) || letter($0) }),
            dots.isEmpty || (dots == [3] && chars.count > 3)
        else {
            throw .badInput(field, expected: "an ICD-10 code such as I83.9", typed: text)
        }
        return chars.count == 3 ? String(chars) : String(chars[0..<3]) + "." + String(chars[3...])
    }
}

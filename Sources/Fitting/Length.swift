/// A length or circumference, held exactly as a whole number of micrometres.
///
/// Charts and tapes speak in centimetres with one decimal or in inches with two; both are whole
/// numbers of micrometres, so comparisons against a chart's bounds are exact: a value typed on a
/// shared bound is inside both ranges, whatever unit either side used.
///
/// ```swift
/// let ankle = try Length.parse("22.5", unit: .cm)     // 225 000 µm
/// let chart = try Length.parse("8.86", unit: .inch)   // 225 044 µm
/// ankle < chart                                       // true
/// ankle.formatted(in: .cm)                            // "22.5"
/// ```
public struct Length: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The length in micrometres.
    public var micrometres: Int64

    /// A length of exactly `micrometres` µm.
    public init(micrometres: Int64) {
        self.micrometres = micrometres
    }

    /// Why text could not be read as a length.
    public enum ParseError: Error, Equatable, Sendable {
        /// Not a decimal number.
        case notANumber
        /// Zero or negative where a positive length is needed.
        case notPositive
        /// Too large to be a length of a leg.
        case outOfRange
    }

    /// Reads a decimal such as `"36.5"` (or `"36,5"`) in `unit`; more precision than a micrometre is
    /// rounded to the nearest micrometre. Only positive lengths are accepted.
    public static func parse(_ text: some StringProtocol, unit: LengthUnit) throws(ParseError) -> Length {
        let value: Int64
        do {
            value = try ScaledDecimal.parse(Substring(text), scale: unit.micrometres)
        } catch .notANumber {
            throw .notANumber
        } catch {
            throw .outOfRange
        }
        guard value > 0 else { throw .notPositive }
        // 100 m is far beyond any leg; the bound keeps every product of two lengths inside Int64.
        guard value <= 100_000_000 else { throw .outOfRange }
        return Length(micrometres: value)
    }

    /// Reads a measurement as a fitter reads it off a tape: a decimal in `unit` (as ``parse(_:unit:)``),
    /// or in inches a whole number and a fraction in halves, quarters or eighths — `13 1/2`,
    /// `13-1/2`, `13½`, `3/8` — held exactly (an eighth of an inch is 3 175 µm). Sixteenths are
    /// refused rather than rounded: they are not whole micrometres.
    ///
    /// ```swift
    /// try Length.parseTape("13 1/2", unit: .inch) == Length.parse("13.5", unit: .inch)   // true
    /// ```
    public static func parseTape(_ text: some StringProtocol, unit: LengthUnit) throws(ParseError) -> Length {
        let typed = text.trimmingWhitespace()
        guard unit == .inch, typed.contains("/") || typed.unicodeScalars.contains(where: { vulgarFractions[$0] != nil })
        else { return try parse(typed, unit: unit) }
        // "13½" and "13-1/2" are "13 1/2".
        var spelled = ""
        for scalar in typed.unicodeScalars {
            if let fraction = vulgarFractions[scalar] {
                spelled += " " + fraction
            } else {
                spelled.unicodeScalars.append(scalar == "-" ? " " : scalar)
            }
        }
        let parts = spelled.split(whereSeparator: \.isWhitespace)
        guard (1...2).contains(parts.count), let fraction = parts.last, fraction.contains("/") else {
            throw .notANumber
        }
        let pieces = fraction.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2, let numerator = Int64(pieces[0]), let denominator = Int64(pieces[1]),
            [2, 4, 8].contains(denominator), numerator > 0, numerator < denominator || parts.count == 1
        else { throw .notANumber }
        var whole: Int64 = 0
        if parts.count == 2 {
            guard let value = Int64(parts[0]), value >= 0, parts[0].allSatisfy(\.isASCII) else { throw .notANumber }
            whole = value
        }
        guard whole <= 4_000 else { throw .outOfRange }
        let micrometres = whole * 25_400 + numerator * 25_400 / denominator
        guard micrometres > 0 else { throw .notPositive }
        guard micrometres <= 100_000_000 else { throw .outOfRange }
        return Length(micrometres: micrometres)
    }

    /// Fractions a tape or a keyboard writes as one character.
    private static let vulgarFractions: [Unicode.Scalar: String] = [
        "\u{BD}": "1/2", "\u{BC}": "1/4", "\u{BE}": "3/4", "\u{215B}": "1/8", "\u{215C}": "3/8", "\u{215D}": "5/8",
        "\u{215E}": "7/8",
    ]

    /// The length as a decimal in `unit`, with only the digits needed to give it back exactly
    /// (`22.5`, `8.86`), and at least `minFractionDigits` after the point.
    public func formatted(in unit: LengthUnit, minFractionDigits: Int = 0) -> String {
        ScaledDecimal.format(
            micrometres,
            scale: unit.micrometres,
            minFractionDigits: minFractionDigits,
            maxFractionDigits: unit.exactFractionDigits
        )
    }

    /// Appends ``formatted(in:minFractionDigits:)``'s text to `out` as UTF-8, with no String made.
    public func write(in unit: LengthUnit, minFractionDigits: Int = 0, into out: inout [UInt8]) {
        ScaledDecimal.write(
            micrometres, scale: unit.micrometres, minFractionDigits: minFractionDigits,
            maxFractionDigits: unit.exactFractionDigits, into: &out)
    }

    /// The length as a tape shows it in `unit`: to the millimetre in centimetres; in inches exactly
    /// when it is a whole number of eighths (`8.625`), else to the tenth of an inch — so a cm chart
    /// read in inches says `7.9–8.7`, not `7.87402–8.66142`.
    public func tapeFormatted(in unit: LengthUnit, minFractionDigits: Int = 0) -> String {
        let step: Int64
        switch unit {
        case .cm: step = 1_000
        case .inch: step = micrometres % 3_175 == 0 ? 3_175 : 2_540
        }
        let rounded = (micrometres >= 0 ? micrometres + step / 2 : micrometres - step / 2) / step * step
        return Length(micrometres: rounded).formatted(in: unit, minFractionDigits: minFractionDigits)
    }

    /// The length as a decimal in `unit`, rounded to `fractionDigits` digits after the point, for
    /// tables where columns should line up.
    public func rounded(in unit: LengthUnit, fractionDigits: Int) -> String {
        ScaledDecimal.format(
            micrometres,
            scale: unit.micrometres,
            minFractionDigits: fractionDigits,
            maxFractionDigits: fractionDigits
        )
    }

    /// The length in `unit` as a floating-point number, for JSON output only (never for comparison).
    public func value(in unit: LengthUnit) -> Double {
        Double(micrometres) / Double(unit.micrometres)
    }

    /// Millimetres with up to three decimals, e.g. `"225.5 mm"`.
    public var description: String {
        ScaledDecimal.format(micrometres, scale: 1_000, maxFractionDigits: 3) + " mm"
    }

    /// Whether `lhs` is shorter than `rhs`.
    public static func < (lhs: Length, rhs: Length) -> Bool {
        lhs.micrometres < rhs.micrometres
    }
}

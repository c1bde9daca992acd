/// Exact conversion between decimal text and whole numbers of a small unit.
///
/// Measurements, tolerances, ABPI values and mmHg bounds are typed as decimals but held as integers
/// so that a value typed on a bound compares equal to the bound. `ScaledDecimal` turns text such as
/// `"36.5"` into `36.5 × scale` without passing through floating point, rounding half away from zero
/// only when the text is more precise than one unit of the result.
///
/// ```swift
/// let tenths = try ScaledDecimal.parse("23.5", scale: 10, denominator: 1)  // 235
/// ```
public enum ScaledDecimal {
    /// Why decimal text could not be read.
    public enum Failure: Error, Equatable, Sendable {
        /// The text is not a decimal number (empty, stray characters, two separators…).
        case notANumber
        /// The number is too large to be held.
        case outOfRange
    }

    /// Parses `text` and returns `value × scale / denominator`, rounded half away from zero.
    ///
    /// Accepts an optional sign, digits with one `.` or `,` as the decimal separator, and an optional
    /// exponent (`e`/`E`, as JSON allows). `scale` and `denominator` must be positive.
    public static func parse(_ text: Substring, scale: Int64, denominator: Int64 = 1) throws(Failure) -> Int64 {
        var bytes = Array(text.utf8)[...]
        guard !bytes.isEmpty else { throw .notANumber }
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var mantissa: Int64 = 0
        var digits = 0
        var significant = 0
        var fractionDigits = 0
        var seenSeparator = false
        var exponent = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                if mantissa == 0 && byte == UInt8(ascii: "0") {
                    digits += 1
                    if seenSeparator { fractionDigits += 1 }
                } else if significant >= 15 {
                    // Beyond 15 significant digits only digits after the point can matter, and
                    // they are below any unit held here: drop them.
                    guard seenSeparator else { throw .outOfRange }
                } else {
                    mantissa = mantissa * 10 + Int64(byte - UInt8(ascii: "0"))
                    significant += 1
                    digits += 1
                    if seenSeparator { fractionDigits += 1 }
                }
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: ",") {
                guard !seenSeparator else { throw .notANumber }
                seenSeparator = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                guard digits > 0 else { throw .notANumber }
                exponent = try parseExponent(bytes[(index + 1)...])
                index = bytes.endIndex
                break
            } else {
                throw .notANumber
            }
            index += 1
        }
        guard digits > 0 else { throw .notANumber }
        let power = exponent - fractionDigits
        let value = try scaled(mantissa, power: power, scale: scale, denominator: denominator)
        return negative ? -value : value
    }

    /// Parses `text` as in ``parse(_:scale:denominator:)-(Substring,_,_)``.
    public static func parse(_ text: String, scale: Int64, denominator: Int64 = 1) throws(Failure) -> Int64 {
        try parse(text[...], scale: scale, denominator: denominator)
    }

    /// Writes `value / scale` as decimal text with at most `maxFractionDigits` digits after the
    /// point (rounded half away from zero), trailing zeros trimmed but at least `minFractionDigits`.
    public static func format(
        _ value: Int64,
        scale: Int64,
        minFractionDigits: Int = 0,
        maxFractionDigits: Int
    ) -> String {
        var bytes: [UInt8] = []
        write(
            value, scale: scale, minFractionDigits: minFractionDigits, maxFractionDigits: maxFractionDigits,
            into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The same text as ``format(_:scale:minFractionDigits:maxFractionDigits:)``, appended to
    /// `out` as UTF-8 with no String made: JSON of a batch of legs writes many numbers.
    public static func write(
        _ value: Int64,
        scale: Int64,
        minFractionDigits: Int = 0,
        maxFractionDigits: Int,
        into out: inout [UInt8]
    ) {
        var power: Int64 = 1
        for _ in 0..<maxFractionDigits { power *= 10 }
        // value / scale rounded to maxFractionDigits places, as an integer count of 10^-max.
        let magnitude = value.magnitude
        let numerator = UInt64(magnitude) * UInt64(power)
        var units = numerator / UInt64(scale)
        if (numerator % UInt64(scale)) * 2 >= UInt64(scale) { units += 1 }
        let whole = units / UInt64(power)
        // The fraction with the trailing zeros beyond the minimum dropped, then written digit by
        // digit: integer work and a small string only (this runs for every number printed).
        var fraction = units % UInt64(power)
        var count = maxFractionDigits
        while count > minFractionDigits, fraction % 10 == 0 {
            fraction /= 10
            count -= 1
        }
        if value < 0 && units != 0 { out.append(UInt8(ascii: "-")) }
        var wholePlace: UInt64 = 1
        while wholePlace <= whole / 10 { wholePlace *= 10 }
        while wholePlace > 0 {
            out.append(UInt8(ascii: "0") + UInt8(whole / wholePlace % 10))
            wholePlace /= 10
        }
        guard count > 0 else { return }
        out.append(UInt8(ascii: "."))
        var place: UInt64 = 1
        for _ in 1..<count { place *= 10 }
        while place > 0 {
            out.append(UInt8(ascii: "0") + UInt8(fraction / place % 10))
            place /= 10
        }
    }

    private static func parseExponent(_ bytes: ArraySlice<UInt8>) throws(Failure) -> Int {
        var rest = bytes
        var negative = false
        if let first = rest.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty else { throw .notANumber }
        var value = 0
        for byte in rest {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { throw .notANumber }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            guard value < 400 else { throw .outOfRange }
        }
        return negative ? -value : value
    }

    /// mantissa × 10^power × scale / denominator, rounded half away from zero.
    private static func scaled(_ mantissa: Int64, power: Int, scale: Int64, denominator: Int64) throws(Failure)
        -> Int64
    {
        if mantissa == 0 { return 0 }
        var numerator = mantissa
        var divisor = denominator
        var (product, overflow) = numerator.multipliedReportingOverflow(by: scale)
        guard !overflow else { throw .outOfRange }
        numerator = product
        if power >= 0 {
            for _ in 0..<power {
                (product, overflow) = numerator.multipliedReportingOverflow(by: 10)
                guard !overflow else { throw .outOfRange }
                numerator = product
            }
        } else {
            for _ in 0..<(-power) {
                let (next, o) = divisor.multipliedReportingOverflow(by: 10)
                if o {
                    // The divisor outgrew Int64: the result rounds to zero.
                    return 0
                }
                divisor = next
            }
        }
        let quotient = numerator / divisor
        let remainder = numerator % divisor
        return remainder.magnitude * 2 >= divisor.magnitude ? quotient + 1 : quotient
    }
}

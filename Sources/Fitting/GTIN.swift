/// A GS1 Global Trade Item Number (GTIN-8, -12, -13 or -14), checked by its check digit.
///
/// Kept as the digits were written (leading zeros matter to scanners and to people comparing
/// labels); two GTINs are the same item when their 14-digit forms are equal.
///
/// ```swift
/// let gtin = try GTIN("04012345678901")
/// gtin.gtin14   // "04012345678901"
/// ```
public struct GTIN: Hashable, Sendable, CustomStringConvertible {
    /// The digits as written.
    public let digits: String

    /// Why text is not a GTIN.
    public enum Problem: Error, Hashable, Sendable {
        /// Not 8, 12, 13 or 14 digits.
        case wrongLength
        /// The last digit is not the GS1 check digit of the others; carries the digit expected.
        case wrongCheckDigit(expected: Int)
    }

    /// Reads and checks a GTIN.
    public init(_ text: String) throws(Problem) {
        let bytes = Array(text.utf8)
        guard [8, 12, 13, 14].contains(bytes.count), bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw .wrongLength
        }
        let values = bytes.map { Int($0 - 48) }
        let expected = Self.checkDigit(for: values.dropLast())
        guard values.last == expected else { throw .wrongCheckDigit(expected: expected) }
        digits = text
    }

    /// The GS1 check digit for `body` (all digits but the last): weights 3 and 1 from the right.
    public static func checkDigit(for body: some Collection<Int>) -> Int {
        var sum = 0
        for (offset, digit) in body.reversed().enumerated() { sum += digit * (offset % 2 == 0 ? 3 : 1) }
        return (10 - sum % 10) % 10
    }

    /// The 14-digit form, zero-padded on the left.
    public var gtin14: String { String(repeating: "0", count: 14 - digits.count) + digits }

    /// The digits as written.
    public var description: String { digits }
}

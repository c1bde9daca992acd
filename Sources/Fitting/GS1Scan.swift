/// What a barcode scanner sends for a box: a plain GTIN, or a GS1 element string carrying the
/// GTIN (AI 01), the lot (AI 10) and the expiry (AI 17) — bracketed as printed under the code,
/// `(01)04012345000016(10)L2027A(17)270630`, or raw as scanners send it, Application Identifiers
/// run together with variable-length fields ended by the GS character (0x1D) and an optional
/// symbology prefix (`]d2` Data Matrix, `]C1` GS1-128, `]Q3` QR, `]e0` DataBar).
///
/// ```swift
/// let scan = try GS1Scan("]d20104012345000016" + "10L2027A\u{1D}" + "17270630", referenceYear: 2026)
/// scan.gtin.gtin14        // "04012345000016"
/// scan.lot                // "L2027A"
/// scan.expiry             // 2027-06-30
/// ```
public struct GS1Scan: Hashable, Sendable {
    /// A date from a GS1 field (YYMMDD), as a calendar day.
    public struct Day: Hashable, Sendable, CustomStringConvertible {
        /// The year, four digits.
        public let year: Int
        /// The month, 1–12.
        public let month: Int
        /// The day of the month.
        public let day: Int

        /// `YYYY-MM-DD`.
        public var description: String {
            "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
        }
    }

    /// Why a scan could not be read: what was wrong and where (0-based character position in
    /// what was scanned, after any symbology prefix).
    public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
        /// Where reading stopped.
        public let position: Int
        /// What was expected there and what was found.
        public let message: String

        /// "at position 16: …".
        public var description: String { "at position \(position): \(message)" }
    }

    /// The article's GTIN (checked).
    public let gtin: GTIN
    /// The lot (AI 10), if the code carries one.
    public let lot: String?
    /// The expiry (AI 17), if the code carries one.
    public let expiry: Day?
    /// The serial number (AI 21), if any.
    public let serial: String?

    /// Fixed lengths of the Application Identifiers read here (nil: variable, up to the maximum).
    private static let identifiers: [String: (fixed: Int?, maximum: Int, name: String)] = [
        "00": (18, 18, "SSCC"), "01": (14, 14, "GTIN"), "02": (14, 14, "GTIN of contents"),
        "10": (nil, 20, "lot"), "11": (6, 6, "production date"), "13": (6, 6, "packaging date"),
        "15": (6, 6, "best before"), "16": (6, 6, "sell by"), "17": (6, 6, "expiry"), "21": (nil, 20, "serial"),
        "30": (nil, 8, "count"), "240": (nil, 30, "additional ID"),
    ]

    /// Whether `text` is a scanned GS1 code (with parentheses, a symbology identifier, a group
    /// separator, more than 14 digits, or a raw element string as most scanners send it by default:
    /// AI 01 or 02 and fourteen digits, then another Application Identifier) rather than a SKU or a
    /// bare GTIN. A wrong check digit still makes it a scan, so the scan's own refusal is shown.
    public static func looksScanned(_ text: String) -> Bool {
        text.hasPrefix("(") || text.hasPrefix("]") || text.contains("\u{1D}")
            || (text.count > 14 && text.allSatisfy { $0.isASCII && $0.isNumber }) || startsWithElementString(text)
    }

    /// Whether `text` opens with AI 01 or 02, fourteen digits and the start of another field the
    /// reader knows (lot, dates, serial, count): a SKU is very unlikely to.
    private static func startsWithElementString(_ text: String) -> Bool {
        let bytes = Array(text.utf8.prefix(18))
        guard bytes.count == 18, bytes[0] == UInt8(ascii: "0"),
            bytes[1] == UInt8(ascii: "1") || bytes[1] == UInt8(ascii: "2"),
            bytes[2..<18].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return false }
        let next = String(decoding: bytes[16..<18], as: UTF8.self)
        return identifiers[next] != nil || identifiers.keys.contains { $0.count == 3 && $0.hasPrefix(next) }
    }

    /// Reads `text` as scanned; `referenceYear` decides the century of two-digit years (GS1's
    /// rule: within 49 years back and 50 ahead of it).
    public init(_ text: String, referenceYear: Int) throws(Problem) {
        var characters = Array(text.trimmingWhitespace())
        if characters.count >= 3, characters[0] == "]" { characters.removeFirst(3) }
        guard !characters.isEmpty else { throw Problem(position: 0, message: "expected a scan, found nothing") }
        // A plain GTIN, as a 1D barcode gives it.
        if characters.allSatisfy({ $0.isASCII && $0.isNumber }), [8, 12, 13, 14].contains(characters.count) {
            gtin = try Self.gtin(String(characters), at: 0)
            lot = nil
            expiry = nil
            serial = nil
            return
        }
        let fields =
            characters.first == "(" ? try Self.bracketed(characters) : try Self.raw(characters)
        var gtin: GTIN?
        var lot: String?
        var expiry: Day?
        var serial: String?
        for field in fields {
            switch field.ai {
            case "01", "02": gtin = try Self.gtin(field.value, at: field.position)
            case "10": lot = field.value
            case "17": expiry = try Self.day(field.value, at: field.position, referenceYear: referenceYear)
            case "21": serial = field.value
            default: break
            }
        }
        guard let gtin else {
            throw Problem(position: 0, message: "expected a GTIN (AI 01), found a code without one")
        }
        self.gtin = gtin
        self.lot = lot
        self.expiry = expiry
        self.serial = serial
    }

    private struct Field {
        let ai: String
        let value: String
        let position: Int
    }

    /// `(01)…(10)…`: each AI in brackets, its value up to the next bracket.
    private static func bracketed(_ characters: [Character]) throws(Problem) -> [Field] {
        var fields: [Field] = []
        var index = 0
        while index < characters.count {
            guard characters[index] == "(", let close = characters[index...].firstIndex(of: ")") else {
                throw Problem(
                    position: index, message: "expected '(' and an Application Identifier, found '\(characters[index])'"
                )
            }
            let ai = String(characters[(index + 1)..<close])
            guard let spec = identifiers[ai] else {
                throw Problem(position: index + 1, message: "expected a known Application Identifier, found '\(ai)'")
            }
            let start = close + 1
            let end = characters[start...].firstIndex(of: "(") ?? characters.count
            let value = String(characters[start..<end])
            try check(value, spec: spec, ai: ai, at: start)
            fields.append(Field(ai: ai, value: value, position: start))
            index = end
        }
        return fields
    }

    /// AIs run together: fixed fields by length, variable ones up to GS (0x1D) or the end.
    private static func raw(_ characters: [Character]) throws(Problem) -> [Field] {
        var fields: [Field] = []
        var index = 0
        while index < characters.count {
            if characters[index] == "\u{1D}" {
                index += 1
                continue
            }
            guard
                let (ai, spec) = [2, 3].lazy.compactMap({
                    (length: Int) -> (String, (fixed: Int?, maximum: Int, name: String))? in
                    guard index + length <= characters.count else { return nil }
                    let candidate = String(characters[index..<(index + length)])
                    return identifiers[candidate].map { (candidate, $0) }
                }).first
            else {
                let shown = String(characters[index..<min(characters.count, index + 2)])
                throw Problem(position: index, message: "expected a known Application Identifier, found '\(shown)'")
            }
            let start = index + ai.count
            let end: Int
            if let fixed = spec.fixed {
                end = start + fixed
                guard end <= characters.count else {
                    throw Problem(
                        position: start,
                        message: "expected \(fixed) characters of \(spec.name), found \(characters.count - start)")
                }
            } else {
                end = characters[start...].firstIndex(of: "\u{1D}") ?? characters.count
            }
            let value = String(characters[start..<end])
            try check(value, spec: spec, ai: ai, at: start)
            fields.append(Field(ai: ai, value: value, position: start))
            index = end
        }
        return fields
    }

    private static func check(
        _ value: String, spec: (fixed: Int?, maximum: Int, name: String), ai: String, at position: Int
    )
        throws(Problem)
    {
        if let fixed = spec.fixed {
            guard value.count == fixed, value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw Problem(
                    position: position, message: "expected \(fixed) digits of \(spec.name) (AI \(ai)), found '\(value)'"
                )
            }
        } else {
            guard !value.isEmpty, value.count <= spec.maximum, value.allSatisfy({ $0.isASCII && !$0.isWhitespace })
            else {
                throw Problem(
                    position: position,
                    message: "expected 1 to \(spec.maximum) characters of \(spec.name) (AI \(ai)), found '\(value)'")
            }
        }
    }

    private static func gtin(_ digits: String, at position: Int) throws(Problem) -> GTIN {
        do {
            return try GTIN(digits)
        } catch .wrongCheckDigit(let expected) {
            throw Problem(
                position: position + digits.count - 1,
                message: "expected the check digit \(expected) of GTIN \(digits), found \(digits.last!)")
        } catch {
            throw Problem(position: position, message: "expected a GTIN of 8, 12, 13 or 14 digits, found '\(digits)'")
        }
    }

    /// YYMMDD; day 00 means the month's last day.
    private static func day(_ text: String, at position: Int, referenceYear: Int) throws(Problem) -> Day {
        let digits = text.compactMap(\.wholeNumberValue)
        let yy = digits[0] * 10 + digits[1]
        let month = digits[2] * 10 + digits[3]
        var day = digits[4] * 10 + digits[5]
        let reference = referenceYear % 100
        var century = referenceYear - reference
        if yy - reference >= 51 { century -= 100 } else if yy - reference <= -50 { century += 100 }
        let year = century + yy
        guard (1...12).contains(month) else {
            throw Problem(
                position: position + 2, message: "expected a month 01–12, found '\(text.dropFirst(2).prefix(2))'")
        }
        let last = [
            31, (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
        ][month - 1]
        if day == 0 { day = last }
        guard day <= last else {
            throw Problem(
                position: position + 4,
                message: "expected a day of \(year)-\(month) (01–\(last) or 00), found '\(text.suffix(2))'")
        }
        return Day(year: year, month: month, day: day)
    }
}

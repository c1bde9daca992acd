/// One compression class of one standard: its label and the ankle pressure range it stands for.
///
/// Pressures are held in tenths of a mmHg so the bounds that standards print with one decimal
/// (AFNOR's 15.1) are exact. The top class of some standards is open-ended.
///
/// ```swift
/// let rx = try PressureClass.parse("2", defaultStandard: .RAL)   // RAL 2, 23–32 mmHg
/// rx.equivalents(in: .US)   // [US 20-30, US 30-40], approximate
/// ```
public struct PressureClass: Hashable, Sendable, CustomStringConvertible {
    /// The standard that defines the class.
    public let standard: PressureStandard
    /// The label used on prescriptions: `"2"`, `"II"`, `"20-30"`.
    public let label: String
    /// The lowest ankle pressure of the class, in tenths of a mmHg.
    public let lowerTenths: Int
    /// The highest ankle pressure, in tenths of a mmHg; `nil` for an open-ended top class.
    public let upperTenths: Int?
    /// Whether the lower bound itself is excluded (AFNOR's "> 36", ENV's "> 49").
    public let lowerExclusive: Bool

    init(_ standard: PressureStandard, _ label: String, from lower: Int, to upper: Int?, lowerExclusive: Bool = false) {
        self.standard = standard
        self.label = label
        self.lowerTenths = lower
        self.upperTenths = upper
        self.lowerExclusive = lowerExclusive
    }

    /// Why a class could not be read.
    public enum ParseError: Error, Equatable, Sendable {
        /// The part before `:` is not a known standard.
        case unknownStandard(String)
        /// The standard has no class with this label.
        case unknownClass(standard: PressureStandard, label: String)
        /// No standard was named and there is no default to read the label in.
        case noStandard(String)
    }

    /// Reads a class as written on a prescription: `"2"` (in `defaultStandard`), `"RAL:2"`,
    /// `"US:20-30"`; a `–` or `/` between US bounds is read as `-`.
    public static func parse(_ text: String, defaultStandard: PressureStandard?) throws(ParseError) -> PressureClass {
        let trimmed = text.trimmingWhitespace()
        var standard = defaultStandard
        var label = Substring(trimmed)
        if let colon = trimmed.firstIndex(of: ":") {
            let name = trimmed[..<colon]
            guard let named = PressureStandard(parsing: name) else { throw .unknownStandard(String(name)) }
            standard = named
            label = trimmed[trimmed.index(after: colon)...]
        }
        guard let standard else { throw .noStandard(trimmed) }
        let normalised = String(label).replacingDashes()
        guard let found = standard.pressureClass(normalised) else {
            throw .unknownClass(standard: standard, label: String(label))
        }
        return found
    }

    /// `"RAL:2"`: the form ``parse(_:defaultStandard:)`` reads back.
    public var code: String { "\(standard.rawValue):\(label)" }

    /// The pressure range in words: `"23–32 mmHg"`, `"≥ 49 mmHg"`, `"> 36 mmHg"`.
    public var rangeText: String {
        let lower = Self.format(lowerTenths)
        guard let upperTenths else { return lowerExclusive ? "> \(lower) mmHg" : "≥ \(lower) mmHg" }
        return "\(lower)–\(Self.format(upperTenths)) mmHg"
    }

    /// The lower bound in mmHg, for JSON.
    public var lowerMmHg: Double { Double(lowerTenths) / 10 }
    /// The upper bound in mmHg, for JSON; `nil` when open-ended.
    public var upperMmHg: Double? { upperTenths.map { Double($0) / 10 } }

    /// Whether the two classes share any pressure.
    public func overlaps(_ other: PressureClass) -> Bool {
        let selfUpper = upperTenths ?? Int.max
        let otherUpper = other.upperTenths ?? Int.max
        let lowIsAbove = other.lowerExclusive ? selfUpper <= other.lowerTenths : selfUpper < other.lowerTenths
        let highIsBelow = lowerExclusive ? otherUpper <= lowerTenths : otherUpper < lowerTenths
        return !(lowIsAbove || highIsBelow)
    }

    /// The classes of `standard` whose pressure range overlaps this one's.
    ///
    /// The standards measure pressure by different methods (HOSY for RAL, HATRA for BS), so any
    /// class found here is an approximation, never an equivalence; show it as one.
    public func equivalents(in standard: PressureStandard) -> [PressureClass] {
        standard.classes.filter(overlaps)
    }

    /// `"RAL 2 (23–32 mmHg)"`.
    public var description: String { "\(standard.rawValue) \(label) (\(rangeText))" }

    private static func format(_ tenths: Int) -> String {
        tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace.
    public func trimmingWhitespace() -> String {
        // Most text has no space at either end: an ASCII letter or digit at both is enough to know.
        let text = String(self)
        if let first = text.utf8.first, let last = text.utf8.last, Self.isPlainASCII(first), Self.isPlainASCII(last) {
            return text
        }
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    /// An ASCII byte that is neither whitespace nor a control character.
    private static func isPlainASCII(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7F }

    /// Whether the text is something to show and store: not empty once trimmed, and without
    /// control characters (U+0000–U+001F, U+007F–U+009F), which a database column, a label or a
    /// terminal would mangle — PostgreSQL cannot store U+0000 at all.
    var isPrintableText: Bool {
        !trimmingWhitespace().isEmpty && firstControlCharacter == nil
    }

    /// The first control character and its 1-based position, if any.
    var firstControlCharacter: (scalar: Unicode.Scalar, position: Int)? {
        // Most text has none: a byte scan says so without decoding (C1 controls are C2 80–C2 9F).
        var previous: UInt8 = 0
        var suspicious = false
        for byte in utf8 {
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && (0x80...0x9F).contains(byte)) {
                suspicious = true
                break
            }
            previous = byte
        }
        guard suspicious else { return nil }
        for (offset, scalar) in unicodeScalars.enumerated()
        where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
            return (scalar, offset + 1)
        }
        return nil
    }

    func replacingDashes() -> String {
        String(map { $0 == "–" || $0 == "—" || $0 == "/" ? "-" : $0 })
    }
}

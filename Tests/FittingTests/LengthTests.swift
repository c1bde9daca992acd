import Fitting
import PropertyBased
import Testing

@Suite("Lengths held exactly in micrometres")
struct LengthTests {
    @Test(
        "decimal text in cm and in reads exactly",
        arguments: [
            ("22", LengthUnit.cm, Int64(220_000)),
            ("36.5", .cm, 365_000),
            ("36,5", .cm, 365_000),
            ("0.1", .cm, 1_000),
            ("8.66", .inch, 219_964),
            ("1", .inch, 25_400),
            ("0.01", .inch, 254),
            ("2.2e1", .cm, 220_000),
            ("0.00001", .cm, 0),
        ]
    )
    func parses(text: String, unit: LengthUnit, micrometres: Int64) throws {
        if micrometres == 0 {
            #expect(throws: Length.ParseError.notPositive) { try Length.parse(text, unit: unit) }
        } else {
            #expect(try Length.parse(text, unit: unit).micrometres == micrometres)
        }
    }

    @Test(
        "text that is not a positive number is refused",
        arguments: ["", "-3", "0", "abc", "1.2.3", "1..", ".", "12cm", " 12", "1e", "--1"])
    func refuses(text: String) {
        #expect(throws: Length.ParseError.self) { try Length.parse(text, unit: .cm) }
    }

    @Test("more precision than a micrometre rounds half away from zero")
    func rounding() throws {
        #expect(try Length.parse("0.00005", unit: .cm).micrometres == 1)
        #expect(throws: Length.ParseError.notPositive) { try Length.parse("0.000049", unit: .cm) }
        #expect(try Length.parse("0.00015", unit: .cm).micrometres == 2)
    }

    @Test("printing gives the shortest exact text")
    func printing() {
        #expect(Length(micrometres: 220_000).formatted(in: .cm) == "22")
        #expect(Length(micrometres: 220_000).formatted(in: .cm, minFractionDigits: 1) == "22.0")
        #expect(Length(micrometres: 365_000).formatted(in: .cm) == "36.5")
        #expect(Length(micrometres: 219_964).formatted(in: .inch) == "8.66")
        #expect(Length(micrometres: 220_000).formatted(in: .inch) == "8.66142")
        #expect(Length(micrometres: 225_500).description == "225.5 mm")
    }

    @Test("parsing then printing any length gives it back, in both units")
    func roundTrip() async {
        await propertyCheck(input: Gen.int64(in: 1...100_000_000), Gen.element(of: LengthUnit.allCases).map { $0! }) {
            micrometres, unit in
            let length = Length(micrometres: micrometres)
            let text = length.formatted(in: unit)
            #expect((try? Length.parse(text, unit: unit)) == length, "\(micrometres) µm printed as \(text) \(unit)")
        }
    }

    @Test("a decimal with up to two places in inches or four in cm prints back as written")
    func textRoundTrip() async {
        await propertyCheck(
            input: Gen.int(in: 1...99_999), Gen.int(in: 0...4), Gen.element(of: LengthUnit.allCases).map { $0! }
        ) { whole, places, unit in
            let digits = unit == .inch ? min(places, 2) : places
            var fraction = String(whole % 10_000)
            while fraction.count < 4 { fraction = "0" + fraction }
            fraction = String(fraction.prefix(digits))
            while fraction.hasSuffix("0") { fraction.removeLast() }
            let text = fraction.isEmpty ? "\(whole / 100 + 1)" : "\(whole / 100 + 1).\(fraction)"
            let parsed = try? Length.parse(text, unit: unit)
            #expect(parsed?.formatted(in: unit) == text)
        }
    }
}

@Suite("Exact decimal parsing")
struct ScaledDecimalTests {
    @Test("any integer scaled and printed reads back exactly")
    func roundTrip() async {
        await propertyCheck(
            input: Gen.int64(in: -1_000_000_000_000...1_000_000_000_000),
            Gen.element(of: [Int64(1), 10, 100, 1_000, 10_000]).map { $0! }
        ) { value, scale in
            let digits = String(scale).count - 1
            let text = ScaledDecimal.format(value, scale: scale, maxFractionDigits: digits)
            #expect((try? ScaledDecimal.parse(text, scale: scale)) == value, "\(value)/\(scale) as \(text)")
        }
    }

    @Test("exponents shift the point")
    func exponents() throws {
        #expect(try ScaledDecimal.parse("1.5E2", scale: 1) == 150)
        #expect(try ScaledDecimal.parse("15e-1", scale: 10) == 15)
        #expect(throws: ScaledDecimal.Failure.outOfRange) { try ScaledDecimal.parse("1e300", scale: 1) }
        #expect(throws: ScaledDecimal.Failure.outOfRange) { try ScaledDecimal.parse("99999999999999999999", scale: 1) }
    }
}

@Suite("Inches as read off a tape")
struct TapeFractionTests {
    @Test("a whole number and eighths equal the decimal, written any way a fitter writes them")
    func eighthsEqualDecimals() async {
        await propertyCheck(input: Gen.int(in: 0...60), Gen.int(in: 1...7)) { whole, eighths in
            let decimal = try Length.parse("\(Double(whole) + Double(eighths) / 8)", unit: .inch)
            var reduced = (eighths, 8)
            while reduced.0 % 2 == 0 { reduced = (reduced.0 / 2, reduced.1 / 2) }
            #expect(try Length.parseTape("\(whole) \(eighths)/8", unit: .inch) == decimal)
            #expect(try Length.parseTape("\(whole) \(reduced.0)/\(reduced.1)", unit: .inch) == decimal)
            #expect(try Length.parseTape("\(whole)-\(reduced.0)/\(reduced.1)", unit: .inch) == decimal)
            #expect(decimal.micrometres == Int64(whole) * 25_400 + Int64(eighths) * 3_175)
        }
    }

    @Test(
        "one-character fractions read as their value",
        arguments: [
            ("13½", "13.5"), ("13¼", "13.25"), ("13¾", "13.75"), ("13⅛", "13.125"), ("13⅜", "13.375"),
            ("13⅝", "13.625"),
            ("13⅞", "13.875"), ("13 ½", "13.5"), ("½", "0.5"),
        ])
    func vulgarFractions(typed: String, decimal: String) throws {
        #expect(try Length.parseTape(typed, unit: .inch) == Length.parse(decimal, unit: .inch))
    }

    @Test(
        "sixteenths, improper fractions, zero denominators and fractions of centimetres are refused",
        arguments: [
            ("13 1/16", LengthUnit.inch), ("13 5/4", .inch), ("1/0", .inch), ("13 0/2", .inch), ("1/2/3", .inch),
            ("13.5 1/2", .inch), ("13 1/2", .cm), ("½", .cm),
        ])
    func refused(typed: String, unit: LengthUnit) {
        #expect(throws: Length.ParseError.self) { try Length.parseTape(typed, unit: unit) }
    }

    @Test("decimals go through unchanged in either unit")
    func decimals() throws {
        #expect(try Length.parseTape("36,5", unit: .cm) == Length.parse("36.5", unit: .cm))
        #expect(try Length.parseTape(" 8.625 ", unit: .inch) == Length.parse("8.625", unit: .inch))
    }

    @Test(
        "what a tape shows: millimetres in cm; eighths exactly, else tenths, in inches",
        arguments: [
            (200_000, LengthUnit.cm, "20"), (225_400, .cm, "22.5"), (200_040, .cm, "20"), (219_075, .inch, "8.625"),
            (200_000, .inch, "7.9"), (220_000, .inch, "8.7"), (3_175, .inch, "0.125"), (36, .inch, "0"),
        ] as [(Int64, LengthUnit, String)])
    func tapeFormatted(micrometres: Int64, unit: LengthUnit, shown: String) {
        #expect(Length(micrometres: micrometres).tapeFormatted(in: unit) == shown)
    }
}

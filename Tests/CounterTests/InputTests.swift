import Counter
import Fitting
import PostgresTestSupport
import PropertyBased
import Testing

@Suite("The layer reads what a person types, once for every face", .ownThread)
struct InputTests {
    @Test("a style in any case and with blanks reads as itself; anything else names the field")
    func styles() async throws {
        await propertyCheck(input: Gen.element(of: Style.allCases).map { $0! }, Gen.bool.array(of: 2)) { style, upper in
            let typed = zip(style.rawValue, upper).map { $1 ? $0.uppercased() : $0.lowercased() }.joined()
            let read = try Input.style(" \(typed) ")
            #expect(read == style)
        }
        #expect(throws: CounterError.badInput("style", expected: "AD, AF, AG or AT", found: "'XX'")) {
            try Input.style("XX")
        }
        #expect(throws: CounterError.badInput("style", expected: "AD, AF, AG or AT", found: "none")) {
            try Input.style(nil)
        }
    }

    @Test("a unit is cm or in in any case, nothing given is cm, anything else is refused — never taken for cm")
    func units() throws {
        #expect(try Input.unit(nil) == .cm && Input.unit("") == .cm && Input.unit("IN") == .inch)
        #expect(throws: CounterError.badInput("unit", expected: "cm or in", found: "'mm'")) { try Input.unit("mm") }
    }

    @Test("any whole inches and eighths read the same as a fraction, a hyphenated fraction and a decimal")
    func tapeFractions() async throws {
        await propertyCheck(input: Gen.int64(in: 0...60), Gen.int64(in: 1...7)) { whole, eighths in
            let expected = Length(micrometres: whole * 25_400 + eighths * 3_175)
            let spaced = try Input.length("\(whole) \(eighths)/8", unit: .inch, field: "cC")
            let hyphenated = try Input.length("\(whole)-\(eighths)/8", unit: .inch, field: "cC")
            let decimal = String(Double(whole) + Double(eighths) / 8)
            let read = try Input.length(decimal, unit: .inch, field: "cC")
            #expect(spaced == expected && hyphenated == expected)
            #expect(read == expected, "\(decimal)")
        }
        #expect(try Input.length("8½", unit: .inch, field: "cB") == Length(micrometres: 215_900))
    }

    @Test("a decimal comma reads as a decimal point, for any length in cm")
    func decimalComma() async throws {
        await propertyCheck(input: Gen.int64(in: 1...2_000), Gen.int64(in: 0...9)) { whole, tenth in
            let comma = try Input.length("\(whole),\(tenth)", unit: .cm, field: "cB")
            #expect(comma == (try Input.length("\(whole).\(tenth)", unit: .cm, field: "cB")))
        }
        #expect(throws: CounterError.badInput("left cC", expected: "a positive number in cm", found: "'abc'")) {
            try Input.leg([(point: "cC", text: "abc")], unit: .cm, side: .left)
        }
    }

    @Test("an idempotency key is 1 to 200 visible ASCII characters; a missing key is refused, never invented")
    func keys() async throws {
        let visible = Gen.int(in: 0x21...0x7E).array(of: 1...200)
        await propertyCheck(input: visible) { codes in
            let key = String(decoding: codes.map(UInt8.init), as: UTF8.self)
            let read = try Input.idempotencyKey(key, field: "key")
            #expect(read == key)
        }
        for bad in [nil, "", "two words", String(repeating: "k", count: 201), "clé", "tab\there"] {
            #expect(throws: CounterError.self, "\(bad ?? "nil")") { try Input.idempotencyKey(bad, field: "key") }
        }
        #expect(Input.scopedKey("K1", face: "api", login: "till") == "api:till:K1")
    }

    @Test("a scan names its field and where reading stopped; a raw element string is a scan")
    func scans() throws {
        #expect(
            try Input.articleCode("01020000000004591729073110LIV-A", field: "q", referenceYear: 2026)
                == "02000000000459")
        #expect(try Input.articleCode("NW-CL-AD2-II-R-C-BE", field: "q", referenceYear: 2026) == "NW-CL-AD2-II-R-C-BE")
        do {
            _ = try Input.articleCode("(01)02000000000458(10)X", field: "scan", referenceYear: 2026)
            Issue.record("expected a refusal")
        } catch {
            #expect(error.kind == .badInput && error.field == "scan")
            #expect(
                error.message.hasPrefix(
                    "scan: scanned code '(01)02000000000458(10)X' at position 17: expected the check digit 9"))
        }
    }
}

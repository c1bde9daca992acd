import Counter
import Foundation
import PostgresTestSupport
import PropertyBased
import Testing

/// The API's document is made from each request's field table: the table must say exactly what the
/// request's `Decodable` conformance reads, and the patterns must say exactly what the readers take.
@Suite("Each request's fields are the ones it reads, and the patterns the ones its readers enforce", .ownThread)
struct RequestFieldsTests {
    static let requests: [(name: String, type: any DescribedRequest.Type)] = [
        ("receive", ReceiveRequest.self), ("count", CountRequest.self), ("transfer", TransferRequest.self),
        ("write-off", WriteOffRequest.self), ("release-return", ReleaseReturnRequest.self),
        ("minimum", MinimumRequest.self), ("lot status", LotStatusRequest.self), ("reserve", ReserveRequest.self),
        ("return", ReturnRequest.self), ("patient", PatientRequest.self), ("prescriber", PrescriberRequest.self),
        ("prescription", PrescriptionRequest.self), ("location", LocationRequest.self),
    ]

    /// A value of `kind` as JSON.
    static func sample(_ kind: FieldKind) -> Any {
        switch kind {
        case .text, .code, .scan: "A-1"
        case .diagnosis: "I83.9"
        case .integer(let minimum, _): max(minimum, 1)
        case .day: "2030-01-31"
        case .oneOf(let words): words[0]
        case .boolean: true
        case .object: [String: Any]()
        case .binary: "bytes"
        }
    }

    static func decode(_ type: any DescribedRequest.Type, _ object: [String: Any]) throws {
        let body = Array(try JSONSerialization.data(withJSONObject: object))
        _ = try Input.request(type, json: body)
    }

    @Test("every field given: the request reads; each required one left out: refused by its name", arguments: requests)
    func requiredFields(_ request: (name: String, type: any DescribedRequest.Type)) throws {
        let all = Dictionary(uniqueKeysWithValues: request.type.fields.map { ($0.name, Self.sample($0.kind)) })
        try Self.decode(request.type, all)
        for field in request.type.fields where field.required {
            var without = all
            without[field.name] = nil
            #expect(throws: CounterError.badInput(field.name, expected: "a value", found: "nothing")) {
                try Self.decode(request.type, without)
            }
        }
    }

    @Test(
        "every field of the table is read: a value of the wrong kind is refused by that field's name",
        arguments: requests)
    func everyFieldRead(_ request: (name: String, type: any DescribedRequest.Type)) throws {
        let all = Dictionary(uniqueKeysWithValues: request.type.fields.map { ($0.name, Self.sample($0.kind)) })
        for field in request.type.fields {
            var wrong = all
            // An array is no field's kind: the conformance must read the field to refuse it.
            wrong[field.name] = [1, 2]
            do {
                try Self.decode(request.type, wrong)
                Issue.record("\(request.name): \(field.name) is in the table but not read")
            } catch let error as CounterError {
                #expect(error.field == field.name, "\(request.name): \(error.message)")
            }
        }
    }

    @Test("a code: what its pattern and length say, nothing else")
    func codes() async throws {
        let pattern = try Regex(Self.swiftPattern(Input.codePattern)).matchingSemantics(.unicodeScalar)
        let alphabet: [Character] = [
            "a", "7", "-", " ", "\t", "\u{00A0}", "\u{FEFF}", "\u{2028}", "é", "\u{0085}", "\u{1C}", "\u{1B}",
            "\u{202E}", "\u{2067}", "\u{200F}", "\r\n", "\u{7F}",
        ]
        await propertyCheck(input: Gen.element(of: alphabet).map { $0! }.array(of: 0...6)) { characters in
            let text = String(characters)
            let documented = text.unicodeScalars.count <= 100 && (try? pattern.wholeMatch(in: text)) != nil
            let read = (try? Input.code(text, field: "code")) != nil
            #expect(documented == read, "'\(text.unicodeScalars.map { String($0.value, radix: 16) })'")
        }
    }

    @Test("text: what its pattern says, nothing else")
    func texts() async throws {
        let pattern = try Regex(Self.swiftPattern(Input.textPattern)).matchingSemantics(.unicodeScalar)
        let alphabet: [Character] = [
            "a", " ", "\n", "\u{00A0}", "\u{FEFF}", "\u{3000}", "\u{0085}", "\u{1C}", "\u{200B}", "\u{7}",
            "\u{202A}", "\u{1D}",
        ]
        await propertyCheck(input: Gen.element(of: alphabet).map { $0! }.array(of: 0...4)) { characters in
            let text = String(characters)
            let documented = (try? pattern.wholeMatch(in: text)) != nil
            let read = (try? Input.text(text, field: "text")) != nil
            #expect(documented == read, "'\(text.unicodeScalars.map { String($0.value, radix: 16) })'")
        }
    }

    @Test("an article's code as scanned: text's pattern, and GS (U+001D) besides")
    func scans() async throws {
        let pattern = try Regex(Self.swiftPattern(Input.scanPattern)).matchingSemantics(.unicodeScalar)
        let alphabet: [Character] = ["0", "1", " ", "\u{1D}", "\u{1E}", "\n", "\u{202D}", "(", "]"]
        await propertyCheck(input: Gen.element(of: alphabet).map { $0! }.array(of: 0...5)) { characters in
            let text = String(characters)
            let documented = (try? pattern.wholeMatch(in: text)) != nil
            let read = (try? Input.scannedText(text, field: "sku")) != nil
            #expect(documented == read, "'\(text.unicodeScalars.map { String($0.value, radix: 16) })'")
        }
    }

    @Test("an ICD-10 code: what its pattern says, stored in capitals with its dot after the third character")
    func diagnoses() async throws {
        let pattern = try Regex(Self.swiftPattern(Input.diagnosisPattern)).matchingSemantics(.unicodeScalar)
        let alphabet: [Character] = ["I", "e", "8", "3", "9", ".", " ", "Z", "ä", "<", "\u{1B}"]
        await propertyCheck(input: Gen.element(of: alphabet).map { $0! }.array(of: 1...8)) { characters in
            let text = String(characters)
            let documented = (try? pattern.wholeMatch(in: text)) != nil
            let read = try? Input.diagnosis(text, field: "diagnosis")
            #expect(documented == (read != nil), "'\(text)'")
            if let code = read ?? nil {
                #expect(code == code.uppercased() && !code.contains(" "))
                #expect(code.count == 3 || code.firstIndex(of: ".") == code.index(code.startIndex, offsetBy: 3))
                #expect((try? Input.diagnosis(code, field: "diagnosis")) == code, "stored once, read the same")
            }
        }
        #expect(try Input.diagnosis(" i872 ", field: "diagnosis") == "I87.2")
        #expect(try Input.diagnosis("I83.9", field: "diagnosis") == "I83.9")
        #expect(try Input.diagnosis("U07.1", field: "diagnosis") == "U07.1")
        #expect(
            throws: CounterError.badInput("diagnosis", expected: "an ICD-10 code such as I83.9", typed: "\">‹img")
        ) { try Input.diagnosis("\">‹img", field: "diagnosis") }
    }

    @Test("control characters and direction overrides are refused by the field's name, saying which")
    func controls() throws {
        #expect(
            throws: CounterError.badInput(
                "name", expected: "text without control characters or direction overrides",
                found: "a control character (U+001B)")
        ) { try Input.text("Ada\u{1B}[31m", field: "name") }
        #expect(
            throws: CounterError.badInput(
                "reference", expected: "text without control characters or direction overrides",
                found: "a direction override (U+202E)")
        ) { try Input.code("P-\u{202E}1000", field: "reference") }
        for character in ["\r", "\n", "\u{7}", "\u{0}", "\u{85}", "\u{2066}"] {
            #expect(throws: CounterError.self) { try Input.text("Ada\(character)Sample", field: "name") }
        }
        // A right-to-left mark is part of writing Arabic or Hebrew names, not an override.
        #expect(try Input.text("\u{5E9}\u{5E8}\u{200F}", field: "name") == "\u{5E9}\u{5E8}\u{200F}")
        let scan = "]d2010401234500001610L1\u{1D}17270630"
        #expect(try Input.scannedText(scan, field: "sku") == scan)
        #expect(throws: CounterError.self) { try Input.text("10L1\u{1D}17", field: "name") }
    }

    /// An ECMAScript pattern's `\uXXXX` escapes as Swift's regex syntax writes them (`\u{XXXX}`),
    /// a range of them spelled out (Swift's parser refuses escaped bounds).
    static func swiftPattern(_ pattern: String) -> String {
        pattern.replacing(/\\u([0-9a-fA-F]{4})-\\u([0-9a-fA-F]{4})/) { match in
            let (low, high) = (Int(match.output.1, radix: 16)!, Int(match.output.2, radix: 16)!)
            return (low...high).map { "\\u{\(String($0, radix: 16))}" }.joined()
        }.replacing(/\\u([0-9a-fA-F]{4})/) { "\\u{\($0.output.1)}" }
    }
}

import Counter
import Foundation
import PropertyBased
import Testing

/// The API's document is made from each request's field table: the table must say exactly what the
/// request's `Decodable` conformance reads, and the patterns must say exactly what the readers take.
@Suite("Each request's fields are the ones it reads, and the patterns the ones its readers enforce")
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
        case .text, .code: "A-1"
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
            "a", "7", "-", " ", "\t", "\u{00A0}", "\u{FEFF}", "\u{2028}", "é", "\u{0085}", "\u{1C}",
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
            "a", " ", "\n", "\u{00A0}", "\u{FEFF}", "\u{3000}", "\u{0085}", "\u{1C}", "\u{200B}",
        ]
        await propertyCheck(input: Gen.element(of: alphabet).map { $0! }.array(of: 0...4)) { characters in
            let text = String(characters)
            let documented = (try? pattern.wholeMatch(in: text)) != nil
            let read = (try? Input.text(text, field: "text")) != nil
            #expect(documented == read, "'\(text.unicodeScalars.map { String($0.value, radix: 16) })'")
        }
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

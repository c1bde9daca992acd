import Fitting
import PropertyBased
import Testing

@Suite("The JSON reader and writer")
struct JSONTests {
    @Test("numbers keep their text and objects keep order and repeated keys")
    func exactness() throws {
        let value = try JSONValue.parse(#"{"b": 22.30, "a": [1e3, -0.5], "b": null}"#)
        guard case .object(let members) = value else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["b", "a", "b"])
        #expect(members[0].value == .number("22.30"))
        #expect(value.serialized() == #"{"b":22.30,"a":[1e3,-0.5],"b":null}"#)
    }

    @Test("escapes and surrogate pairs decode")
    func escapes() throws {
        #expect(try JSONValue.parse(#""a\"b\\c\/d\n\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\né😀"))
    }

    @Test(
        "syntax errors say where and what",
        arguments: [
            ("[1, 2", "line 1, column 6: expected ',' or ']', found the end of the document"),
            ("{\"a\" 1}", "line 1, column 6: expected ':', found '1'"),
            ("[01]", "line 1, column 3: expected ',' or ']', found '1'"),
            ("\"\\x\"", "line 1, column 3: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u, found 'x'"),
            ("[1] 2", "line 1, column 5: expected the end of the document, found '2'"),
            ("\n\n  tru", "line 3, column 6: expected 'true', found the end of the document"),
        ])
    func syntaxErrors(text: String, message: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(text) }
        do {
            _ = try JSONValue.parse(text)
        } catch {
            #expect(error.description == message)
        }
    }

    static let scalars = Gen.oneOf(
        Gen.always(JSONValue.null),
        Gen.bool.map { JSONValue.bool($0) },
        Gen.int(in: -1_000_000...1_000_000).map { JSONValue.integer($0) },
        Gen.double(in: -1e6...1e6).map { JSONValue.double($0) },
        Gen.int(in: 0...0x2FFF).array(of: 0...12).map { codes in
            JSONValue.string(String(String.UnicodeScalarView(codes.compactMap { Unicode.Scalar(UInt32($0)) })))
        }
    )

    @Test("writing then reading any value gives it back, compact or pretty")
    func roundTrip() async {
        let documents = Self.scalars.array(of: 0...6).map { items -> JSONValue in
            .object(items.enumerated().map { ("k\($0.offset)", .array([$0.element, $0.element])) })
        }
        await propertyCheck(input: documents, Gen.bool) { document, pretty in
            #expect((try? JSONValue.parse(document.serialized(pretty: pretty))) == document)
        }
    }
}

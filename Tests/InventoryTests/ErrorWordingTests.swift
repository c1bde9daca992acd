import Inventory
import PostgresTestSupport
import PropertyBased
import Testing

/// An operation's message keeps the input it is about apart from its words, so the command line
/// says `--location` and a web form says "Location" without either rewording the other's text.
@Suite("error wording for each face", .ownThread)
struct ErrorWordingTests {
    @Test("the field is given apart from the words; --name in the words is a mention each face names")
    func fields() {
        let error = InventoryError(.badInput, field: "expires", text: "expected --lot with it, found no --lot")
        #expect(error.field == "expires")
        #expect(error.message == "expires: expected lot with it, found no lot")
        #expect(error.worded { "--\($0)" } == "--expires: expected --lot with it, found no --lot")
        #expect(error.worded { $0.capitalized } == "Expires: expected Lot with it, found no Lot")
        // A message that starts like a flag is words, never a field: only `field` is.
        #expect(InventoryError(.badInput, field: nil, text: "SKU: expected a known SKU").field == nil)
        let rule = InventoryError(.refused, field: nil, text: "out of stock: AD-1 has nothing available at shop")
        #expect(rule.field == nil && rule.message == "out of stock: AD-1 has nothing available at shop")
    }

    @Test("text a person typed is never read as a mention: braces, dashes inside words, a lone --")
    func typedText() {
        let error = InventoryError(
            .badInput, field: "rx", text: "expected a prescription number, found '{lot} a--b -- --X {'")
        #expect(error.field == "rx")
        #expect(error.worded { "<\($0)>" } == "<rx>: expected a prescription number, found '{lot} a--b -- --X {'")
    }

    @Test("any message, worded as flags, reads as it was written")
    func roundTrip() async {
        let pieces = Gen.element(of: [
            "--lot", "--accept-expired", "{", "}", "{x}", "a--b", " ", "-", "--", "lot", "é", ":", "'",
        ])
        .map { $0! }.array(of: 0...12).map { $0.joined() }
        await propertyCheck(count: 500, input: Gen.element(of: [nil, "location", "sku"]).map { $0 ?? nil }, pieces) {
            field, body in
            let error = InventoryError(.badInput, field: field, text: body)
            let worded = error.worded { $0 == "sku" ? "SKU" : "--\($0)" }
            let expected = field.map { ($0 == "sku" ? "SKU" : "--\($0)") + ": " } ?? ""
            #expect(worded == expected + body, "\(body) → \(worded)")
        }
    }
}

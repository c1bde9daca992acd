import Inventory
import PropertyBased
import Testing

/// An operation's message keeps the input it is about apart from its words, so the command line
/// says `--location` and a web form says "Location" without either rewording the other's text.
@Suite("error wording for each face")
struct ErrorWordingTests {
    @Test("a leading --name or NAME is the field; --name elsewhere is a mention each face names")
    func fields() {
        let error = InventoryError(.badInput, "--expires: expected --lot with it, found no --lot")
        #expect(error.field == "expires")
        #expect(error.message == "expires: expected lot with it, found no lot")
        #expect(error.worded { "--\($0)" } == "--expires: expected --lot with it, found no --lot")
        #expect(error.worded { $0.capitalized } == "Expires: expected Lot with it, found no Lot")

        #expect(InventoryError(.badInput, "SKU: expected a known SKU or GTIN, found 'X'").field == "sku")
        #expect(InventoryError(.badInput, "QTY: expected 1 to 5 units, found 0").field == "quantity")
        #expect(InventoryError(.badInput, "REF: expected a new patient reference").field == "reference")
        let rule = InventoryError(.refused, "out of stock: AD-1 has nothing available at shop")
        #expect(rule.field == nil && rule.message == "out of stock: AD-1 has nothing available at shop")
    }

    @Test("text a person typed is never read as a mention: braces, dashes inside words, a lone --")
    func typedText() {
        let error = InventoryError(.badInput, "--rx: expected a prescription number, found '{lot} a--b -- --X {'")
        #expect(error.field == "rx")
        #expect(error.worded { "<\($0)>" } == "<rx>: expected a prescription number, found '{lot} a--b -- --X {'")
    }

    @Test("any message, worded as flags, reads as it was written")
    func roundTrip() async {
        let pieces = Gen.element(of: [
            "--lot", "--accept-expired", "{", "}", "{x}", "a--b", " ", "-", "--", "lot", "é", ":", "'",
        ])
        .map { $0! }.array(of: 0...12).map { $0.joined() }
        await propertyCheck(count: 500, input: Gen.element(of: ["", "--location: ", "SKU: "]).map { $0! }, pieces) {
            head, body in
            let message = head + body
            let error = InventoryError(.badInput, message)
            let worded = error.worded { $0 == "sku" ? "SKU" : "--\($0)" }
            #expect(worded == message, "\(message) → \(worded)")
        }
    }
}

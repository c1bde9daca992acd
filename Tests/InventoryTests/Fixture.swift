import Fitting
import Foundation
import Inventory
import Postgres
import PostgresTestSupport
import Testing

/// A fresh database with the spec's example catalog, a few articles, two locations and a prescription.
struct Fixture {
    let url: String
    let connection: Connection

    /// The example catalog of the format's §1 (Tests/Fixtures/spec-catalog.json).
    static let catalog: String = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/spec-catalog.json").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            fatalError("missing test fixture \(path)")
        }
        return text
    }()

    static let articles = """
        sku,gtin,line,style,class,size,length,toe,color,hcpcs
        AD2-II-R,04012345678901,northwind-classic,AD,2,II,regular,closed,beige,
        AD2-III-R,00000000000017,northwind-classic,AD,2,III,regular,closed,beige,
        AD3-II-R,00000000000024,northwind-classic,AD,3,II,regular,closed,beige,
        AG2-II-R,00000000000031,northwind-classic,AG,2,II,regular,closed,beige,

        """

    init() throws {
        url = try TestDatabase.fresh()
        connection = try Connection(url)
        _ = try Catalogs(connection: connection).importCatalog(
            json: Array(Self.catalog.utf8),
            fileName: "spec.json",
            articles: Array(Self.articles.utf8),
            articlesFileName: "spec.csv"
        )
        let stock = Stock(connection: connection)
        try stock.addLocation(code: "shop", name: "Shop")
        try stock.addLocation(code: "store", name: "Store room")
    }

    /// A prescription for `quantity` garments of AD RAL 2 (unless told otherwise).
    @discardableResult
    func prescription(_ number: String, quantity: Int, style: Style = .AD, label: String = "2") throws
        -> PrescriptionRecord
    {
        try Prescriptions(connection: connection).create(
            NewPrescription(
                number: number,
                patient: "P-\(number)",
                patientName: "Patient \(number)",
                prescriber: "DR-1",
                prescriberName: "Dr One",
                style: style,
                pressureClass: PressureStandard.RAL.pressureClass(label)!,
                quantity: quantity, arterialAssessed: true),
            key: "rx-\(number)"
        )
    }

    func available(_ sku: String, at location: String = "shop") throws -> Int {
        try Stock(connection: connection).balances(sku: sku, location: location).reduce(0) { $0 + $1.available }
    }

    func problems() throws -> [String] { try Checks(connection: connection).run().problems }
}

/// Expects `body` to fail with an inventory error of `kind` whose message contains `text`.
func expectRefusal(
    _ kind: InventoryError.Kind = .refused,
    containing text: String,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected a refusal containing '\(text)'", sourceLocation: sourceLocation)
    } catch let error as InventoryError {
        #expect(error.kind == kind, sourceLocation: sourceLocation)
        // `text` is written as the operations write messages (`--lot: …`, `SKU: …`): the same
        // field, and the rest of the words; without a field, any part of the words.
        let expected = expectedError(kind, text)
        if expected.field != nil {
            #expect(error.field == expected.field, "\(error.message)", sourceLocation: sourceLocation)
        }
        #expect(error.text.contains(expected.text), "\(error.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected an InventoryError, got \(error)", sourceLocation: sourceLocation)
    }
}

/// The error a test's `text` describes, written as a person reads the command line's messages
/// (`--lot: …`, `SKU: …`, or words without a field): the leading name is the field.
func expectedError(_ kind: InventoryError.Kind, _ text: String) -> InventoryError {
    guard let colon = text.range(of: ": ") else { return InventoryError(kind, field: nil, text: text) }
    let head = text[..<colon.lowerBound]
    let rest = String(text[colon.upperBound...])
    if head.hasPrefix("--"), head.dropFirst(2).allSatisfy({ $0.isLowercase || $0 == "-" || $0.isNumber }) {
        return InventoryError(kind, field: String(head.dropFirst(2)), text: rest)
    }
    if head.count >= 2, head.allSatisfy({ $0.isASCII && $0.isUppercase }) {
        let names = ["QTY": "quantity", "REF": "reference"]
        return InventoryError(kind, field: names[String(head)] ?? head.lowercased(), text: rest)
    }
    return InventoryError(kind, field: nil, text: text)
}

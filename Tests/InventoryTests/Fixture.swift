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

    static let catalog = """
        {"format": "compression-catalog", "version": 1, "manufacturer": "Northwind Medical",
         "lines": [{"id": "northwind-classic", "name": "Classic", "standard": "RAL", "classes": ["1", "2", "3"],
           "styles": ["AD", "AG"], "unit": "cm",
           "sizes": [
             {"size": "I", "cB": [18, 20], "cC": [28, 35], "cD": [26, 33], "cG": [42, 55]},
             {"size": "II", "cB": [20, 22], "cC": [30, 38], "cD": [28, 36], "cG": [46, 59]},
             {"size": "III", "cB": [22, 24], "cC": [33, 41], "cD": [30, 38], "cG": [50, 63]}],
           "lengths": [
             {"style": "AD", "name": "short", "lD": [32, 38]}, {"style": "AD", "name": "regular", "lD": [38, 44]},
             {"style": "AG", "name": "short", "lG": [62, 71]}, {"style": "AG", "name": "regular", "lG": [71, 80]}]}]}
        """

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
            articles: Self.articles,
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
                quantity: quantity
            ),
            key: "rx-\(number)"
        )
    }

    func available(_ sku: String, at location: String = "shop") throws -> Int {
        try Stock(connection: connection).balances(sku: sku, location: location).reduce(0) { $0 + $1.available }
    }

    func problems() throws -> [String] { try Checks(connection: connection).run() }
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
        #expect(error.message.contains(text), "\(error.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected an InventoryError, got \(error)", sourceLocation: sourceLocation)
    }
}

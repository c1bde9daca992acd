import Fitting
import Foundation
import Inventory
import Postgres
import PostgresTestSupport
import Testing

@testable import Counter

/// Plays the part of a second face (a web counter, an HTTP API): it uses the same session, JSON
/// contract, errors and connection policy as `cfit fit`, with none of the command line.
@Suite("The application layer, as a second face uses it", .ownThread)
struct SecondFaceTests {
    static let catalog: [ProductLine] = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/spec-catalog.json").path
        let bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
        return (try? CatalogDecoder().decode(bytes).lines) ?? []
    }()

    func session(abpi: ABPI? = nil) throws -> FitSession {
        let line = try #require(Self.catalog.first)
        return FitSession(
            lines: [(line, PressureStandard.RAL.pressureClass("2")!)], style: .AD, unit: .cm,
            tolerance: Length(micrometres: 0), indices: ArterialIndices(leg: abpi), requestedClass: "2")
    }

    func leg(_ values: [MeasurementPoint: String]) throws -> LegMeasurements {
        var leg = LegMeasurements()
        for (point, text) in values { leg[point] = try Length.parse(text, unit: .cm) }
        return leg
    }

    @Test("the spec's example leg gives the spec's JSON object through the same session and contract")
    func specContract() throws {
        let report = try session().run(legs: [(nil, try leg([.cB: "22", .cC: "36.5", .cD: "34", .lD: "41"]))])
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(FitJSON.render(report, single: true).utf8)) as? [String: Any])
        #expect(json["line"] as? String == "northwind-classic")
        #expect(json["outcome"] as? String == "standard")
        #expect(json["size"] as? String == "II" && json["length"] as? String == "regular")
        #expect((json["candidates"] as? [[String: Any]])?.map { $0["size"] as? String } == ["II", "III"])
    }

    @Test("errors carry the input by its own name, for each face to word: a missing point, a contraindication")
    func errors() throws {
        let incomplete = try session()
        let partial = try leg([.cB: "22", .cC: "36.5", .lD: "41"])
        let missing = Self.failure { () throws(CounterError) in
            _ = try incomplete.run(legs: [(side: .left, leg: partial)])
        }
        #expect(missing?.kind == .badInput && missing?.field == "left cD" && missing?.found == "none")
        let contraindicated = try session(abpi: try ABPI.parse("0.4"))
        let one = try leg([.cB: "22"])
        let refusal = Self.failure { () throws(CounterError) in
            _ = try contraindicated.run(legs: [(side: nil, leg: one)])
        }
        #expect(refusal?.kind == .refused && refusal?.field == "abpi")
    }

    /// The error `body` throws, or `nil`.
    static func failure(_ body: () throws(CounterError) -> Void) -> CounterError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test("the connection policy: a migrated database connects; one behind says so without running DDL")
    func connectionPolicy() throws {
        let connection = try DatabaseAccess.connect(url: try TestDatabase.fresh())
        #expect(try connection.query("SELECT 1 AS n")[0].decode(Int.self, "n") == 1)
        #expect(throws: DatabaseAccess.SchemaBehind.self) {
            _ = try DatabaseAccess.connect(url: try TestDatabase.empty())
        }
    }

    @Test("a stock refusal names its input by the input's own name: a form words it as a field, the CLI as a flag")
    func inventoryWording() throws {
        let connection = try DatabaseAccess.connect(url: try TestDatabase.fresh())
        var refusal: InventoryError?
        do {
            _ = try Stock(connection: connection).receive(
                sku: "NOPE", quantity: 1, location: "attic", lot: nil, expires: nil, key: "k-1")
        } catch let error as InventoryError {
            refusal = error
        }
        let error = try #require(refusal)
        #expect(error.kind == .notFound)
        #expect(error.field == "sku" || error.field == "location")
        #expect(!error.message.contains("--"))
        let field = try #require(error.field)
        #expect(error.worded { "«\($0.capitalized)»" }.hasPrefix("«\(field.capitalized)»: expected"))
    }
}

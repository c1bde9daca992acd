import Fitting
import Foundation
import Testing

/// The example catalog of the format's §1, as the spec prints it (Tests/Fixtures/spec-catalog.json).
let specCatalogJSON: String = {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/spec-catalog.json").path
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        fatalError("missing test fixture \(path)")
    }
    return text
}()

/// Decodes catalog text, failing the test (at the caller) with the decoder's issues.
func decodeCatalog(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Catalog {
    do {
        return try CatalogDecoder().decode(Array(text.utf8))
    } catch {
        Issue.record("catalog did not decode: \(error.issues)", sourceLocation: sourceLocation)
        throw error
    }
}

/// The spec's example line.
func specLine() throws -> ProductLine {
    try decodeCatalog(specCatalogJSON).lines[0]
}

/// A leg from centimetre values: `leg(cB: 22, cC: 36.5)`.
func leg(_ values: KeyValuePairs<MeasurementPoint, Double>, unit: LengthUnit = .cm) throws -> LegMeasurements {
    var leg = LegMeasurements()
    for (point, value) in values { leg[point] = try Length.parse("\(value)", unit: unit) }
    return leg
}

/// RAL class 2.
let ral2 = PressureStandard.RAL.pressureClass("2")!

/// Builds one-line catalog JSON from size rows and length rows, for tests that vary the chart.
func catalogJSON(
    id: String = "test-line",
    standard: String = "RAL",
    classes: [String] = ["2"],
    styles: [String] = ["AD"],
    unit: String = "cm",
    sizes: [String],
    lengths: [String] = [],
    exceptions: [ChartException] = []
) -> String {
    """
    {"format": "compression-catalog", "version": 1, "manufacturer": "Test",
     "lines": [{"id": "\(id)", "name": "Test", "standard": "\(standard)",
       "exceptions": [\(exceptions.map { "\"\($0.rawValue)\"" }.joined(separator: ","))],
       "classes": [\(classes.map { "\"\($0)\"" }.joined(separator: ","))],
       "styles": [\(styles.map { "\"\($0)\"" }.joined(separator: ","))], "unit": "\(unit)",
       "sizes": [\(sizes.joined(separator: ","))], "lengths": [\(lengths.joined(separator: ","))]}]}
    """
}

/// The bytes of a file under Tests/Fixtures.
func fixtureBytes(_ name: String) throws -> [UInt8] {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/\(name)").path
    guard let data = FileManager.default.contents(atPath: path) else { throw CocoaError(.fileNoSuchFile) }
    return [UInt8](data)
}

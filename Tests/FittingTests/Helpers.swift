import Fitting
import Testing

/// The example catalog of the format's §1, as the spec prints it.
let specCatalogJSON = """
    {
      "format": "compression-catalog",
      "version": 1,
      "manufacturer": "Northwind Medical",
      "lines": [
        {
          "id": "northwind-classic",
          "name": "Classic",
          "standard": "RAL",
          "classes": ["1", "2", "3"],
          "styles": ["AD", "AG"],
          "unit": "cm",
          "sizes": [
            { "size": "I",   "cB": [18, 20], "cC": [28, 35], "cD": [26, 33], "cG": [42, 55] },
            { "size": "II",  "cB": [20, 22], "cC": [30, 38], "cD": [28, 36], "cG": [46, 59] },
            { "size": "III", "cB": [22, 24], "cC": [33, 41], "cD": [30, 38], "cG": [50, 63] }
          ],
          "lengths": [
            { "style": "AD", "name": "short",   "lD": [32, 38] },
            { "style": "AD", "name": "regular", "lD": [38, 44] },
            { "style": "AG", "name": "short",   "lG": [62, 71] },
            { "style": "AG", "name": "regular", "lG": [71, 80] }
          ]
        }
      ]
    }
    """

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
    lengths: [String] = []
) -> String {
    """
    {"format": "compression-catalog", "version": 1, "manufacturer": "Test",
     "lines": [{"id": "\(id)", "name": "Test", "standard": "\(standard)",
       "classes": [\(classes.map { "\"\($0)\"" }.joined(separator: ","))],
       "styles": [\(styles.map { "\"\($0)\"" }.joined(separator: ","))], "unit": "\(unit)",
       "sizes": [\(sizes.joined(separator: ","))], "lengths": [\(lengths.joined(separator: ","))]}]}
    """
}

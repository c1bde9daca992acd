/// A manufacturer's product line: the styles and classes it is made in, its size chart and its
/// length variants, as decoded from a catalog file.
///
/// ```swift
/// let catalog = try CatalogDecoder().decode(jsonBytes)
/// let line = catalog.lines[0]
/// line.offers(style: .AD, pressureClass: try .parse("2", defaultStandard: line.standard))
/// ```
public struct ProductLine: Hashable, Sendable {
    /// The line's id, unique across everything imported: lowercase letters, digits and `-`.
    public let id: String
    /// The line's name as the manufacturer prints it.
    public let name: String
    /// The manufacturer that makes the line.
    public let manufacturer: String
    /// The standard its classes belong to.
    public let standard: PressureStandard
    /// The classes it is made in.
    public let classes: [PressureClass]
    /// The styles it is made in.
    public let styles: [Style]
    /// The unit the chart was printed in (ranges are held exactly in micrometres whatever it is).
    public let unit: LengthUnit
    /// Sizes from smallest to largest.
    public let sizes: [ChartSize]
    /// Length variants, per style, in chart order.
    public let lengths: [LengthVariant]
    /// What the fit engine needs per style, worked out once (indexed by ``Style/index``).
    let tables: [StyleTable]

    /// A product line; ``CatalogDecoder`` builds these from files after checking every rule.
    public init(
        id: String,
        name: String,
        manufacturer: String,
        standard: PressureStandard,
        classes: [PressureClass],
        styles: [Style],
        unit: LengthUnit,
        sizes: [ChartSize],
        lengths: [LengthVariant]
    ) {
        self.id = id
        self.name = name
        self.manufacturer = manufacturer
        self.standard = standard
        self.classes = classes
        self.styles = styles
        self.unit = unit
        self.sizes = sizes
        self.lengths = lengths
        self.tables = Style.allCases.map { style in
            StyleTable(style: style, offered: styles.contains(style), sizes: sizes, lengths: lengths)
        }
    }

    /// Whether the line is made in `style` and in `pressureClass` (same standard, same label).
    public func offers(style: Style, pressureClass: PressureClass) -> Bool {
        tables[style.index].offered && classes.contains(pressureClass)
    }

    /// The length variants of `style`, in chart order (empty: one `"standard"` length).
    public func lengthVariants(for style: Style) -> [LengthVariant] {
        tables[style.index].variants
    }

    /// The points a fitter must measure to fit this line in `style` (spec §3.1): the circumference
    /// points any size gives that the style reaches, then the length point if the style has length
    /// variants; in order up the leg.
    public func requiredPoints(for style: Style) -> [MeasurementPoint] {
        tables[style.index].required
    }

    func table(for style: Style) -> StyleTable { tables[style.index] }
}

/// The per-style facts about a line that every fit needs, computed when the line is built.
struct StyleTable: Hashable, Sendable {
    let offered: Bool
    /// Required points in order up the leg (§3.1).
    let required: [MeasurementPoint]
    /// The required circumference points.
    let circumferences: [MeasurementPoint]
    /// The style's length variants in chart order.
    let variants: [LengthVariant]

    init(style: Style, offered: Bool, sizes: [ChartSize], lengths: [LengthVariant]) {
        self.offered = offered
        circumferences = style.circumferencePoints.filter { point in sizes.contains { $0.range(for: point) != nil } }
        variants = lengths.filter { $0.style == style }
        required = variants.isEmpty ? circumferences : circumferences + [style.lengthPoint]
    }
}

/// Everything decoded from one catalog file: one manufacturer's product lines.
public struct Catalog: Hashable, Sendable {
    /// The manufacturer named in the file.
    public let manufacturer: String
    /// The lines, in file order.
    public let lines: [ProductLine]

    /// A catalog of `lines` by `manufacturer`.
    public init(manufacturer: String, lines: [ProductLine]) {
        self.manufacturer = manufacturer
        self.lines = lines
    }
}

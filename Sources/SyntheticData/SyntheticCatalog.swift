/// A manufacturer's catalog made up for load: `lines` product lines with the chart of a real
/// RAL line (six sizes, three lengths for AD and AG), and for each line every article of 3
/// classes × 2 styles × 6 sizes × 3 lengths × 2 toes × `colors` colours, each with its own valid
/// GTIN. With 116 lines and 8 colours it is 200 448 articles — a large manufacturer's whole range.
///
/// Used by the fault tests (an import killed part-way) and the benchmarks; never seeded into a
/// shop's database as if it were real.
///
/// ```swift
/// let catalog = SyntheticCatalog(lines: 116, colors: 8)
/// try catalog.json.write(to: …)        // the catalog file
/// catalog.forEachArticleRow { line in … }  // the articles CSV, header first
/// ```
public struct SyntheticCatalog: Sendable {
    /// How many product lines.
    public let lines: Int
    /// How many colours each article comes in.
    public let colors: Int
    /// Distinguishes one generated catalog's ids and GTINs from another's (0–9).
    public let variant: Int
    /// A later edition of the same catalog: the same lines, SKUs and GTINs, every article's colour
    /// renamed — a file whose import changes every article.
    public let edition: Int

    static let classes = ["1", "2", "3"]
    static let styles = ["AD", "AG"]
    static let sizes = ["I", "II", "III", "IV", "V", "VI"]
    static let lengths = ["short", "regular", "long"]
    static let toes = ["closed", "open"]
    static let colorNames = [
        "beige", "black", "sand", "navy", "grey", "caramel", "white", "brown", "red", "green", "blue", "plum",
    ]

    /// A catalog of `lines` lines whose articles come in `colors` colours (at most 12).
    public init(lines: Int, colors: Int, variant: Int = 0, edition: Int = 0) {
        precondition(lines >= 1 && lines <= 9_999 && (1...12).contains(colors) && (0...9).contains(variant))
        self.lines = lines
        self.colors = colors
        self.variant = variant
        self.edition = edition
    }

    /// The number of articles: 216 per line and colour. Article `n` has SKU `SY<variant>-<n>`, its
    /// style is `styles[(n / (36 × colors)) % 2]` and its class `classes[(n / (72 × colors)) % 3]`.
    public var articleCount: Int { lines * colors * 216 }

    /// The id of line `index`.
    public func lineID(_ index: Int) -> String { "synthetic\(variant)-\(index)" }

    /// The catalog file (catalog format, version 1).
    public var json: String {
        let sizes = """
            { "size": "I",   "cB": [18, 20], "cC": [28, 35], "cD": [26, 33], "cE": [30, 37], "cF": [38, 48], "cG": [42, 55] },
            { "size": "II",  "cB": [20, 22], "cC": [30, 38], "cD": [28, 36], "cE": [32, 40], "cF": [41, 51], "cG": [46, 59] },
            { "size": "III", "cB": [22, 24], "cC": [33, 41], "cD": [30, 38], "cE": [34, 43], "cF": [44, 55], "cG": [50, 63] },
            { "size": "IV",  "cB": [24, 26], "cC": [36, 44], "cD": [33, 41], "cE": [37, 46], "cF": [47, 59], "cG": [54, 68] },
            { "size": "V",   "cB": [26, 28], "cC": [39, 47], "cD": [35, 44], "cE": [40, 50], "cF": [51, 63], "cG": [58, 73] },
            { "size": "VI",  "cB": [28, 30.5], "cC": [42, 51], "cD": [38, 47], "cE": [43, 54], "cF": [55, 68], "cG": [63, 79] }
            """
        let lengths = """
            { "style": "AD", "name": "short", "lD": [32, 38] },
            { "style": "AD", "name": "regular", "lD": [38, 44] },
            { "style": "AD", "name": "long", "lD": [44, 50] },
            { "style": "AG", "name": "short", "lG": [62, 71] },
            { "style": "AG", "name": "regular", "lG": [71, 80] },
            { "style": "AG", "name": "long", "lG": [80, 89] }
            """
        let body = (0..<lines).map { index in
            """
            {
              "id": "\(lineID(index))", "name": "Synthetic \(variant)-\(index)", "standard": "RAL",
              "classes": ["1", "2", "3"], "styles": ["AD", "AG"], "unit": "cm",
              "sizes": [\(sizes)],
              "lengths": [\(lengths)]
            }
            """
        }
        return """
            {
              "format": "compression-catalog", "version": 1,
              "manufacturer": "Synthetic Hosiery \(variant) (generated for load tests, not a real range)",
              "lines": [\(body.joined(separator: ",\n"))]
            }
            """
    }

    /// Calls `body` with each line of the articles CSV, header first (without line ends), so a
    /// file of any size is written without holding it.
    public func forEachArticleRow(_ body: (String) throws -> Void) rethrows {
        try body("sku,gtin,line,style,class,size,length,toe,color,hcpcs")
        for number in 0..<articleCount { try body(article(at: number)) }
    }

    /// Article `number` (0-based) as a CSV line.
    public func article(at number: Int) -> String {
        var rest = number
        func take(_ count: Int) -> Int {
            defer { rest /= count }
            return rest % count
        }
        let color = take(colors)
        let toe = take(2)
        let length = take(3)
        let size = take(6)
        let style = take(2)
        let pressureClass = take(3)
        let line = rest
        // SKUs are the article's number, so a load script can name any article by arithmetic.
        let sku = "SY\(variant)-\(number)"
        return
            "\(sku),\(Self.gtin(variant: variant, number: number)),\(lineID(line)),\(Self.styles[style]),\(Self.classes[pressureClass]),\(Self.sizes[size]),\(Self.lengths[length]),\(Self.toes[toe]),\(Self.colorNames[color])\(edition == 0 ? "" : " \(edition)"),"
    }

    /// A GTIN-13 in the in-store range, apart from the sample seeds' (prefix 29), with its check
    /// digit: 29, the variant, nine digits of `number`, the check digit.
    static func gtin(variant: Int, number: Int) -> String {
        var digits = "29\(variant)"
        let body = String(number)
        digits += String(repeating: "0", count: 9 - body.count) + body
        var sum = 0
        for (index, character) in digits.reversed().enumerated() {
            let digit = Int(character.asciiValue! - 48)
            sum += index % 2 == 0 ? digit * 3 : digit
        }
        return digits + String((10 - sum % 10) % 10)
    }
}

/// One sellable variant of a product line: style, class, size, length, toe and colour, with its SKU,
/// GTIN and (where known) HCPCS code.
///
/// ```swift
/// let articles = try ArticleDecoder(lines: catalog.lines).decode(csvText)
/// articles[0].sku    // "NW-CL-AD2-II-R-C-BE"
/// ```
public struct Article: Hashable, Sendable {
    /// Open or closed toe.
    public enum Toe: String, CaseIterable, Hashable, Sendable {
        /// The toe is closed.
        case closed
        /// The toe is open.
        case open
    }

    /// The shop's or manufacturer's stock-keeping unit, unique.
    public let sku: String
    /// The GS1 number on the box, unique.
    public let gtin: GTIN
    /// The product line's id.
    public let line: String
    /// The style.
    public let style: Style
    /// The class, in the line's standard.
    public let pressureClass: PressureClass
    /// The size's name in the line's chart.
    public let size: String
    /// The length variant's name (`"standard"` when the style has none).
    public let length: String
    /// Open or closed toe.
    public let toe: Toe
    /// The colour as the manufacturer names it.
    public let color: String
    /// The US HCPCS billing code, if known (`A6530`…).
    public let hcpcs: String?

    /// An article; ``ArticleDecoder`` builds these after checking them against the catalog.
    public init(
        sku: String,
        gtin: GTIN,
        line: String,
        style: Style,
        pressureClass: PressureClass,
        size: String,
        length: String,
        toe: Toe,
        color: String,
        hcpcs: String?
    ) {
        self.sku = sku
        self.gtin = gtin
        self.line = line
        self.style = style
        self.pressureClass = pressureClass
        self.size = size
        self.length = length
        self.toe = toe
        self.color = color
        self.hcpcs = hcpcs
    }
}

/// One problem in an articles file: row, column, what was expected and what was found.
public struct ArticleIssue: Hashable, Sendable, CustomStringConvertible {
    /// The file line of the row (the header is line 1).
    public let row: Int
    /// The column's name.
    public let column: String
    /// What the format asks for.
    public let expected: String
    /// What the file has.
    public let found: String

    /// `row 3, column "gtin": expected …, found …`.
    public var description: String {
        "row \(row), column \"\(column.shortened)\": expected \(expected), found \(found.shortened)"
    }
}

/// An articles file that cannot be used, with every issue found in it.
public struct ArticleError: Error, Sendable, CustomStringConvertible {
    /// The issues in file order; never empty.
    public let issues: [ArticleIssue]

    /// The first issue, then a count of the rest.
    public var description: String {
        issues.count == 1 ? issues[0].description : "\(issues[0]) (and \(issues.count - 1) more)"
    }
}

/// Reads an articles CSV (catalog format §2) and checks every row against the catalog's lines.
public struct ArticleDecoder: Sendable {
    /// The columns every file must have, in the format's order.
    public static let requiredColumns = ["sku", "gtin", "line", "style", "class", "size", "length", "toe", "color"]
    /// Columns that may be absent or empty.
    public static let optionalColumns = ["hcpcs"]

    let lines: [String: ProductLine]

    /// A decoder that checks articles against `lines` (by id).
    public init(lines: [ProductLine]) {
        self.lines = Dictionary(lines.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every article of the file, or an ``ArticleError`` with every issue found.
    public func decode(_ text: String) throws(ArticleError) -> [Article] {
        let rows: [CSVReader.Row]
        do {
            rows = try CSVReader.rows(text)
        } catch {
            throw ArticleError(issues: [Self.issue(error)])
        }
        var checker = RowChecker(self)
        guard let header = rows.first else { throw ArticleError(issues: [Self.emptyFile]) }
        try checker.header(header)
        var articles: [Article] = []
        for row in rows.dropFirst() {
            if let article = checker.check(row) { articles.append(article) }
        }
        try checker.finish()
        return articles
    }

    /// The issue of a file that is not CSV.
    public static func issue(_ error: CSVReader.SyntaxError) -> ArticleIssue {
        ArticleIssue(row: error.line, column: "(file)", expected: "CSV", found: error.message)
    }

    /// The issue of a file with no header row.
    public static let emptyFile = ArticleIssue(
        row: 1, column: "(header)", expected: "a header row", found: "an empty file")

    /// Checks an articles file row by row as it is read, keeping only what the checks need (each
    /// SKU and GTIN seen, with its row), so a large file can be streamed rather than held.
    ///
    /// ```swift
    /// var checker = ArticleDecoder.RowChecker(ArticleDecoder(lines: catalog.lines))
    /// try checker.header(headerRow)
    /// for row in rows { if let article = checker.check(row) { store(article) } }
    /// try checker.finish()    // throws every issue found
    /// ```
    public struct RowChecker: Sendable {
        private let decoder: ArticleDecoder
        private var header: [String] = []
        private var columns: [String: Int] = [:]
        /// Every issue found so far.
        public private(set) var issues: [ArticleIssue] = []
        private var skus: SeenKeys
        private var gtins: SeenKeys

        /// How many good rows (distinct SKUs) were checked.
        public var count: Int { skus.count }

        /// The SKU of every good row, sorted.
        public func sortedSKUs() -> [String] {
            skus.sortedStrings()
        }

        /// A checker of rows against `decoder`'s lines. With `checkingDuplicates: false` a SKU or
        /// GTIN used twice is not looked for — for a caller whose database refuses duplicates by
        /// its own unique constraints and who checks again, with duplicates, when it does — and
        /// nothing but each SKU is kept.
        public init(_ decoder: ArticleDecoder, checkingDuplicates: Bool = true) {
            self.decoder = decoder
            skus = SeenKeys(indexed: checkingDuplicates)
            gtins = SeenKeys(indexed: checkingDuplicates)
        }

        /// Checks the header row; a header that is not the format's refuses the whole file.
        public mutating func header(_ header: CSVReader.Row) throws(ArticleError) {
            if header.fields.count == 1, header.fields[0].contains(";") || header.fields[0].contains("\t") {
                let separator = header.fields[0].contains(";") ? "';'" : "tabs"
                throw ArticleError(issues: [
                    ArticleIssue(
                        row: header.line, column: "(header)", expected: "columns separated by commas",
                        found: "\(separator) between them (export the file as CSV with commas)")
                ])
            }
            var issues: [ArticleIssue] = []
            var columns: [String: Int] = [:]
            for (index, name) in header.fields.enumerated() {
                let key = name.trimmingWhitespace()
                guard ArticleDecoder.requiredColumns.contains(key) || ArticleDecoder.optionalColumns.contains(key)
                else {
                    issues.append(
                        ArticleIssue(
                            row: header.line, column: key.isEmpty ? "#\(index + 1)" : key,
                            expected:
                                "one of \((ArticleDecoder.requiredColumns + ArticleDecoder.optionalColumns).joined(separator: ", "))",
                            found: "an unknown column"))
                    continue
                }
                if columns[key] != nil {
                    issues.append(
                        ArticleIssue(
                            row: header.line, column: key.isEmpty ? "#\(index + 1)" : key, expected: "each column once",
                            found: "it twice"))
                }
                columns[key] = index
            }
            for name in ArticleDecoder.requiredColumns where columns[name] == nil {
                issues.append(
                    ArticleIssue(row: header.line, column: name, expected: "a column named \(name)", found: "none"))
            }
            guard issues.isEmpty else { throw ArticleError(issues: issues) }
            self.header = header.fields
            self.columns = columns
        }

        /// Throws every issue found, if any.
        public func finish() throws(ArticleError) {
            guard issues.isEmpty else { throw ArticleError(issues: issues) }
        }

        /// The article of `row`, or `nil` with its issues added to ``issues``.
        public mutating func check(_ row: CSVReader.Row) -> Article? {
            let lines = decoder.lines
            if row.fields.count != header.count {
                issues.append(
                    ArticleIssue(
                        row: row.line, column: "(row)", expected: "\(header.count) fields",
                        found: "\(row.fields.count)"))
                return nil
            }
            var rowIssues: [ArticleIssue] = []
            if let control = decoder.controlCharacter(in: row, columns: header) {
                issues.append(control)
                return nil
            }
            func value(_ column: String) -> String {
                columns[column].map { row.fields[$0].trimmingWhitespace() } ?? ""
            }
            func fail(_ column: String, _ expected: String) {
                let text = value(column)
                rowIssues.append(
                    ArticleIssue(
                        row: row.line, column: column, expected: expected,
                        found: text.isEmpty ? "nothing" : "\"\(text)\""))
            }
            let sku = value("sku")
            if sku.isEmpty { fail("sku", "a SKU") }
            if sku.count > 100 { fail("sku", "a SKU of at most 100 characters") }
            if let first = skus.row(of: sku.utf8), !sku.isEmpty {
                fail("sku", "a SKU not used before (row \(first) has it)")
            }

            var gtin: GTIN?
            switch Result(catching: { () throws(GTIN.Problem) -> GTIN in try GTIN(value("gtin")) }) {
            case .success(let valid): gtin = valid
            case .failure(.wrongLength): fail("gtin", "8, 12, 13 or 14 digits")
            case .failure(.wrongCheckDigit(let digit)):
                fail("gtin", "a valid GS1 check digit (\(digit) as the last digit)")
            }

            if let gtin, let first = gtins.row(of: gtin.gtin14.utf8) {
                fail("gtin", "a GTIN not used before (row \(first) has it)")
            }
            let line = lines[value("line")]
            if line == nil { fail("line", "a line id in the catalog (\(lines.keys.sorted().joined(separator: ", ")))") }
            let style = Style(rawValue: value("style"))
            if style == nil {
                fail("style", "AD, AF, AG or AT")
            } else if let line, let style, !line.styles.contains(style) {
                fail("style", "a style of \(line.id) (\(line.styles.map(\.rawValue).joined(separator: ", ")))")
            }
            var pressureClass: PressureClass?
            if let line {
                pressureClass = line.standard.pressureClass(value("class").replacingDashes())
                if pressureClass == nil || !line.classes.contains(pressureClass!) {
                    fail("class", "a class of \(line.id) (\(line.classes.map(\.label).joined(separator: ", ")))")
                }
            }
            let size = value("size")
            if let line, !line.sizes.contains(where: { $0.name == size }) {
                fail("size", "a size of \(line.id) (\(line.sizes.map(\.name).joined(separator: ", ")))")
            }
            let length = value("length")
            if let line, let style, line.styles.contains(style) {
                let names = line.lengthVariants(for: style).map(\.name)
                let allowed = names.isEmpty ? [LengthVariant.standardName] : names
                if !allowed.contains(length) {
                    fail("length", "a length of \(line.id) \(style.rawValue) (\(allowed.joined(separator: ", ")))")
                }
            }
            let toe = Article.Toe(rawValue: value("toe"))
            if toe == nil { fail("toe", "open or closed") }
            let color = value("color")
            if color.isEmpty { fail("color", "a colour name") }
            if color.count > 100 { fail("color", "a colour name of at most 100 characters") }
            let hcpcs = value("hcpcs")
            if !hcpcs.isEmpty && !ArticleDecoder.isHCPCS(hcpcs) {
                fail("hcpcs", "a HCPCS code such as A6530, or nothing")
            }

            guard rowIssues.isEmpty, let gtin, let line, let style, let pressureClass, let toe else {
                issues += rowIssues
                return nil
            }
            _ = skus.insert(sku.utf8, row: row.line)
            if gtins.isIndexed { _ = gtins.insert(gtin.gtin14.utf8, row: row.line) }
            return Article(
                sku: sku,
                gtin: gtin,
                line: line.id,
                style: style,
                pressureClass: pressureClass,
                size: size,
                length: length,
                toe: toe,
                color: color,
                hcpcs: hcpcs.isEmpty ? nil : hcpcs
            )
        }
    }

    /// The first field of `row` holding a control character, as an issue naming its column.
    func controlCharacter(in row: CSVReader.Row, columns: [String]) -> ArticleIssue? {
        for (index, field) in row.fields.enumerated() {
            guard let (scalar, position) = field.firstControlCharacter else { continue }
            let code = String(scalar.value, radix: 16, uppercase: true)
            return ArticleIssue(
                row: row.line, column: columns[index].trimmingWhitespace(), expected: "text without control characters",
                found: "U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code) at character \(position)")
        }
        return nil
    }

    static func isHCPCS(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 5 && (65...90).contains(bytes[0])
            && bytes.dropFirst().allSatisfy { (48...57).contains($0) }
    }
}

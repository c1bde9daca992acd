/// Reads a catalog file (format `compression-catalog`, version 1) into product lines, checking
/// every rule of the format and reporting every problem with its line, size and key.
///
/// The decoder is strict on purpose: an unknown key is usually a typo for a point (`cb` for `cB`),
/// and a silently ignored typo would fit legs against the wrong chart.
///
/// ```swift
/// let catalog = try CatalogDecoder().decode(Array(fileContents.utf8))
/// for line in catalog.lines { print(line.id, line.sizes.map(\.name)) }
/// ```
public struct CatalogDecoder: Sendable {
    /// A decoder; it holds no state.
    public init() {}

    /// Decodes a whole file, or throws a ``CatalogError`` listing every issue found.
    public func decode(_ bytes: [UInt8]) throws(CatalogError) -> Catalog {
        if let offset = UTF8Text.firstInvalidOffset(in: bytes) {
            throw CatalogError(issues: [
                CatalogIssue(
                    line: nil, size: nil, key: "(document)", expected: "UTF-8 text",
                    found: UTF8Text.InvalidByte(offset: offset, byte: bytes[offset]).found)
            ])
        }
        let root: JSONValue
        do {
            root = try JSONValue.parse(utf8: bytes)
        } catch {
            throw CatalogError(issues: [
                CatalogIssue(line: nil, size: nil, key: "(document)", expected: "valid JSON", found: error.description)
            ])
        }
        return try decode(root)
    }

    /// Decodes an already-parsed document.
    public func decode(_ root: JSONValue) throws(CatalogError) -> Catalog {
        var issues = IssueList()
        let catalog = decodeRoot(root, &issues)
        guard issues.items.isEmpty, let catalog else { throw CatalogError(issues: issues.items) }
        return catalog
    }

    private func decodeRoot(_ root: JSONValue, _ issues: inout IssueList) -> Catalog? {
        guard case .object(let members) = root else {
            issues.add(nil, nil, "(document)", "a JSON object", root.kindDescription)
            return nil
        }
        issues.checkKeys(members, allowed: ["format", "version", "manufacturer", "lines"], line: nil, size: nil)
        let format = members.first { $0.key == "format" }?.value
        if format != .string("compression-catalog") {
            issues.add(nil, nil, "format", "\"compression-catalog\"", describe(format))
        }
        let version = members.first { $0.key == "version" }?.value
        if case .number(let text) = version, (try? ScaledDecimal.parse(text, scale: 1)) == 1, !text.contains(".") {
        } else {
            issues.add(nil, nil, "version", "1", describe(version))
        }
        var manufacturer = ""
        switch members.first(where: { $0.key == "manufacturer" })?.value {
        case .string(let name) where name.isPrintableText: manufacturer = name.trimmingWhitespace()
        case let other:
            issues.add(
                nil, nil, "manufacturer", "the manufacturer's name as a non-empty string without control characters",
                describe(other))
        }
        guard case .array(let lineValues)? = members.first(where: { $0.key == "lines" })?.value, !lineValues.isEmpty
        else {
            issues.add(
                nil, nil, "lines", "a non-empty array of product lines",
                describe(members.first { $0.key == "lines" }?.value))
            return nil
        }
        var lines: [ProductLine] = []
        var seenIDs: Set<String> = []
        for (offset, value) in lineValues.enumerated() {
            guard let line = decodeLine(value, position: offset + 1, manufacturer: manufacturer, &issues) else {
                continue
            }
            if !seenIDs.insert(line.id).inserted {
                issues.add(line.id, nil, "id", "an id not used by another line", "\"\(line.id)\" a second time")
            }
            lines.append(line)
        }
        return Catalog(manufacturer: manufacturer, lines: lines)
    }

    private func decodeLine(_ value: JSONValue, position: Int, manufacturer: String, _ issues: inout IssueList)
        -> ProductLine?
    {
        guard case .object(let members) = value else {
            issues.add("#\(position)", nil, "(line)", "an object", value.kindDescription)
            return nil
        }
        let before = issues.items.count
        var lineName = "#\(position)"
        var id = ""
        switch members.first(where: { $0.key == "id" })?.value {
        case .string(let text) where Self.isValidID(text):
            id = text
            lineName = text
        case let other:
            issues.add(lineName, nil, "id", "lowercase letters, digits and '-'", describe(other))
        }
        issues.checkKeys(
            members,
            allowed: ["id", "name", "standard", "classes", "styles", "unit", "sizes", "lengths", "exceptions"],
            line: lineName,
            size: nil
        )
        var name = id
        switch members.first(where: { $0.key == "name" })?.value {
        case .string(let text) where text.isPrintableText: name = text.trimmingWhitespace()
        case nil: break
        case let other:
            issues.add(
                lineName, nil, "name", "the line's name as a non-empty string without control characters",
                describe(other))
        }

        let standardValue = members.first { $0.key == "standard" }?.value
        var standard: PressureStandard?
        if case .string(let text) = standardValue, let parsed = PressureStandard(parsing: text) {
            standard = parsed
        } else {
            issues.add(lineName, nil, "standard", "one of RAL, BS, AFNOR, ENV, US", describe(standardValue))
        }

        var classes: [PressureClass] = []
        let classValue = members.first { $0.key == "classes" }?.value
        if case .array(let items) = classValue, !items.isEmpty {
            for item in items {
                guard case .string(let label) = item else {
                    issues.add(lineName, nil, "classes", "class labels as strings", describe(item))
                    continue
                }
                guard let standard else { continue }
                guard let found = standard.pressureClass(label.replacingDashes()) else {
                    let labels = standard.classes.map { "\"\($0.label)\"" }.joined(separator: ", ")
                    issues.add(lineName, nil, "classes", "a \(standard.rawValue) class (\(labels))", "\"\(label)\"")
                    continue
                }
                if classes.contains(found) {
                    issues.add(lineName, nil, "classes", "each class once", "\"\(label)\" twice")
                } else {
                    classes.append(found)
                }
            }
        } else {
            issues.add(lineName, nil, "classes", "a non-empty array of class labels", describe(classValue))
        }

        var styles: [Style] = []
        let styleValue = members.first { $0.key == "styles" }?.value
        if case .array(let items) = styleValue, !items.isEmpty {
            for item in items {
                guard case .string(let text) = item, let style = Style(rawValue: text) else {
                    issues.add(lineName, nil, "styles", "one of AD, AF, AG, AT", describe(item))
                    continue
                }
                if styles.contains(style) {
                    issues.add(lineName, nil, "styles", "each style once", "\"\(text)\" twice")
                } else {
                    styles.append(style)
                }
            }
        } else {
            issues.add(lineName, nil, "styles", "a non-empty array of styles (AD, AF, AG, AT)", describe(styleValue))
        }

        var unit = LengthUnit.cm
        switch members.first(where: { $0.key == "unit" })?.value {
        case nil: break
        case .string(let text) where LengthUnit(rawValue: text) != nil: unit = LengthUnit(rawValue: text)!
        case let other: issues.add(lineName, nil, "unit", "\"cm\" or \"in\"", describe(other))
        }

        let sizes = decodeSizes(members.first { $0.key == "sizes" }?.value, line: lineName, unit: unit, &issues)
        let lengths = decodeLengths(
            members.first { $0.key == "lengths" }?.value,
            line: lineName,
            unit: unit,
            styles: styles,
            &issues
        )
        let exceptions = decodeExceptions(members.first { $0.key == "exceptions" }?.value, line: lineName, &issues)
        checkPlausibility(sizes, lengths, line: lineName, unit: unit, exceptions: exceptions, &issues)
        for style in styles {
            for size in sizes {
                for point in style.essentialPoints where size.range(for: point) == nil {
                    // A range that was given but refused has its own issue already.
                    if issues.items.contains(where: {
                        $0.line == lineName && $0.size == size.name && $0.key == point.rawValue
                    }) {
                        continue
                    }
                    issues.add(
                        lineName,
                        size.name,
                        point.rawValue,
                        "a range for \(point.rawValue), which style \(style.rawValue) needs in every size",
                        "none"
                    )
                }
            }
        }
        guard issues.items.count == before, let standard else { return nil }
        return ProductLine(
            id: id,
            name: name,
            manufacturer: manufacturer,
            standard: standard,
            classes: classes,
            styles: styles,
            unit: unit,
            sizes: sizes,
            lengths: lengths
        )
    }

    private func decodeExceptions(_ value: JSONValue?, line: String, _ issues: inout IssueList) -> Set<ChartException> {
        guard let value else { return [] }
        let names = ChartException.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        guard case .array(let items) = value else {
            issues.add(line, nil, "exceptions", "an array of exception names (\(names))", describe(value))
            return []
        }
        var exceptions: Set<ChartException> = []
        for item in items {
            guard case .string(let text) = item, let exception = ChartException(rawValue: text) else {
                issues.add(line, nil, "exceptions", "one of \(names)", describe(item))
                continue
            }
            exceptions.insert(exception)
        }
        return exceptions
    }

    /// The checks that catch a mistyped chart: ranges a leg can have, a point given by every size
    /// or by none, and sizes that grow in the order listed — each unless the line marks it as an
    /// exception.
    private func checkPlausibility(
        _ sizes: [ChartSize],
        _ lengths: [LengthVariant],
        line: String,
        unit: LengthUnit,
        exceptions: Set<ChartException>,
        _ issues: inout IssueList
    ) {
        func text(_ range: MeasureRange) -> String {
            "[\(range.lower.formatted(in: unit)), \(range.upper.formatted(in: unit))]"
        }
        if !exceptions.contains(.outsideLegBounds) {
            for size in sizes {
                for point in size.points {
                    let range = size.range(for: point)!
                    let bounds = LegBounds.range(for: point)
                    if range.lower < bounds.lower || range.upper > bounds.upper {
                        issues.add(
                            line, size.name, point.rawValue,
                            "a range within \(bounds.formatted(in: unit)) \(unit.rawValue), what a leg measures at \(point.rawValue) (or mark the line's \"exceptions\": [\"\(ChartException.outsideLegBounds.rawValue)\"])",
                            text(range))
                    }
                }
            }
            for variant in lengths {
                let bounds = LegBounds.range(for: variant.style.lengthPoint)
                if variant.range.lower < bounds.lower || variant.range.upper > bounds.upper {
                    issues.add(
                        line, "length \"\(variant.name)\"", variant.style.lengthPoint.rawValue,
                        "a range within \(bounds.formatted(in: unit)) \(unit.rawValue), what a leg measures at \(variant.style.lengthPoint.rawValue) (or mark the line's \"exceptions\": [\"\(ChartException.outsideLegBounds.rawValue)\"])",
                        text(variant.range))
                }
            }
        }
        if !exceptions.contains(.pointsMissingInSomeSizes) {
            let charted = Set(sizes.flatMap(\.points))
            for size in sizes {
                for point in MeasurementPoint.circumferences
                where charted.contains(point) && size.range(for: point) == nil {
                    // A range that was given but refused has its own issue already.
                    if issues.items.contains(where: {
                        $0.line == line && $0.size == size.name && $0.key == point.rawValue
                    }) {
                        continue
                    }
                    issues.add(
                        line, size.name, point.rawValue,
                        "a range for \(point.rawValue), as the line's other sizes give (or mark the line's \"exceptions\": [\"\(ChartException.pointsMissingInSomeSizes.rawValue)\"])",
                        "none")
                }
            }
        }
        if !exceptions.contains(.sizesOutOfOrder) {
            for (smaller, larger) in zip(sizes, sizes.dropFirst()) {
                for point in larger.points {
                    guard let before = smaller.range(for: point), let after = larger.range(for: point) else { continue }
                    if after.lower < before.lower || after.upper < before.upper {
                        issues.add(
                            line, larger.name, point.rawValue,
                            "a range no lower than size \"\(smaller.name)\"'s \(text(before)) (sizes are listed smallest first; or mark the line's \"exceptions\": [\"\(ChartException.sizesOutOfOrder.rawValue)\"])",
                            text(after))
                    }
                }
            }
        }
    }

    private func decodeSizes(_ value: JSONValue?, line: String, unit: LengthUnit, _ issues: inout IssueList)
        -> [ChartSize]
    {
        guard case .array(let items)? = value, !items.isEmpty else {
            issues.add(line, nil, "sizes", "a non-empty array of sizes", describe(value))
            return []
        }
        var sizes: [ChartSize] = []
        for (offset, item) in items.enumerated() {
            guard case .object(let members) = item else {
                issues.add(line, "#\(offset + 1)", "(size)", "an object", item.kindDescription)
                continue
            }
            var sizeName = "#\(offset + 1)"
            switch members.first(where: { $0.key == "size" })?.value {
            case .string(let text) where text.isPrintableText: sizeName = text.trimmingWhitespace()
            case .number(let text): sizeName = text
            case let other:
                issues.add(
                    line, sizeName, "size", "the size's name as a non-empty string without control characters",
                    describe(other))
            }
            issues.checkDuplicateKeys(members, line: line, size: sizeName)
            var ranges: [MeasurementPoint: MeasureRange] = [:]
            for (key, rangeValue) in members where key != "size" {
                guard let point = MeasurementPoint(rawValue: key) else {
                    issues.add(
                        line, sizeName, key, "a circumference point code (\(Self.circumferenceCodes))", "\"\(key)\"")
                    continue
                }
                guard point.isCircumference else {
                    issues.add(
                        line, sizeName, key, "a circumference point (length points belong in \"lengths\")", "\"\(key)\""
                    )
                    continue
                }
                if let range = decodeRange(rangeValue, line: line, size: sizeName, key: key, unit: unit, &issues) {
                    ranges[point] = range
                }
            }
            if sizes.contains(where: { $0.name == sizeName }) {
                issues.add(
                    line, sizeName, "size", "a size name not used twice in the line", "\"\(sizeName)\" a second time")
            }
            sizes.append(ChartSize(name: sizeName, ranges: ranges))
        }
        return sizes
    }

    private func decodeLengths(
        _ value: JSONValue?,
        line: String,
        unit: LengthUnit,
        styles: [Style],
        _ issues: inout IssueList
    ) -> [LengthVariant] {
        guard let value else { return [] }
        guard case .array(let items) = value else {
            issues.add(line, nil, "lengths", "an array of length variants", describe(value))
            return []
        }
        var variants: [LengthVariant] = []
        for (offset, item) in items.enumerated() {
            let place = "length #\(offset + 1)"
            guard case .object(let members) = item else {
                issues.add(line, place, "(length)", "an object", item.kindDescription)
                continue
            }
            var name: String?
            switch members.first(where: { $0.key == "name" })?.value {
            case .string(let text) where text.isPrintableText: name = text.trimmingWhitespace()
            case let other:
                issues.add(
                    line, place, "name", "the variant's name as a non-empty string without control characters",
                    describe(other))
            }
            let label = name.map { "length \"\($0)\"" } ?? place
            issues.checkDuplicateKeys(members, line: line, size: label)
            var style: Style?
            switch members.first(where: { $0.key == "style" })?.value {
            case .string(let text) where Style(rawValue: text) != nil:
                style = Style(rawValue: text)
                if let style, !styles.contains(style) {
                    issues.add(
                        line, label, "style",
                        "one of the line's styles (\(styles.map(\.rawValue).joined(separator: ", ")))", "\"\(text)\"")
                }
            case let other: issues.add(line, label, "style", "one of AD, AF, AG, AT", describe(other))
            }
            var range: MeasureRange?
            var sawLengthKey = false
            for (key, rangeValue) in members where key != "name" && key != "style" {
                sawLengthKey = true
                guard let point = MeasurementPoint(rawValue: key), !point.isCircumference else {
                    issues.add(line, label, key, "the style's length point (lD, lF, lG or lT)", "\"\(key)\"")
                    continue
                }
                if let style, point != style.lengthPoint {
                    issues.add(
                        line, label, key, "\(style.lengthPoint.rawValue), the length point of style \(style.rawValue)",
                        "\"\(key)\"")
                    continue
                }
                range = decodeRange(rangeValue, line: line, size: label, key: key, unit: unit, &issues)
            }
            guard let style, let name else { continue }
            guard let range else {
                if !sawLengthKey {
                    issues.add(
                        line, label, style.lengthPoint.rawValue, "a range for \(style.lengthPoint.rawValue)", "none")
                }
                continue
            }
            if variants.contains(where: { $0.style == style && $0.name == name }) {
                issues.add(
                    line, label, "name", "a variant name not used twice for style \(style.rawValue)",
                    "\"\(name)\" a second time")
            }
            variants.append(LengthVariant(style: style, name: name, range: range))
        }
        return variants
    }

    private func decodeRange(
        _ value: JSONValue,
        line: String,
        size: String,
        key: String,
        unit: LengthUnit,
        _ issues: inout IssueList
    ) -> MeasureRange? {
        guard case .array(let bounds) = value, bounds.count == 2,
            case .number(let lowText) = bounds[0], case .number(let highText) = bounds[1]
        else {
            issues.add(line, size, key, "a range [min, max] of two numbers", value.serialized())
            return nil
        }
        let lower: Length
        let upper: Length
        do {
            lower = try Length.parse(lowText, unit: unit)
            upper = try Length.parse(highText, unit: unit)
        } catch {
            issues.add(line, size, key, "a range of positive lengths in \(unit.rawValue)", value.serialized())
            return nil
        }
        guard lower <= upper else {
            issues.add(line, size, key, "min ≤ max", "the reversed range \(value.serialized())")
            return nil
        }
        return MeasureRange(lower: lower, upper: upper)
    }

    private func describe(_ value: JSONValue?) -> String {
        guard let value else { return "nothing (the key is missing)" }
        let text = value.serialized()
        return text.count > 60 ? String(text.prefix(57)) + "…" : text
    }

    static func isValidID(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    }

    private static let circumferenceCodes = MeasurementPoint.circumferences.map(\.rawValue).joined(separator: " ")
}

private struct IssueList {
    var items: [CatalogIssue] = []

    mutating func add(_ line: String?, _ size: String?, _ key: String, _ expected: String, _ found: String) {
        items.append(CatalogIssue(line: line, size: size, key: key, expected: expected, found: found))
    }

    mutating func checkKeys(
        _ members: [(key: String, value: JSONValue)],
        allowed: Set<String>,
        line: String?,
        size: String?
    ) {
        for member in members where !allowed.contains(member.key) {
            add(
                line, size, member.key, "one of \(allowed.sorted().joined(separator: ", "))",
                "the unknown key \"\(member.key)\"")
        }
        checkDuplicateKeys(members, line: line, size: size)
    }

    mutating func checkDuplicateKeys(_ members: [(key: String, value: JSONValue)], line: String?, size: String?) {
        var seen: Set<String> = []
        for member in members where !seen.insert(member.key).inserted {
            add(line, size, member.key, "each key once", "\"\(member.key)\" a second time")
        }
    }
}

/// A plausibility check that a product line's `"exceptions"` switches off, for a chart that
/// really is unusual (a line sized by cB and cC only in its smallest size, say).
public enum ChartException: String, CaseIterable, Sendable, Hashable {
    /// Some sizes give a point that others leave out.
    case pointsMissingInSomeSizes = "points-missing-in-some-sizes"
    /// A size's range at some point lies below the previous size's.
    case sizesOutOfOrder = "sizes-out-of-order"
    /// A range outside what a leg measures at that point (``LegBounds``).
    case outsideLegBounds = "outside-leg-bounds"
}

/// What a leg plausibly measures at each point: circumferences 10–150 cm (as the fitting
/// warnings use), and generous bounds for each height above the floor. These are plausibility
/// limits chosen here to catch typing mistakes (`cC [33, 411]`), not clinical facts.
public enum LegBounds {
    /// The plausible range at `point`.
    public static func range(for point: MeasurementPoint) -> MeasureRange {
        func cm(_ low: Int64, _ high: Int64) -> MeasureRange {
            MeasureRange(lower: Length(micrometres: low * 10_000), upper: Length(micrometres: high * 10_000))
        }
        switch point {
        case .lD: return cm(15, 80)
        case .lF: return cm(30, 110)
        case .lG: return cm(40, 120)
        case .lT: return cm(50, 150)
        default: return point.isCircumference ? cm(10, 150) : cm(1, 150)
        }
    }
}

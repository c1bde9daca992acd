/// What changed between the chart a database holds for a product line and the one a file brings,
/// in words for the admin's dry run: names, standard, classes, styles, unit, sizes and their
/// ranges, and length variants.
///
/// ```swift
/// ChartDifference.between(stored, and: incoming)
/// // ["size \"II\" cC: 30–38 → 30–39 cm", "size \"V\" added"]
/// ```
public enum ChartDifference {
    /// Every difference from `old` to `new` (empty when they are the same chart); `old == nil`
    /// means the line is new.
    public static func between(_ old: ProductLine?, and new: ProductLine) -> [String] {
        guard let old else { return ["new line with \(new.sizes.count) sizes"] }
        var changes: [String] = []
        func field(_ name: String, _ before: String, _ after: String) {
            if before != after { changes.append("\(name): \(before) → \(after)") }
        }
        field("manufacturer", old.manufacturer, new.manufacturer)
        field("name", old.name, new.name)
        field("standard", old.standard.rawValue, new.standard.rawValue)
        field(
            "classes", old.classes.map(\.label).joined(separator: ", "),
            new.classes.map(\.label).joined(separator: ", "))
        field(
            "styles", old.styles.map(\.rawValue).joined(separator: ", "),
            new.styles.map(\.rawValue).joined(separator: ", "))
        field("unit", old.unit.rawValue, new.unit.rawValue)
        let unit = new.unit.rawValue
        func show(_ range: MeasureRange?, _ chartUnit: LengthUnit) -> String {
            range.map { "\($0.formatted(in: chartUnit))" } ?? "none"
        }
        for size in new.sizes {
            guard let before = old.sizes.first(where: { $0.name == size.name }) else {
                changes.append("size \"\(size.name)\" added")
                continue
            }
            for point in MeasurementPoint.circumferences where before.range(for: point) != size.range(for: point) {
                changes.append(
                    "size \"\(size.name)\" \(point.rawValue): \(show(before.range(for: point), old.unit)) → \(show(size.range(for: point), new.unit)) \(unit)"
                )
            }
        }
        for size in old.sizes where !new.sizes.contains(where: { $0.name == size.name }) {
            changes.append("size \"\(size.name)\" removed")
        }
        if old.sizes.map(\.name) != new.sizes.map(\.name),
            Set(old.sizes.map(\.name)) == Set(new.sizes.map(\.name))
        {
            changes.append(
                "size order: \(old.sizes.map(\.name).joined(separator: ", ")) → \(new.sizes.map(\.name).joined(separator: ", "))"
            )
        }
        for variant in new.lengths {
            let label = "length \(variant.style.rawValue) \"\(variant.name)\""
            guard let before = old.lengths.first(where: { $0.style == variant.style && $0.name == variant.name }) else {
                changes.append("\(label) added")
                continue
            }
            if before.range != variant.range {
                changes.append(
                    "\(label) \(variant.style.lengthPoint.rawValue): \(show(before.range, old.unit)) → \(show(variant.range, new.unit)) \(unit)"
                )
            }
        }
        for variant in old.lengths
        where !new.lengths.contains(where: { $0.style == variant.style && $0.name == variant.name }) {
            changes.append("length \(variant.style.rawValue) \"\(variant.name)\" removed")
        }
        return changes
    }
}

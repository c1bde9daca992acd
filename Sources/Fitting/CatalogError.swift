/// One thing wrong in a catalog file, located by line id, size and key, with what was expected and
/// what was found, so the admin can fix the file without guessing.
public struct CatalogIssue: Hashable, Sendable, CustomStringConvertible {
    /// The product line's id (or its position, `#2`, when the id itself is missing); `nil` at the top.
    public let line: String?
    /// The size's name (or position) when the issue is inside a size or a length variant.
    public let size: String?
    /// The key whose value is wrong or unknown.
    public let key: String
    /// What the format asks for.
    public let expected: String
    /// What the file has.
    public let found: String

    /// An issue at `key` of the given line and size.
    public init(line: String?, size: String?, key: String, expected: String, found: String) {
        self.line = line
        self.size = size
        self.key = key
        self.expected = expected
        self.found = found
    }

    /// `line "nw-classic", size "II", key "cQ": expected a measurement point code, found "cQ"`.
    public var description: String {
        var place: [String] = []
        if let line { place.append("line \(quoted(line.shortened))") }
        if let size { place.append("size \(quoted(size.shortened))") }
        place.append("key \"\(key.shortened)\"")
        return "\(place.joined(separator: ", ")): expected \(expected), found \(found.shortened)"
    }

    /// A name in quotes; a position the decoder gave for a missing name (`#2`) as it is.
    private func quoted(_ text: String) -> String {
        text.count > 1 && text.hasPrefix("#") && text.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
            ? text : "\"\(text)\""
    }
}

/// A catalog file that cannot be used, with every issue found in it (not only the first).
///
/// Nothing from such a file is used: the decoder returns either a whole catalog or this error.
public struct CatalogError: Error, Sendable, CustomStringConvertible {
    /// The issues in file order; never empty.
    public let issues: [CatalogIssue]

    /// An error listing `issues`.
    public init(issues: [CatalogIssue]) {
        self.issues = issues
    }

    /// The first issue, then a count of the rest.
    public var description: String {
        guard let first = issues.first else { return "catalog: invalid" }
        return issues.count == 1 ? first.description : "\(first) (and \(issues.count - 1) more)"
    }
}

extension String {
    /// The text as a message quotes it: whole up to 200 characters, else its first 120 and how
    /// long it is, so that a 100 kB value never floods a terminal or a log.
    var shortened: String {
        guard count > 200 else { return self }
        return "\(prefix(120))… (\(count) characters)"
    }
}

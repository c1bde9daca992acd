/// Splits CSV text (RFC 4180: commas, double-quoted fields, `""` for a quote, CRLF or LF) into rows.
///
/// Each row carries its 1-based line number in the file, so errors can point at it even when a
/// quoted field spans lines.
public enum CSVReader {
    /// A row of fields and the file line it starts on.
    public struct Row: Hashable, Sendable {
        /// The line of the file the row starts on (1 is the first line).
        public let line: Int
        /// The row's fields, unquoted.
        public let fields: [String]
    }

    /// Why CSV text could not be split.
    public struct SyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The line where the problem is.
        public let line: Int
        /// What was expected and what was found.
        public let message: String

        /// `"line 4: …"`.
        public var description: String { "line \(line): \(message)" }
    }

    /// Splits `text` into rows; blank lines are skipped.
    public static func rows(_ text: String) throws(SyntaxError) -> [Row] {
        var rows: [Row] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var rowStart = 1
        var inQuotes = false
        var quotedField = false
        var scalars = text.unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = iterator.next()

        func endRow() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            if !(fields.count == 1 && fields[0].isEmpty && !quotedField) {
                rows.append(Row(line: rowStart, fields: fields))
            }
            fields = []
            quotedField = false
        }

        while let scalar = pending {
            pending = iterator.next()
            if inQuotes {
                if scalar == "\"" {
                    if pending == "\"" {
                        field.append("\"")
                        pending = iterator.next()
                    } else {
                        inQuotes = false
                        if let next = pending, next != ",", next != "\n", next != "\r" {
                            throw SyntaxError(
                                line: line,
                                message: "expected ',' or the end of the row after a closing quote, found '\(next)'")
                        }
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case ",":
                fields.append(String(field))
                field = String.UnicodeScalarView()
            case "\"":
                guard field.isEmpty else {
                    throw SyntaxError(
                        line: line, message: "expected a quote only at the start of a field, found one inside it")
                }
                inQuotes = true
                quotedField = true
            case "\r":
                if pending == "\n" { pending = iterator.next() }
                endRow()
                line += 1
                rowStart = line
            case "\n":
                endRow()
                line += 1
                rowStart = line
            default:
                field.append(scalar)
            }
        }
        guard !inQuotes else {
            throw SyntaxError(line: rowStart, message: "expected a closing quote, found the end of the file")
        }
        if !field.isEmpty || !fields.isEmpty || quotedField { endRow() }
        return rows
    }
}

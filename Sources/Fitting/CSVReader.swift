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
    ///
    /// Works on the UTF-8 bytes: separators, quotes and line ends are ASCII, so a field is the
    /// bytes between them, made into a String once (this reads every row of a 200 000-article file).
    public static func rows(_ text: String) throws(SyntaxError) -> [Row] {
        var text = text
        var result: Result<[Row], SyntaxError> = .success([])
        text.withUTF8 { bytes in result = rows(bytes) }
        return try result.get()
    }

    private static func rows(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<[Row], SyntaxError> {
        let comma = UInt8(ascii: ",")
        let quote = UInt8(ascii: "\"")
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        var rows: [Row] = []
        var fields: [String] = []
        var line = 1
        var rowStart = 1
        var index = 0
        // A UTF-8 byte order mark is not part of the first field.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        var quotedField = false

        func endRow() {
            if !(fields.count == 1 && fields[0].isEmpty && !quotedField) {
                rows.append(Row(line: rowStart, fields: fields))
            }
            fields = []
            quotedField = false
        }
        /// The character starting at `position`, for a message.
        func character(at position: Int) -> String {
            var end = position + 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
        }

        while index <= bytes.count {
            // One field, starting at `index`.
            if index < bytes.count, bytes[index] == quote {
                quotedField = true
                var value: [UInt8] = []
                var position = index + 1
                var closed = false
                while position < bytes.count {
                    let byte = bytes[position]
                    if byte == quote {
                        if position + 1 < bytes.count, bytes[position + 1] == quote {
                            value.append(quote)
                            position += 2
                            continue
                        }
                        closed = true
                        position += 1
                        break
                    }
                    if byte == lf { line += 1 }
                    value.append(byte)
                    position += 1
                }
                guard closed else {
                    return .failure(
                        SyntaxError(line: rowStart, message: "expected a closing quote, found the end of the file"))
                }
                if position < bytes.count, bytes[position] != comma, bytes[position] != lf, bytes[position] != cr {
                    return .failure(
                        SyntaxError(
                            line: line,
                            message:
                                "expected ',' or the end of the row after a closing quote, found '\(character(at: position))'"
                        ))
                }
                fields.append(String(decoding: value, as: UTF8.self))
                index = position
            } else {
                var position = index
                while position < bytes.count {
                    let byte = bytes[position]
                    if byte == comma || byte == lf || byte == cr { break }
                    if byte == quote {
                        return .failure(
                            SyntaxError(
                                line: line,
                                message: "expected a quote only at the start of a field, found one inside it"))
                    }
                    position += 1
                }
                fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<position]), as: UTF8.self))
                index = position
            }
            // What ends the field: a comma, a line end, or the end of the text.
            if index >= bytes.count {
                if !(fields.count == 1 && fields[0].isEmpty && !quotedField) { endRow() }
                break
            }
            switch bytes[index] {
            case comma:
                index += 1
                if index == bytes.count {
                    // A trailing comma on the last line: one more, empty field.
                    fields.append("")
                    endRow()
                    index += 1
                }
            case cr:
                index += index + 1 < bytes.count && bytes[index + 1] == lf ? 2 : 1
                endRow()
                line += 1
                rowStart = line
                if index == bytes.count { index += 1 }
            default:
                index += 1
                endRow()
                line += 1
                rowStart = line
                if index == bytes.count { index += 1 }
            }
        }
        return .success(rows)
    }
}

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
        text.withUTF8 { bytes in
            var rows: [Row] = []
            var index = hasByteOrderMark(bytes) ? 3 : 0
            var line = 1
            while true {
                switch nextRow(in: bytes, from: index, line: line, final: true) {
                case .row(let row, let next, let nextLine):
                    rows.append(row)
                    index = next
                    line = nextLine
                case .end, .needMore:
                    result = .success(rows)
                    return
                case .failure(let error):
                    result = .failure(error)
                    return
                }
            }
        }
        return try result.get()
    }

    static func hasByteOrderMark(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }

    /// What reading one row from a position found.
    enum Step {
        /// A row, where the next one starts and its line.
        case row(Row, next: Int, line: Int)
        /// Nothing but blank lines up to the end.
        case end
        /// The bytes end inside the row: read more and try again from the same position.
        case needMore
        /// The text is not CSV.
        case failure(SyntaxError)
    }

    /// The row starting at `start` (blank lines skipped), whose first line is `line`. When `final`
    /// is false the bytes are only a part of the file read so far, and a row that may go on past
    /// them is `.needMore` rather than ended by the end of the bytes.
    static func nextRow(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, line startLine: Int, final: Bool)
        -> Step
    {
        let comma = UInt8(ascii: ",")
        let quote = UInt8(ascii: "\"")
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        var index = start
        var line = startLine
        // Blank lines (LF, CRLF or CR alone) are not rows.
        while index < bytes.count, bytes[index] == lf || bytes[index] == cr {
            if bytes[index] == cr {
                if index + 1 == bytes.count, !final { return .needMore }
                if index + 1 < bytes.count, bytes[index + 1] == lf { index += 1 }
            }
            index += 1
            line += 1
        }
        if index == bytes.count { return final ? .end : .needMore }
        let rowStart = line
        var fields: [String] = []

        /// The character starting at `position`, for a message.
        func character(at position: Int) -> String {
            var end = position + 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
        }

        while true {
            // One field, starting at `index`.
            if index < bytes.count, bytes[index] == quote {
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
                        if position + 1 == bytes.count, !final { return .needMore }
                        closed = true
                        position += 1
                        break
                    }
                    if byte == lf { line += 1 }
                    value.append(byte)
                    position += 1
                }
                guard closed else {
                    if !final { return .needMore }
                    return .failure(
                        SyntaxError(line: rowStart, message: "expected a closing quote, found the end of the file"))
                }
                if position < bytes.count, bytes[position] != comma, bytes[position] != lf, bytes[position] != cr {
                    // The message shows the character: have all of its bytes.
                    let lead = bytes[position]
                    let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
                    if position + length > bytes.count, !final { return .needMore }
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
                if position == bytes.count, !final { return .needMore }
                fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<position]), as: UTF8.self))
                index = position
            }
            // What ends the field: a comma, a line end, or the end of the text.
            if index >= bytes.count {
                return .row(Row(line: rowStart, fields: fields), next: index, line: line)
            }
            switch bytes[index] {
            case comma:
                index += 1
                if index == bytes.count {
                    if !final { return .needMore }
                    // A trailing comma on the last line: one more, empty field.
                    fields.append("")
                    return .row(Row(line: rowStart, fields: fields), next: index, line: line)
                }
            case cr:
                if index + 1 == bytes.count, !final { return .needMore }
                index += index + 1 < bytes.count && bytes[index + 1] == lf ? 2 : 1
                return .row(Row(line: rowStart, fields: fields), next: index, line: line + 1)
            default:
                return .row(Row(line: rowStart, fields: fields), next: index + 1, line: line + 1)
            }
        }
    }
}

extension CSVReader {
    /// Rows of a CSV file read block by block, so a large file is never in memory as a whole; the
    /// UTF-8 of each row is checked as it is read. A leading byte-order mark is skipped.
    ///
    /// ```swift
    /// var stream = CSVReader.Stream { try file.nextBlock() }   // nil at the end of the file
    /// while let row = try stream.next() { print(row.line, row.fields) }
    /// ```
    public struct Stream {
        /// Why a stream stopped before its end.
        public enum Failure: Error {
            /// The bytes are not CSV.
            case syntax(SyntaxError)
            /// A byte that is not UTF-8, with its offset from the start of the file.
            case encoding(UTF8Text.InvalidByte)
            /// Reading the next block failed.
            case read(any Error)
        }

        private let read: () throws -> [UInt8]?
        private var buffer: [UInt8] = []
        private var position = 0
        private var line = 1
        /// How many bytes of the file came before `buffer[0]`.
        private var dropped = 0
        private var final = false
        private var started = false

        /// A stream over the blocks `read` returns in turn (`nil` when the file has no more).
        public init(read: @escaping () throws -> [UInt8]?) {
            self.read = read
        }

        /// The next row, or `nil` after the last one.
        public mutating func next() throws(Failure) -> Row? {
            if !started {
                started = true
                while !final, buffer.count < 3 { try readBlock() }
                if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
            }
            while true {
                let (from, at, final) = (position, line, final)
                let step = buffer.withUnsafeBufferPointer {
                    CSVReader.nextRow(in: $0, from: from, line: at, final: final)
                }
                switch step {
                case .row(let row, let next, let nextLine):
                    let invalid = buffer.withUnsafeBufferPointer {
                        UTF8Text.firstInvalidOffset(in: UnsafeBufferPointer(rebasing: $0[from..<next]))
                    }
                    if let invalid {
                        throw .encoding(
                            UTF8Text.InvalidByte(offset: dropped + from + invalid, byte: buffer[from + invalid]))
                    }
                    position = next
                    line = nextLine
                    return row
                case .end:
                    return nil
                case .needMore:
                    try readMore()
                case .failure(let error):
                    // A byte that is not UTF-8 explains more than the syntax around it does.
                    let invalid = buffer.withUnsafeBufferPointer {
                        UTF8Text.firstInvalidOffset(in: UnsafeBufferPointer(rebasing: $0[from...]))
                    }
                    if let invalid, !final, from + invalid >= buffer.count - 3 {
                        // Perhaps a character whose other bytes are in the next block.
                        try readMore()
                        continue
                    }
                    if let invalid {
                        throw .encoding(
                            UTF8Text.InvalidByte(offset: dropped + from + invalid, byte: buffer[from + invalid]))
                    }
                    throw .syntax(error)
                }
            }
        }

        /// Drops the rows already returned and reads the next block.
        private mutating func readMore() throws(Failure) {
            buffer.removeSubrange(0..<position)
            dropped += position
            position = 0
            try readBlock()
        }

        private mutating func readBlock() throws(Failure) {
            do {
                if let block = try read() {
                    buffer += block
                } else {
                    final = true
                }
            } catch {
                throw .read(error)
            }
        }
    }
}

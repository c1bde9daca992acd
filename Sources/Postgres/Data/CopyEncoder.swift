/// Writes rows in COPY's text format: tab-separated, newline-terminated, `\N` for NULL, and
/// backslash escapes for the characters that would otherwise end a field or a row.
struct CopyEncoder {
    /// The bytes written so far (UTF-8).
    var buffer: [UInt8] = []
    let columns: Int

    init(columns: Int) {
        self.columns = columns
        buffer.reserveCapacity(1 << 17)
    }

    /// Appends one row; it must have one value per column.
    mutating func append(_ row: [String?]) throws(PostgresError) {
        guard row.count == columns else {
            throw PostgresError(.usage, "a COPY row has \(row.count) values; expected \(columns)")
        }
        for (index, value) in row.enumerated() {
            if index > 0 { buffer.append(0x09) }
            guard let value else {
                buffer.append(0x5C)
                buffer.append(0x4E)
                continue
            }
            for byte in value.utf8 {
                switch byte {
                case 0x5C: buffer += [0x5C, 0x5C]  // backslash
                case 0x09: buffer += [0x5C, 0x74]  // tab
                case 0x0A: buffer += [0x5C, 0x6E]  // newline
                case 0x0D: buffer += [0x5C, 0x72]  // carriage return
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(0x0A)
    }
}

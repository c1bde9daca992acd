import Foundation

/// The parts of a `multipart/form-data` body (RFC 7578): each field's name, its file name if it is
/// a file, and its bytes.
enum Multipart {
    struct Part: Sendable {
        let name: String
        let fileName: String?
        let bytes: [UInt8]
    }

    /// The boundary a `Content-Type: multipart/form-data; boundary=…` header names.
    static func boundary(_ contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    /// The parts of `body`, or `nil` when it is not multipart with that boundary.
    static func parts(_ body: [UInt8], boundary: String) -> [Part]? {
        let delimiter = Array("--\(boundary)".utf8)
        var positions: [Int] = []
        var index = 0
        while let found = find(delimiter, in: body, from: index) {
            positions.append(found)
            index = found + delimiter.count
        }
        guard positions.count >= 2 else { return nil }
        var parts: [Part] = []
        for (start, end) in zip(positions, positions.dropFirst()) {
            // After the delimiter: CRLF, headers, a blank line, the content, then CRLF before the next.
            var cursor = start + delimiter.count
            guard cursor + 2 <= end, body[cursor] == 13, body[cursor + 1] == 10 else { return nil }
            cursor += 2
            guard let blank = find([13, 10, 13, 10], in: body, from: cursor), blank < end else { return nil }
            let headers = String(decoding: body[cursor..<blank], as: UTF8.self)
            let contentStart = blank + 4
            let contentEnd = max(contentStart, end - 2)
            var name: String?
            var fileName: String?
            for line in headers.components(separatedBy: "\r\n")
            where line.lowercased().hasPrefix("content-disposition:") {
                name = parameter("name", in: line)
                fileName = parameter("filename", in: line)
            }
            guard let name else { return nil }
            parts.append(Part(name: name, fileName: fileName, bytes: Array(body[contentStart..<contentEnd])))
        }
        return parts
    }

    private static func parameter(_ key: String, in line: String) -> String? {
        for piece in line.split(separator: ";").dropFirst() {
            let pair = piece.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0] == key {
                return String(pair[1]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else {
            return nil
        }
        var index = start
        let first = needle[0]
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

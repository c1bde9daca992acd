/// Why a JSON document could not be read, with the line and column where reading stopped.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The 1-based line of the offending character.
    public let line: Int
    /// The 1-based column (in Unicode scalars) of the offending character.
    public let column: Int
    /// What was expected there and what was found.
    public let message: String

    /// `"line 3, column 7: expected ',' or '}', found 'x'"`.
    public var description: String { "line \(line), column \(column): \(message)" }
}

extension JSONValue {
    /// Reads a JSON document (RFC 8259): one value, surrounded only by whitespace.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(Array(text.unicodeScalars))
        let value = try parser.parseDocument()
        return value
    }

    /// Reads a JSON document from UTF-8 bytes; invalid UTF-8 is an error, not a guess.
    public static func parse(utf8 bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        let text: String
        do {
            text = try UTF8Text.decode(bytes)
        } catch {
            throw JSONSyntaxError(line: 1, column: 1, message: error.description)
        }
        return try parse(text)
    }
}

private struct JSONParser {
    let scalars: [Unicode.Scalar]
    var position = 0
    var depth = 0

    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard position == scalars.count else { throw error("expected the end of the document, found \(found)") }
        return value
    }

    private var found: String {
        guard position < scalars.count else { return "the end of the document" }
        let scalar = scalars[position]
        return scalar.value < 0x20 ? "a control character" : "'\(scalar)'"
    }

    private func error(_ message: String) -> JSONSyntaxError {
        var line = 1
        var column = 1
        for scalar in scalars[..<min(position, scalars.count)] {
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return JSONSyntaxError(line: line, column: column, message: message)
    }

    private mutating func skipWhitespace() {
        while position < scalars.count {
            switch scalars[position] {
            case " ", "\t", "\n", "\r": position += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        guard position < scalars.count else { throw error("expected a value, found the end of the document") }
        switch scalars[position] {
        case "{": return try parseObject()
        case "[": return try parseArray()
        case "\"": return .string(try parseString())
        case "t": return try parseLiteral("true", .bool(true))
        case "f": return try parseLiteral("false", .bool(false))
        case "n": return try parseLiteral("null", .null)
        case "-", "0"..."9": return try parseNumber()
        default: throw error("expected a value, found \(found)")
        }
    }

    private mutating func parseLiteral(_ word: String, _ value: JSONValue) throws(JSONSyntaxError) -> JSONValue {
        for expected in word.unicodeScalars {
            guard position < scalars.count, scalars[position] == expected else {
                throw error("expected '\(word)', found \(found)")
            }
            position += 1
        }
        return value
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= 512 else { throw error("expected at most 512 nested arrays and objects, found more") }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        position += 1
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if position < scalars.count, scalars[position] == "}" {
            position += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < scalars.count, scalars[position] == "\"" else {
                throw error("expected a key in double quotes, found \(found)")
            }
            let key = try parseString()
            skipWhitespace()
            guard position < scalars.count, scalars[position] == ":" else {
                throw error("expected ':', found \(found)")
            }
            position += 1
            skipWhitespace()
            members.append((key, try parseValue()))
            skipWhitespace()
            guard position < scalars.count else { throw error("expected ',' or '}', found the end of the document") }
            if scalars[position] == "," {
                position += 1
            } else if scalars[position] == "}" {
                position += 1
                depth -= 1
                return .object(members)
            } else {
                throw error("expected ',' or '}', found \(found)")
            }
        }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        position += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if position < scalars.count, scalars[position] == "]" {
            position += 1
            depth -= 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard position < scalars.count else { throw error("expected ',' or ']', found the end of the document") }
            if scalars[position] == "," {
                position += 1
            } else if scalars[position] == "]" {
                position += 1
                depth -= 1
                return .array(items)
            } else {
                throw error("expected ',' or ']', found \(found)")
            }
        }
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        position += 1
        var result = String.UnicodeScalarView()
        while true {
            guard position < scalars.count else {
                throw error("expected '\"' to close the string, found the end of the document")
            }
            let scalar = scalars[position]
            switch scalar {
            case "\"":
                position += 1
                return String(result)
            case "\\":
                position += 1
                guard position < scalars.count else { throw error("expected an escape, found the end of the document") }
                let escape = scalars[position]
                position += 1
                switch escape {
                case "\"": result.append("\"")
                case "\\": result.append("\\")
                case "/": result.append("/")
                case "b": result.append("\u{08}")
                case "f": result.append("\u{0C}")
                case "n": result.append("\n")
                case "r": result.append("\r")
                case "t": result.append("\t")
                case "u": result.append(try parseUnicodeEscape())
                default:
                    position -= 1
                    throw error("expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u, found \(found)")
                }
            default:
                guard scalar.value >= 0x20 else {
                    throw error("expected a character inside the string, found \(found)")
                }
                result.append(scalar)
                position += 1
            }
        }
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < scalars.count, let digit = hexValue(scalars[position]) else {
                throw error("expected four hexadecimal digits after \\u, found \(found)")
            }
            value = value * 16 + digit
            position += 1
        }
        return value
    }

    private func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 48
        case "a"..."f": scalar.value - 87
        case "A"..."F": scalar.value - 55
        default: nil
        }
    }

    private mutating func parseUnicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        let first = try parseHex4()
        if (0xD800...0xDBFF).contains(first) {
            guard position + 1 < scalars.count, scalars[position] == "\\", scalars[position + 1] == "u" else {
                throw error("expected a low surrogate \\u escape after a high surrogate, found \(found)")
            }
            position += 2
            let second = try parseHex4()
            guard (0xDC00...0xDFFF).contains(second) else {
                throw error("expected a low surrogate, found \\u\(String(second, radix: 16))")
            }
            let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            return Unicode.Scalar(combined)!
        }
        guard let scalar = Unicode.Scalar(first) else {
            throw error("expected a Unicode scalar, found a lone surrogate \\u\(String(first, radix: 16))")
        }
        return scalar
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = position
        if scalars[position] == "-" { position += 1 }
        guard position < scalars.count, ("0"..."9").contains(scalars[position]) else {
            throw error("expected a digit, found \(found)")
        }
        if scalars[position] == "0" {
            position += 1
        } else {
            while position < scalars.count, ("0"..."9").contains(scalars[position]) { position += 1 }
        }
        if position < scalars.count, scalars[position] == "." {
            position += 1
            guard position < scalars.count, ("0"..."9").contains(scalars[position]) else {
                throw error("expected a digit after '.', found \(found)")
            }
            while position < scalars.count, ("0"..."9").contains(scalars[position]) { position += 1 }
        }
        if position < scalars.count, scalars[position] == "e" || scalars[position] == "E" {
            position += 1
            if position < scalars.count, scalars[position] == "+" || scalars[position] == "-" { position += 1 }
            guard position < scalars.count, ("0"..."9").contains(scalars[position]) else {
                throw error("expected a digit in the exponent, found \(found)")
            }
            while position < scalars.count, ("0"..."9").contains(scalars[position]) { position += 1 }
        }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[start..<position])
        return .number(String(text))
    }
}

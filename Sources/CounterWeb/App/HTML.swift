/// HTML made here, with every text from a person, a file or the database escaped on the way in:
/// `HTML.text("<script>")` is `&lt;script&gt;`, and only `HTML` values join a page unescaped.
struct HTML: Sendable, ExpressibleByStringInterpolation {
    private(set) var markup: String

    init(stringLiteral value: String) { markup = value }

    init(stringInterpolation: Interpolation) { markup = stringInterpolation.markup }

    init(raw markup: String) { self.markup = markup }

    /// Pieces of markup one after another.
    init(joining pieces: [HTML], separator: String = "") {
        markup = pieces.map(\.markup).joined(separator: separator)
    }

    /// Builds markup: literal parts as written, `String` values escaped, `HTML` values as they are.
    struct Interpolation: StringInterpolationProtocol {
        var markup = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        mutating func appendLiteral(_ literal: String) { markup += literal }

        mutating func appendInterpolation(_ text: String) { markup += HTML.escape(text) }

        mutating func appendInterpolation(_ text: String?) { markup += HTML.escape(text ?? "") }

        mutating func appendInterpolation(_ number: Int) { markup += String(number) }

        mutating func appendInterpolation(_ number: Int64) { markup += String(number) }

        mutating func appendInterpolation(_ html: HTML) { markup += html.markup }
        /// A word of a closed set (a status, a style), as it is stored and sent: its raw value.
        mutating func appendInterpolation<T: RawRepresentable>(_ word: T) where T.RawValue == String {
            markup += HTML.escape(word.rawValue)
        }
        /// An optional word of a closed set; nothing when absent.
        mutating func appendInterpolation<T: RawRepresentable>(_ word: T?) where T.RawValue == String {
            markup += HTML.escape(word?.rawValue ?? "")
        }

        mutating func appendInterpolation(_ pieces: [HTML]) { markup += pieces.map(\.markup).joined() }
    }

    /// `text` with `& < > " '` as character references, safe in element content and quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

/// Text made safe to write into a log: every control or format character (line breaks, escape,
/// bell, direction overrides, zero-width characters) written as `\u{…}` and backslashes doubled,
/// so a value a client chose — a login name, a path, a database message quoting it — cannot
/// forge a log line, colour a terminal or hide what it says; at most 200 characters.
///
/// ```swift
/// LogText.escaped("ada\nWARNING forged")   // "ada\\u{A}WARNING forged"
/// ```
public enum LogText {
    /// `text` with its control and format characters escaped, cut after `limit` characters.
    public static func escaped(_ text: String, limit: Int = 200) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            guard count < limit else {
                out += "…"
                break
            }
            count += 1
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default:
                if scalar == "\\" { out += "\\\\" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}

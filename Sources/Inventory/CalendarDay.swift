public import Foundation

/// Calendar days as typed at the counter and stored in the database: `YYYY-MM-DD`, midnight UTC.
public enum CalendarDay {
    /// The day `text` names, or `nil` when it is not a real `YYYY-MM-DD` date (`2027-02-30` is not).
    public static func parse(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        guard let date = formatter.date(from: text), formatter.string(from: date) == text else { return nil }
        return date
    }
}

public import Foundation

/// A day on the calendar — a year, a month and a day, with no time and no time zone — sent to and
/// read from PostgreSQL's `date` type.
///
/// An expiry date or a prescription's last valid day is a day, not an instant: held as a
/// timestamp at midnight, a time zone would move it to the day before or after. `CalendarDay`
/// travels as `date` in PostgreSQL's binary format (days since 2000-01-01), so neither the
/// server's nor the client's time zone can shift it.
///
/// ```swift
/// let expiry = try CalendarDay(parsing: "2028-02-29")
/// try connection.execute("UPDATE lot SET expires_on = \(expiry) WHERE id = \(id)")
/// let today = CalendarDay.today()          // in the counter's own time zone
/// print(expiry > today, expiry.adding(days: 1))   // true 2028-03-01
/// ```
public struct CalendarDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, PostgresEncodable,
    PostgresDecodable
{
    /// The year (1900–2199 when parsed from text).
    public let year: Int
    /// The month, 1–12.
    public let month: Int
    /// The day of the month, 1–31.
    public let day: Int

    /// The earliest day accepted from text: dates before it are typing mistakes here.
    public static let earliest = CalendarDay(unchecked: 1900, 1, 1)
    /// The latest day accepted from text.
    public static let latest = CalendarDay(unchecked: 2199, 12, 31)

    private init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day `year-month-day`, or `nil` when there is no such day (`2027-02-29`).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        self.init(unchecked: year, month, day)
    }

    /// Why a text is not a day, for the message naming the field.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        /// What was expected, e.g. "a date YYYY-MM-DD".
        public let expected: String
        /// The text as given.
        public let found: String
        /// "expected …, found '…'".
        public var description: String { "expected \(expected), found '\(found)'" }
    }

    /// Reads `YYYY-MM-DD` (a real day between 1900-01-01 and 2199-12-31).
    public init(parsing text: String) throws(ParseError) {
        guard let parsed = Self.anyDay(text) else {
            throw ParseError(expected: "a real calendar day YYYY-MM-DD", found: text)
        }
        guard parsed >= Self.earliest, parsed <= Self.latest else {
            throw ParseError(expected: "a date between \(Self.earliest) and \(Self.latest)", found: text)
        }
        self = parsed
    }

    /// Any real day written `YYYY-MM-DD`, whatever its year.
    private static func anyDay(_ text: String) -> CalendarDay? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        return CalendarDay(year: year, month: month, day: day)
    }

    /// The day it is now in `timeZone` (the counter's own, by default): the shop's calendar day.
    public static func today(in timeZone: TimeZone = .current, now: Date = Date()) -> CalendarDay {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return CalendarDay(unchecked: parts.year!, parts.month!, parts.day!)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let y = String(year)
        let yyyy = String(repeating: "0", count: max(0, 4 - y.count)) + y
        return "\(yyyy)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    /// The day `days` later (earlier when negative).
    public func adding(days: Int) -> CalendarDay { CalendarDay(daysSince2000: daysSince2000 + days) }

    /// Orders days by date.
    public static func < (a: CalendarDay, b: CalendarDay) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    // MARK: Days since PostgreSQL's epoch, 2000-01-01

    /// Days since 2000-01-01 (negative before it): PostgreSQL's binary `date`.
    public var daysSince2000: Int {
        // Count from 1 March so that the leap day ends a year; eras of 400 years repeat exactly.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - Self.marchEpochTo2000
    }

    /// The day `days` after 2000-01-01.
    public init(daysSince2000 days: Int) {
        let z = days + Self.marchEpochTo2000
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.init(unchecked: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days from 0000-03-01 to 2000-01-01 in the proleptic Gregorian calendar.
    private static let marchEpochTo2000 = 730_425

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // MARK: PostgreSQL and Codable

    /// Sent as `date`.
    public var postgresBind: PostgresBind {
        PostgresBind(type: PostgresType.date, bytes: Int32(daysSince2000).bigEndianBytes)
    }

    /// Reads `date` (infinite dates are refused: no shop day is infinite).
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresTypeOID, column: String)
        throws(PostgresError) -> CalendarDay
    {
        guard type == PostgresType.date, let days = readInteger(bytes, as: Int32.self),
            days != Int32.max, days != Int32.min
        else { throw mismatch(column, type, "CalendarDay") }
        return CalendarDay(daysSince2000: Int(days))
    }

    /// Decodes `"YYYY-MM-DD"`.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = Self.anyDay(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "expected a day YYYY-MM-DD, found '\(text)'"))
        }
        self = day
    }

    /// Encodes as `"YYYY-MM-DD"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

import Foundation
import Postgres
import PostgresTestSupport
import PropertyBased
import Testing

@Suite("Calendar days as PostgreSQL dates", .ownThread)
struct CalendarDayTests {
    @Test(
        "text is read strictly: real days from 1900 to 2199 only",
        arguments: [
            ("2028-02-29", true), ("2027-02-29", false), ("2027-13-01", false), ("2027-1-01", false),
            ("0001-01-01", false), ("1899-12-31", false), ("1900-01-01", true), ("2199-12-31", true),
            ("2200-01-01", false),
            ("", false), ("2027-02-28T00:00", false), ("+2027-02-28", false),
        ])
    func parsing(text: String, valid: Bool) {
        #expect(((try? CalendarDay(parsing: text)) != nil) == valid, "\(text)")
        if valid { #expect((try? CalendarDay(parsing: text))?.description == text) }
    }

    @Test("days since 2000-01-01 agree with the Gregorian calendar of Foundation, both ways (from 1583)")
    func daysAgreeWithFoundation() async {
        // Foundation's calendar turns Julian before 15 October 1582; PostgreSQL's (and ours) does not,
        // which the server round trip below covers.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let epoch = calendar.date(from: DateComponents(year: 2000, month: 1, day: 1))!
        await propertyCheck(count: 500, input: Gen.int(in: -150_000...800_000)) { days in
            let day = CalendarDay(daysSince2000: days)
            let parts = calendar.dateComponents(
                [.year, .month, .day], from: calendar.date(byAdding: .day, value: days, to: epoch)!)
            #expect(day.year == parts.year && day.month == parts.month && day.day == parts.day, "\(days)")
            #expect(day.daysSince2000 == days)
        }
    }

    @Test("a day sent as a parameter and one the server makes come back as the same day, in any time zone")
    func serverRoundTrip() async throws {
        let connection = try Connection(try TestDatabase.fresh())
        defer { connection.close() }
        for zone in ["America/Los_Angeles", "Europe/Berlin", "Pacific/Kiritimati"] {
            try connection.executeScript("SET timezone TO '\(zone)'")
            await propertyCheck(count: 60, input: Gen.int(in: -700_000...700_000)) { days in
                let day = CalendarDay(daysSince2000: days)
                let row = try connection.query("SELECT \(day)::text AS text, \(day.description)::date AS back")[0]
                #expect(try row.decode(String.self, "text") == day.description)
                #expect(try row.decode(CalendarDay.self, "back") == day)
            }
        }
    }

    @Test("today is the day it is in the counter's time zone, not in UTC")
    func todayInZone() {
        // 2026-11-26 11:30 UTC is already the 27th at Kiritimati (UTC+14) and still the 26th in Los Angeles.
        let now = Date(timeIntervalSince1970: 1_795_692_600)
        #expect(
            CalendarDay.today(in: TimeZone(identifier: "Pacific/Kiritimati")!, now: now).description == "2026-11-27")
        #expect(
            CalendarDay.today(in: TimeZone(identifier: "America/Los_Angeles")!, now: now).description == "2026-11-26")
        #expect(CalendarDay.today(in: TimeZone(identifier: "UTC")!, now: now).description == "2026-11-26")
    }

    @Test("JSON carries a day as YYYY-MM-DD")
    func json() throws {
        let day = try CalendarDay(parsing: "2028-02-29")
        let data = try JSONEncoder().encode([day])
        #expect(String(decoding: data, as: UTF8.self) == #"["2028-02-29"]"#)
        #expect(try JSONDecoder().decode([CalendarDay].self, from: data) == [day])
    }
}

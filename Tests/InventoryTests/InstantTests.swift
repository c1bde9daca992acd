import Foundation
import PostgresTestSupport
import PropertyBased
import Testing

@testable import Inventory

/// Operation results' instants are read by arithmetic; they must be the instants Foundation's
/// ISO 8601 reader gives for the same text.
@Suite("Instants in operation results", .ownThread)
struct InstantTests {
    @Test("any instant from 1900 to 2200, with Z or an offset, reads as ISO8601DateFormatter reads it")
    func sameAsFoundation() async {
        await propertyCheck(
            count: 1_000, input: Gen.int(in: -2_208_988_800...7_258_118_399), Gen.int(in: -14...14),
            Gen.int(in: 0...3)
        ) { seconds, hours, quarter in
            let formatter = ISO8601DateFormatter()
            let date = Date(timeIntervalSince1970: Double(seconds))
            if hours == 0 && quarter == 0 {
                let text = formatter.string(from: date)
                #expect(Instant.parse(text) == formatter.date(from: text), "\(text)")
                #expect(Instant.parse(text) == date, "\(text)")
            } else {
                formatter.timeZone = TimeZone(secondsFromGMT: hours * 3_600 + (hours < 0 ? -1 : 1) * quarter * 900)
                let text = formatter.string(from: date)
                #expect(Instant.parse(text) == formatter.date(from: text), "\(text)")
            }
        }
    }

    @Test("text that is not such an instant is left to Foundation")
    func refused() {
        for text in [
            "", "2026-11-27", "2026-11-27T03:10:14", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
            "2026-11-27T24:00:00Z", "2026-11-27 03:10:14Z", "2026-11-27T03:10:14.5Z", "２026-11-27T03:10:14Z",
        ] {
            #expect(Instant.parse(text) == nil, "\(text)")
        }
        #expect(Instant.parse("2024-02-29T12:00:00Z") != nil)
    }
}

import Counter
import PostgresTestSupport
import Testing

/// The API's answers are described from the records' own types: the shapes read from them must be
/// what the records send.
@Suite("The shape of each record, read from its type", .ownThread)
struct ValueShapeTests {
    static func members(_ shape: ValueShape) -> [String: ValueShape.Member] {
        guard case .object(let members) = shape else { return [:] }
        return Dictionary(uniqueKeysWithValues: members.map { ($0.name, $0) })
    }

    @Test("a reservation: its optional lot may be left out, its status is one of its words")
    func reservation() {
        let members = Self.members(.record(ReservationRecord.self))
        #expect(members["id"]?.shape == .string(format: nil) && members["id"]?.required == true)
        #expect(members["lot"]?.shape == .string(format: nil) && members["lot"]?.required == false)
        #expect(members["status"]?.shape == .words(["active", "fulfilled", "released", "expired"]))
        #expect(
            members["confirmedReason"]?.shape == .string(format: nil) && members["confirmedReason"]?.required == false)
        #expect(members.count == 9)
    }

    @Test("a fitting: instants as date-time, maps of legs to points, a list of results with closed sets")
    func fitting() {
        let members = Self.members(.record(FittingRecord.self))
        #expect(members["takenAt"]?.shape == .string(format: "date-time"))
        #expect(members["measurements"]?.shape == .map(.map(.string(format: nil))))
        #expect(members["style"]?.shape == .words(["AD", "AF", "AG", "AT"]))
        guard case .array(let result)? = members["results"]?.shape else {
            Issue.record("results: expected a list")
            return
        }
        let fields = Self.members(result)
        #expect(fields["outcome"]?.shape == .words(["standard", "made-to-measure"]))
        #expect(fields["side"]?.shape == .words(["left", "right"]) && fields["side"]?.required == false)
    }

    @Test("a balance: a calendar day as date, why it may not be offered as one of its words")
    func balance() {
        let members = Self.members(.record(BalanceRecord.self))
        #expect(members["expiresOn"]?.shape == .string(format: "date") && members["expiresOn"]?.required == false)
        #expect(members["unusable"]?.shape == .words(["returned", "recalled", "on-hold", "quarantined", "expired"]))
        #expect(ValueShape.list(BalanceRecord.self) == .array(.record(BalanceRecord.self)))
    }
}

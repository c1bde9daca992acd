import Foundation
import PostgresTestSupport
import PropertyBased
import Testing

@testable import Counter
@testable import Postgres

/// `cfit serve` checks passwords itself; it must agree with PostgreSQL's own verifiers.
@Suite("Passwords checked against PostgreSQL's SCRAM verifiers", .ownThread)
struct PasswordCheckTests {
    @Test("a verifier libpq made matches its password and no other, ASCII or not")
    func agreesWithLibpq() async throws {
        let connection = try Connection(try TestDatabase.fresh())
        let piece = Gen.element(of: ["a", "Z", "7", " ", "é", "ß", "ﬁ", "Å", "\u{00A0}", "€", "🦶", "\u{00AD}"])
            .map { $0! }
        await propertyCheck(count: 25, input: piece.array(of: 1...12), piece.array(of: 1...12)) { first, second in
            let password = first.joined()
            let other = second.joined()
            let verifier = try connection.encryptPassword(password, user: "someone")
            #expect(PasswordCheck.matches(password: password, verifier: verifier), "\(password.debugDescription)")
            // Different text may be the same password: SASLprep (RFC 4013) maps a no-break space to a
            // space and drops a soft hyphen before hashing, as libpq does when it signs in.
            if Self.prepared(other) != Self.prepared(password) {
                #expect(!PasswordCheck.matches(password: other, verifier: verifier), "\(other.debugDescription)")
            }
        }
    }

    /// What RFC 4013 makes of text over this test's alphabet (written from the RFC's tables, not
    /// from `PasswordCheck`): U+00A0 to a space, U+00AD to nothing, then NFKC.
    static func prepared(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.compactMap { $0 == "\u{00AD}" ? nil : $0 == "\u{00A0}" ? " " : $0 })
        ).precomposedStringWithCompatibilityMapping
    }

    @Test("text SASLprep makes the same is the same password, as libpq signs in with it")
    func preparedAlike() throws {
        let connection = try Connection(try TestDatabase.fresh())
        let verifier = try connection.encryptPassword("\u{00AD}a\u{00A0}b", user: "someone")
        #expect(PasswordCheck.matches(password: "a b", verifier: verifier))
        #expect(!PasswordCheck.matches(password: "ab", verifier: verifier))
    }

    @Test("anything that is not a SCRAM-SHA-256 verifier matches nothing")
    func malformed() {
        for verifier in [
            "", "md5abcdef", "SCRAM-SHA-256$4096:c2FsdA==$", "SCRAM-SHA-256$x:c2FsdA==$a:b",
            "SCRAM-SHA-256$0:c2FsdA==$AAAA:BBBB",
        ] {
            #expect(!PasswordCheck.matches(password: "", verifier: verifier), "\(verifier)")
        }
    }
}

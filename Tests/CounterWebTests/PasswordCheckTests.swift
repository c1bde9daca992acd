import Foundation
import PostgresTestSupport
import PropertyBased
import Testing

@testable import CounterWeb
@testable import Postgres

/// `cfit serve` checks passwords itself; it must agree with PostgreSQL's own verifiers.
@Suite("Passwords checked against PostgreSQL's SCRAM verifiers")
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
            if other != password {
                #expect(!PasswordCheck.matches(password: other, verifier: verifier), "\(other.debugDescription)")
            }
        }
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

import Counter
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CounterWeb

/// Sign-in throttling an attacker cannot turn against the person (OWASP's authentication
/// guidance: device cookies, counters per login and address, delays rather than locks), and a
/// refusal that does the same work whether the login exists or not.
@Suite("Sign-in under attack: the person still gets in, and refusals do not tell which logins exist")
struct SignInPolicyTests {
    @Test(
        "a login attacked from one address: its person gets in at once from another, and behind the attacker's own address from a browser that signed in before"
    )
    func attackedFromOneAddress() async throws {
        let fixture = try WebFixture()
        let staff = fixture.server.state.staff
        let (login, password) = (fixture.pharmacist, fixture.password)
        #expect(try await staff.signIn(login: login, password: password, from: "127.0.0.1") == .pharmacy)
        let device = staff.deviceCookie(for: login)
        // The attacker, at 127.0.0.9 (say the shop's own router; only a label for the throttle, no traffic is sent), guesses until told to wait.
        var throttled: StaffSignIn.Refusal?
        for guess in 0..<40 where throttled == nil {
            do {
                _ = try await staff.signIn(login: login, password: "guess-\(guess)", from: "127.0.0.9")
            } catch let refusal as StaffSignIn.Refusal where refusal.retryAfter != nil {
                throttled = refusal
            } catch {}
        }
        #expect(throttled != nil, "forty wrong passwords from one address were never slowed down")
        // The attack goes on for minutes: six more failures (counted as the attacker's would be,
        // without waiting them out) make the address wait a minute for this login, so the checks
        // below do not race a 1-second wait on a busy machine.
        for _ in 0..<6 { staff.loginFailures.failed(StaffSignIn.pairKey(login, "127.0.0.9")) }
        // The right password from that address, without the device: the address waits for this login.
        await #expect(throws: StaffSignIn.Refusal.self) {
            _ = try await staff.signIn(login: login, password: password, from: "127.0.0.9")
        }
        // From another address: in at once.
        #expect(try await staff.signIn(login: login, password: password, from: "127.0.0.2") == .pharmacy)
        // Behind the attacker's address, the browser that signed in before: in at once.
        #expect(
            try await staff.signIn(login: login, password: password, from: "127.0.0.9", device: device) == .pharmacy)
        // Another login's device cookie, or a forged one, is no help.
        for cookie in [staff.deviceCookie(for: fixture.fitter), String(repeating: "0", count: 32) + ".00", "x"] {
            await #expect(throws: StaffSignIn.Refusal.self) {
                _ = try await staff.signIn(login: login, password: password, from: "127.0.0.9", device: cookie)
            }
        }
    }

    @Test(
        "a login attacked from many addresses: new devices wait at most a minute, a browser that signed in before does not wait"
    )
    func attackedFromEverywhere() async throws {
        let fixture = try WebFixture()
        let staff = fixture.server.state.staff
        let (login, password) = (fixture.admin, fixture.password)
        #expect(try await staff.signIn(login: login, password: password, from: "127.1.0.1") == .admin)
        let device = staff.deviceCookie(for: login)
        for address in 0..<60 {
            _ = try? await staff.signIn(login: login, password: "guess", from: "127.2.0.\(address)")
        }
        do {
            _ = try await staff.signIn(login: login, password: password, from: "127.3.0.1")
            Issue.record("sixty failures from sixty addresses did not slow a new device down")
        } catch let refusal as StaffSignIn.Refusal {
            let wait = try #require(refusal.retryAfter)
            #expect(wait <= 60, "a new device waits \(wait) s")
        }
        #expect(try await staff.signIn(login: login, password: password, from: "127.3.0.1", device: device) == .admin)
    }

    @Test("one client failing for many logins slows its address's other sign-ins by a few seconds at most")
    func sharedAddress() async throws {
        let fixture = try WebFixture()
        let staff = fixture.server.state.staff
        var longest = 0
        for guess in 0..<80 {
            do {
                _ = try await staff.signIn(login: "nobody\(guess)", password: "guess", from: "127.4.0.1")
            } catch let refusal as StaffSignIn.Refusal {
                longest = max(longest, refusal.retryAfter ?? 0)
            }
        }
        #expect(longest > 0 && longest <= 5, "the address waited \(longest) s")
    }

    @Test("refusing an unknown login does the work of refusing a wrong password: one check, as many iterations")
    func unknownLoginSameWork() async throws {
        let fixture = try WebFixture()
        let staff = fixture.server.state.staff
        let start = staff.passwordWork
        _ = try? await staff.signIn(login: fixture.fitter, password: "wrong-password", from: "127.5.0.1")
        let afterWrong = staff.passwordWork
        _ = try? await staff.signIn(
            login: "nobody-\(UUID().uuidString.prefix(8))", password: "wrong-password", from: "127.5.0.2")
        let afterUnknown = staff.passwordWork
        let wrong = (afterWrong.checks - start.checks, afterWrong.iterations - start.iterations)
        let unknown = (afterUnknown.checks - afterWrong.checks, afterUnknown.iterations - afterWrong.iterations)
        #expect(wrong.0 == 1 && wrong.1 >= 4_096, "a wrong password cost \(wrong)")
        #expect(unknown == wrong, "an unknown login cost \(unknown), a wrong password \(wrong)")
    }

    @Test(
        "the sign-in form's token is the server's signature of its cookie: an equal cookie and field of anyone else's making fail"
    )
    func signInTokenBound() async throws {
        let fixture = try WebFixture()
        try await fixture.test { client in
            let forged = "f" + String(repeating: "0", count: 63)
            let answer = try await client.execute(
                uri: "/login", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "\(Web.loginCookie)=\(forged)"],
                body: ByteBuffer(string: "login=\(fixture.pharmacist)&password=\(fixture.password)&csrf=\(forged)"))
            #expect(answer.status == .forbidden && String(buffer: answer.body).contains("had expired"))
            let browser = Browser(client)
            #expect(try await browser.signIn(fixture.pharmacist, fixture.password) == .seeOther)
        }
    }

    @Test(
        "every privilege the API asks about names a grant of the schema: an admin holds each, a fitter none but recording and voiding fittings"
    )
    func privilegesNameTheSchema() async throws {
        let fixture = try WebFixture()
        let staff = fixture.server.state.staff
        // Every operation that changes something asks first: none is left out of the table.
        for operation in APIRoutes.all(state: fixture.server.state) where operation.writes {
            let name = "\(operation.method.rawValue) \(operation.path)"
            #expect(APIRoutes.privileges[name] != nil, "\(name) asks the database nothing before reading its request")
        }
        for (operation, privilege) in APIRoutes.privileges {
            #expect(try await staff.permits(fixture.admin, privilege), "\(operation): \(privilege)")
            let fitterMay = try await staff.permits(fixture.fitter, privilege)
            #expect(
                fitterMay == ["POST /api/v1/fittings", "POST /api/v1/fittings/{id}/void"].contains(operation),
                "\(operation): a fitter \(fitterMay)")
        }
    }
}

import Counter
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import PostgresTestSupport
import Testing

@testable import CounterWeb

/// Where the server may listen: loopback in plain HTTP; anything else over TLS, or in plain HTTP
/// only when asked for on purpose.
@Suite("cfit serve: listening and TLS")
struct ListenTests {
    static func settings(_ host: String) -> WebServer.Settings {
        var settings = WebServer.Settings(databaseURL: "host=/nonexistent dbname=none")
        settings.host = host
        return settings
    }

    @Test("plain HTTP beyond loopback is refused unless --insecure-http is given")
    func plainHTTP() throws {
        let logger = Logger(label: "test")
        for host in ["127.0.0.1", "::1", "localhost", "127.0.0.2"] {
            #expect(throws: Never.self) { _ = try WebServer(Self.settings(host), logger: logger) }
        }
        for host in ["0.0.0.0", "192.0.2.10", "::"] {
            #expect(throws: WebServer.SettingsError.self) { _ = try WebServer(Self.settings(host), logger: logger) }
            var insecure = Self.settings(host)
            insecure.insecureHTTP = true
            #expect(throws: Never.self) { _ = try WebServer(insecure, logger: logger) }
        }
        var half = Self.settings("0.0.0.0")
        half.tlsCertificate = "/tmp/cert.pem"
        #expect(throws: WebServer.SettingsError.self) { _ = try WebServer(half, logger: logger) }
    }

    @Test("with a certificate it serves HTTPS and marks the session cookie Secure")
    func tls() async throws {
        let directory = NSTemporaryDirectory() + "cfit-tls-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let openssl = try await ChildProcess.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(directory)/key.pem", "-out",
                "\(directory)/cert.pem", "-days", "1", "-subj", "/CN=localhost",
            ])
        try #require(openssl.status == 0, "\(openssl.stderr)")
        let fixture = try WebFixture()
        var settings = WebServer.Settings(databaseURL: fixture.url)
        // Loopback only: tests listen nowhere else (TLS is what is tested here, not the address).
        settings.host = "127.0.0.1"
        settings.port = 0
        settings.tlsCertificate = "\(directory)/cert.pem"
        settings.tlsKey = "\(directory)/key.pem"
        let server = try WebServer(settings, logger: Logger(label: "test"))
        try await server.application().test(.ahc(.https)) { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            // Cookies are Secure under TLS (the client here follows redirects, so the sign-in form's
            // cookie stands for the session's: both are made with the same setting).
            let form = try await client.execute(uri: "/login", method: .get)
            let cookie = form.headers[values: .setCookie].first { $0.hasPrefix("cfit_login=") } ?? ""
            #expect(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        }
        var broken = settings
        broken.tlsCertificate = "\(directory)/missing.pem"
        #expect(throws: WebServer.SettingsError.self) {
            _ = try WebServer(broken, logger: Logger(label: "test")).application()
        }
    }

    @Test("/healthz says 503 when the database does not answer")
    func unhealthy() async throws {
        let server = try WebServer(Self.settings("127.0.0.1"), logger: Logger(label: "test"))
        try await server.application().test(.router) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .serviceUnavailable)
        }
    }

    @Test(
        "one address guessing passwords for many logins is slowed down whatever the login; a right password then waits too"
    )
    func addressThrottle() async throws {
        let fixture = try WebFixture()
        try await fixture.server.application().test(.live) { client in
            func basic(_ login: String, _ password: String) -> HTTPFields {
                [.authorization: "Basic " + Data("\(login):\(password)".utf8).base64EncodedString()]
            }
            // Twenty different logins, each failing once: no login reaches its own limit of five.
            for guess in 0..<20 {
                let answer = try await client.execute(
                    uri: "/api/v1/stock/low", method: .get, headers: basic("guess\(guess)", "wrong"))
                #expect(answer.status == .unauthorized, "guess \(guess)")
            }
            // More guesses, waiting out each short wait, until the wait left is long enough (4 s)
            // for the check below not to race it, however slow the machine.
            for guess in 20..<40 {
                let answer = try await client.execute(
                    uri: "/api/v1/stock/low", method: .get, headers: basic("guess\(guess)", "wrong"))
                guard answer.status == .tooManyRequests else { continue }
                let seconds = answer.headers[.retryAfter].flatMap { Int($0) } ?? 0
                if seconds >= 4 { break }
                try await Task.sleep(for: .seconds(seconds))
            }
            let blocked = try await client.execute(
                uri: "/api/v1/stock/low", method: .get, headers: basic(fixture.pharmacist, fixture.password))
            #expect(blocked.status == .tooManyRequests && blocked.headers[.retryAfter] != nil)
            #expect(String(buffer: blocked.body).contains("too many failed sign-ins from this address"))
            // Once the wait is over the right password gets in.
            try await Task.sleep(for: .seconds(Int(blocked.headers[.retryAfter] ?? "2") ?? 2))
            let allowed = try await client.execute(
                uri: "/api/v1/stock/low", method: .get, headers: basic(fixture.pharmacist, fixture.password))
            #expect(allowed.status == .ok)
        }
    }

    @Test("failures are forgotten after a quiet spell; a right password forgives its login but not the address")
    func throttleCounts() {
        let throttle = Throttle(free: 3)
        let start = ContinuousClock.now
        for _ in 0..<2 { throttle.failed("a", now: start) }
        #expect(throttle.wait("a", now: start) == nil)
        throttle.failed("a", now: start)
        #expect(throttle.wait("a", now: start) == 1)
        throttle.failed("a", now: start)
        #expect(throttle.wait("a", now: start) == 2)
        // Fifteen quiet minutes later the count starts again.
        let later = start + Throttle.forgetAfter
        throttle.failed("a", now: later)
        #expect(throttle.wait("a", now: later) == nil)
        throttle.succeeded("a")
        #expect(throttle.wait("a", now: later) == nil)
        // Never more than five minutes.
        for _ in 0..<30 { throttle.failed("b", now: start) }
        #expect(throttle.wait("b", now: start) == 300)
    }
}

import Foundation
import Inventory
import Postgres
import PostgresTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `cfit serve` as a process: it answers, refuses a bad address, and stops gracefully on SIGTERM.
@Suite("cfit serve, the command", .ownThread)
struct ServeCommandTests {
    /// A free port on 127.0.0.1 (bound, read, released).
    static func freePort() -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func get(_ url: String) -> Int? {
        let done = DispatchSemaphore(value: 0)
        let status = LockedValue<Int?>(nil)
        URLSession.shared.dataTask(with: URL(string: url)!) { _, response, _ in
            status.withLock { $0 = (response as? HTTPURLResponse)?.statusCode }
            done.signal()
        }.resume()
        _ = done.wait(timeout: .now() + 5)
        return status.withLock { $0 }
    }

    @Test(
        "it serves /healthz, logs requests only with --access-log and never their query strings, and SIGTERM stops it gracefully with exit status 0"
    )
    func gracefulStop() throws {
        let url = try TestDatabase.fresh()
        let port = Self.freePort()
        let log = NSTemporaryDirectory() + "cfit-access-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let process = try ChildProcess(
            CFit.binary, ["serve", "--listen", "127.0.0.1:\(port)", "--access-log"], environment: ["DATABASE_URL": url],
            stdout: .discarded, stderr: .file(log))
        try Watchdog.stopWhenTestsEnd(process.pid, marker: "serve")
        var status: Int?
        for _ in 0..<300 where status == nil {  // up to 30 s on a busy machine
            Thread.sleep(forTimeInterval: 0.1)
            status = Self.get("http://127.0.0.1:\(port)/healthz")
        }
        #expect(status == 200)
        #expect(Self.get("http://127.0.0.1:\(port)/patients?search=Jane%20Doe") == 200)  // the sign-in page
        process.send(SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!process.isRunning, "still running 10 s after SIGTERM")
        process.send(SIGKILL)
        #expect(process.waitBlocking() == 0)
        let written = try String(contentsOfFile: log, encoding: .utf8)
        #expect(written.contains("GET /healthz 200") && written.contains("GET /patients 303"), "\(written)")
        #expect(!written.contains("Jane") && !written.contains("search"), "\(written)")
    }

    @Test("plain HTTP on the network is refused with one line naming --listen; a bad address or limit too")
    func refusals() throws {
        let url = try TestDatabase.fresh()
        let open = try CFit.run(["serve", "--listen", "192.0.2.10:8099"], environment: ["DATABASE_URL": url])
        #expect(
            open.status == 64 && open.stderr.hasPrefix("error: --listen: expected a loopback address"), "\(open.stderr)"
        )
        let bad = try CFit.run(["serve", "--listen", "nowhere"], environment: ["DATABASE_URL": url])
        #expect(bad.status == 64 && bad.stderr.hasPrefix("error: --listen: expected ADDRESS:PORT"), "\(bad.stderr)")
        let small = try CFit.run(["serve", "--max-body", "10"], environment: ["DATABASE_URL": url])
        #expect(
            small.status == 64 && small.stderr.hasPrefix("error: --max-body: expected a whole number from 1024"),
            "\(small.stderr)")
        let word = try CFit.run(["serve", "--header-timeout", "soon"], environment: ["DATABASE_URL": url])
        #expect(
            word.status == 64 && word.stderr.hasPrefix("error: --header-timeout: expected a whole number"),
            "\(word.stderr)")
    }

    /// `curl` with a cookie jar: the status and body of one request (redirects not followed).
    static func curl(_ arguments: [String], jar: String) throws -> (status: Int, body: String) {
        let process = try ChildProcess(
            "/usr/bin/curl", ["-s", "-b", jar, "-c", jar, "-w", "\n%{http_code}", "--max-time", "5"] + arguments,
            stderr: .discarded)
        _ = process.waitBlocking()
        let text = process.stdout
        let newline = text.lastIndex(of: "\n") ?? text.startIndex
        return (Int(text[text.index(after: newline)...]) ?? 0, String(text[..<newline]))
    }

    @Test(
        "the README's web login (CREATE ROLE … LOGIN; GRANT cfit_gatekeeper) serves, and a login disabled in psql loses its session within 2 s"
    )
    func gatekeeperLogin() throws {
        let url = try TestDatabase.fresh()
        try CFit.seedSamples(["DATABASE_URL": url])
        let owner = try Connection(url)
        defer { owner.close() }
        // Exactly the documented set-up, under a name of this run's (roles are cluster-wide).
        let web = "web\(getpid())_\(UUID().uuidString.prefix(6).lowercased())"
        try owner.executeScript(
            "CREATE ROLE \(web) LOGIN PASSWORD 'not-used-over-the-socket'; GRANT cfit_gatekeeper TO \(web);")
        let person = "clerk\(getpid())_\(UUID().uuidString.prefix(6).lowercased())"
        _ = try Users(connection: owner).add(person, role: "pharmacy", password: "correct horse")
        let port = Self.freePort()
        let process = try ChildProcess(
            CFit.binary, ["serve", "--listen", "127.0.0.1:\(port)"],
            environment: ["DATABASE_URL": TestLogins.url(url, as: web), "CFIT_LOCATION": "shop"], stdout: .discarded)
        try Watchdog.stopWhenTestsEnd(process.pid, marker: "serve")
        defer {
            process.send(SIGTERM)
            _ = process.waitBlocking()
        }
        var status: Int?
        for _ in 0..<300 where status == nil && process.isRunning {
            Thread.sleep(forTimeInterval: 0.1)
            status = Self.get("http://127.0.0.1:\(port)/healthz")
        }
        guard status == 200 else {
            process.send(SIGTERM)
            _ = process.waitBlocking()
            let said = process.stderr
            Issue.record("cfit serve as the gatekeeper login did not start: \(said)")
            return
        }
        let base = "http://127.0.0.1:\(port)"
        let jar = NSTemporaryDirectory() + "cfit-jar-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: jar) }
        let form = try Self.curl(["\(base)/login"], jar: jar)
        let token = try #require(
            form.body.range(of: #"name="csrf" value="([0-9a-f]+)""#, options: .regularExpression).map {
                String(form.body[$0].dropFirst(#"name="csrf" value=""#.count).dropLast())
            })
        let signedIn = try Self.curl(
            ["-d", "login=\(person)", "-d", "password=correct horse", "-d", "csrf=\(token)", "\(base)/login"], jar: jar)
        #expect(signedIn.status == 303, "\(signedIn.body)")
        #expect(try Self.curl(["\(base)/stock"], jar: jar).status == 200)
        let api = try Self.curl(
            ["-u", "\(person):correct horse", "\(base)/api/v1/stock?sku=NW-CL-AD2-II-R-C-BE"], jar: jar)
        #expect(api.status == 200, "\(api.body)")

        // Disabled in psql, not through cfit: no trigger fires; the server's poll notices.
        try owner.executeScript("ALTER ROLE \(person) NOLOGIN")
        let disabledAt = Date()
        var page = try Self.curl(["\(base)/stock"], jar: jar)
        while page.status == 200, Date().timeIntervalSince(disabledAt) < 4 {
            Thread.sleep(forTimeInterval: 0.1)
            page = try Self.curl(["\(base)/stock"], jar: jar)
        }
        let took = Date().timeIntervalSince(disabledAt)
        #expect(page.status == 303 && took < 2.5, "status \(page.status) after \(took) s")
        let refused = try Self.curl(["-u", "\(person):correct horse", "\(base)/api/v1/stock"], jar: jar)
        #expect(refused.status == 401, "\(refused.body)")
        // No --access-log: no request was logged.
        process.send(SIGTERM)
        _ = process.waitBlocking()
        let said = process.stderr
        #expect(!said.contains("GET /stock"), "\(said)")
    }
}

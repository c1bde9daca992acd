import Foundation
import Inventory
import Postgres
import PostgresTestSupport
import Testing

/// `cfit serve` as a process under hostile traffic on 127.0.0.1: slow and idle clients, too many
/// connections from one address, a fitter's huge upload, smuggling headers, wrong methods and
/// types, forged log lines. Each case of issue 23's "Why" is a test here or in the web suites.
@Suite("cfit serve under hostile traffic", .serialized, .ownThread)
struct HostileTrafficTests {
    /// A running `cfit serve` with short timeouts, and logins of each role.
    final class Server: @unchecked Sendable {
        let process: ChildProcess
        let port: Int
        let log: String
        let password = "hostile-\(UUID().uuidString.prefix(8))"
        let fitter: String
        let admin: String

        init(_ extra: [String] = []) throws {
            let url = try TestDatabase.fresh()
            try CFit.seedSamples(["DATABASE_URL": url])
            let owner = try Connection(url)
            defer { owner.close() }
            let suffix = "\(getpid())_\(UUID().uuidString.prefix(6).lowercased())"
            fitter = "hfit\(suffix)"
            admin = "hadm\(suffix)"
            _ = try Users(connection: owner).add(fitter, role: "fitter", password: password)
            _ = try Users(connection: owner).add(admin, role: "admin", password: password)
            port = ServeCommandTests.freePort()
            log = NSTemporaryDirectory() + "cfit-hostile-\(UUID().uuidString).log"
            process = try ChildProcess(
                CFit.binary,
                [
                    "serve", "--listen", "127.0.0.1:\(port)", "--header-timeout", "2", "--idle-timeout", "3",
                    "--max-connections-per-address", "12", "--max-imports", "1",
                ] + extra, environment: ["DATABASE_URL": url], stdout: .discarded, stderr: .file(log))
            try Watchdog.stopWhenTestsEnd(process.pid, marker: "serve")
            for _ in 0..<300 {
                if let answer = try? Raw.exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", readFor: 2),
                    answer.hasPrefix("HTTP/1.1 200")
                {
                    return
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            throw Raw.Failure("cfit serve did not start: \(logged)")
        }

        var logged: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

        /// The server's resident memory, in KiB.
        var residentKiB: Int {
            let status =
                (try? String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }

        func basic(_ login: String) -> String {
            "Authorization: Basic \(Data("\(login):\(password)".utf8).base64EncodedString())\r\n"
        }

        func stop() {
            process.send(SIGTERM)
            _ = process.waitBlocking()
            try? FileManager.default.removeItem(atPath: log)
        }
    }

    @Test("a client sending its headers a byte a second, or nothing at all, is closed after --header-timeout")
    func slowHeaders() throws {
        let server = try Server()
        defer { server.stop() }
        let started = Date()
        let slow = try Raw.Socket(server.port)
        var closedAfter: TimeInterval?
        for byte in "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8 {
            guard slow.send([byte]) else {
                closedAfter = Date().timeIntervalSince(started)
                break
            }
            if slow.closedByPeer(waiting: 1) {
                closedAfter = Date().timeIntervalSince(started)
                break
            }
        }
        let after = try #require(closedAfter, "a byte a second kept the connection")
        #expect(after >= 1.5 && after < 5, "closed after \(after) s")

        let silent = try Raw.Socket(server.port)
        #expect(silent.closedByPeer(waiting: 5), "a silent connection stayed open")
    }

    @Test("a kept-alive connection is closed after --idle-timeout; one in use is not")
    func idleKeepAlive() throws {
        let server = try Server()
        defer { server.stop() }
        let socket = try Raw.Socket(server.port)
        #expect(socket.send(Array("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8)))
        #expect(socket.answer(within: 10).hasPrefix("HTTP/1.1 200"))
        Thread.sleep(forTimeInterval: 1.5)
        // Still open within the idle time: a second request is answered. The idle time counts
        // from its answer (read as soon as it arrives, not after a fixed wait).
        #expect(socket.send(Array("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8)))
        #expect(socket.answer(within: 10).hasPrefix("HTTP/1.1 200"))
        let idleSince = Date().addingTimeInterval(-0.3)
        #expect(socket.closedByPeer(waiting: 6))
        let idle = Date().timeIntervalSince(idleSince)
        #expect(idle >= 2 && idle < 5.5, "closed after \(idle) s idle")
    }

    @Test("connections beyond --max-connections-per-address are closed at once; one freed lets the next in")
    func perAddressCap() throws {
        // Held connections stay open (no header timeout in the test's time): only the cap closes one.
        let server = try Server(["--header-timeout", "60", "--idle-timeout", "60"])
        defer { server.stop() }
        Thread.sleep(forTimeInterval: 0.5)  // the start-up probe's connection has closed
        var held: [Raw.Socket] = []
        for _ in 0..<12 { held.append(try Raw.Socket(server.port)) }
        Thread.sleep(forTimeInterval: 0.2)
        // Closed unanswered (on a busy machine it may take a moment; a connection kept would be
        // answered, whatever the header timeout).
        let extra = try Raw.Socket(server.port)
        _ = extra.send(Array("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(!extra.read(for: 3).hasPrefix("HTTP/1.1 200"), "a 13th connection from one address was served")
        #expect(extra.closedByPeer(waiting: 3), "a 13th connection from one address was kept")
        held.removeFirst().close()
        Thread.sleep(forTimeInterval: 0.2)
        let next = try Raw.Socket(server.port)
        #expect(next.send(Array("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8)))
        #expect(next.answer(within: 10).hasPrefix("HTTP/1.1 200"))
    }

    @Test("beyond --max-connections a new connection waits, unanswered, until one closes")
    func totalCap() throws {
        let server = try Server(["--max-connections", "4", "--header-timeout", "30", "--idle-timeout", "30"])
        defer { server.stop() }
        Thread.sleep(forTimeInterval: 0.5)  // the start-up probe's connection has closed
        // Four connections the server has taken (each answered once, then kept alive): had the
        // start-up probe's still counted, the last of them would wait instead, and a closed one
        // would let that one in rather than the fifth.
        var held: [Raw.Socket] = []
        for _ in 0..<4 {
            let socket = try Raw.Socket(server.port)
            #expect(socket.send(Array("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8)))
            #expect(socket.answer(within: 15).hasPrefix("HTTP/1.1 200"), "one of the first four was not served")
            held.append(socket)
        }
        let waiting = try Raw.Socket(server.port)
        #expect(waiting.send(Array("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8)))
        #expect(waiting.read(for: 1).isEmpty, "a fifth connection was served while four were open")
        held.removeFirst().close()
        #expect(
            waiting.answer(within: 15).hasPrefix("HTTP/1.1 200"),
            "the waiting connection was not served once one closed")
    }

    @Test("a body slower than --min-body-rate is cut off once its grace has passed")
    func slowBody() throws {
        let server = try Server(["--header-timeout", "30", "--idle-timeout", "30"])
        defer { server.stop() }
        let socket = try Raw.Socket(server.port)
        let head =
            "POST /api/v1/fit HTTP/1.1\r\nHost: x\r\n\(server.basic(server.fitter))Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        #expect(socket.send(Array(head.utf8)))
        let started = Date()
        var cut: TimeInterval?
        while Date().timeIntervalSince(started) < 25 {
            if !socket.send(Array(repeating: UInt8(ascii: " "), count: 20)) || socket.closedByPeer(waiting: 1) {
                cut = Date().timeIntervalSince(started)
                break
            }
        }
        let after = try #require(cut, "a body at 20 bytes a second was read for 25 s")
        #expect(after >= 9 && after < 16, "cut after \(after) s")
    }

    @Test(
        "a fitter's 60 MB catalog upload is refused (403) after its headers, the connection closed, the server's memory unchanged"
    )
    func hugeUploadRefusedFromItsHead() throws {
        let server = try Server()
        defer { server.stop() }
        // Warm up: the fitter's first request opens their connections.
        _ = try Raw.exchange(
            server.port, "GET /api/v1/locations HTTP/1.1\r\nHost: x\r\n\(server.basic(server.fitter))\r\n", readFor: 2)
        let before = server.residentKiB
        let socket = try Raw.Socket(server.port)
        let size = 60_000_000
        let head =
            "POST /api/v1/catalog/import HTTP/1.1\r\nHost: x\r\n\(server.basic(server.fitter))Idempotency-Key: big-1\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: \(size)\r\n\r\n"
        let started = Date()
        #expect(socket.send(Array(head.utf8)))
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 16)
        var sent = 0
        var answer = ""
        while sent < size {
            answer += socket.read(for: 0)
            if !answer.isEmpty { break }
            guard socket.send(chunk) else { break }
            sent += chunk.count
        }
        answer += socket.read(for: 2)
        let refusedAfter = Date().timeIntervalSince(started)
        #expect(answer.hasPrefix("HTTP/1.1 403"), "\(answer.prefix(300))")
        #expect(answer.lowercased().contains("connection: close"))
        #expect(sent < size, "the whole upload was taken")
        #expect(socket.closedByPeer(waiting: 3), "the connection stayed open for the rest of the body")
        let after = server.residentKiB
        #expect(after - before < 8_192, "resident memory grew from \(before) KiB to \(after) KiB")
        print(
            "hostile: a fitter's 60 MB upload refused after \(Int(refusedAfter * 1000)) ms, \(sent) bytes sent, RSS \(before) → \(after) KiB"
        )
    }

    @Test(
        "Transfer-Encoding with Content-Length, in every spelling tried, is refused with 400 and the connection closed")
    func smuggling() throws {
        let server = try Server()
        defer { server.stop() }
        let requests = [
            "POST /api/v1/fit HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST /api/v1/fit HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n",
            "POST /api/v1/fit HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST /api/v1/fit HTTP/1.0\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST /api/v1/fit HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding:\tchunked\r\n\r\n0\r\n\r\n",
            "POST /api/v1/fit HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n",
            "POST /api/v1/fit HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\nContent-Length: 4\r\n\r\nabcd",
            "POST /api/v1/fit HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcd",
        ]
        for request in requests {
            let answer = try Raw.exchange(server.port, request, readFor: 2)
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(request.debugDescription) → \(answer.prefix(80))")
        }
    }

    @Test(
        "HEAD wherever GET, 405 with Allow for a known path, 415 for a body of another type, no-store and no referrer")
    func httpCorrectness() throws {
        let server = try Server()
        defer { server.stop() }
        let head = try Raw.exchange(
            server.port, "HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", readFor: 2)
        #expect(head.hasPrefix("HTTP/1.1 200") && head.hasSuffix("\r\n\r\n"), "\(head)")
        let headAPI = try Raw.exchange(
            server.port,
            "HEAD /api/v1/locations HTTP/1.1\r\nHost: x\r\n\(server.basic(server.fitter))Connection: close\r\n\r\n",
            readFor: 2)
        #expect(headAPI.hasPrefix("HTTP/1.1 200") && headAPI.hasSuffix("\r\n\r\n"), "\(headAPI)")
        let page = try Raw.exchange(
            server.port, "DELETE /fit HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", readFor: 2)
        #expect(page.hasPrefix("HTTP/1.1 405") && page.contains("Allow: GET, HEAD, POST"), "\(page.prefix(400))")
        let api = try Raw.exchange(
            server.port, "PUT /api/v1/stock HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            readFor: 2)
        #expect(api.hasPrefix("HTTP/1.1 405") && api.contains("Allow: GET, HEAD"), "\(api.prefix(400))")
        let body = #"{"style": "AD", "class": "RAL:2", "cB": "22"}"#
        let plain = try Raw.exchange(
            server.port,
            "POST /api/v1/fit HTTP/1.1\r\nHost: x\r\n\(server.basic(server.fitter))Content-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)",
            readFor: 2)
        #expect(
            plain.hasPrefix("HTTP/1.1 415") && plain.contains("Content-Type: expected application/json"), "\(plain)")
        let json = try Raw.exchange(
            server.port,
            "GET /api/v1/locations HTTP/1.1\r\nHost: x\r\n\(server.basic(server.fitter))Connection: close\r\n\r\n",
            readFor: 2)
        #expect(json.contains("Cache-Control: no-store") && json.contains("Referrer-Policy: same-origin"), "\(json)")
    }

    @Test("a login name with line breaks and escapes is logged escaped: no forged line, no terminal control")
    func logsEscaped() throws {
        let server = try Server()
        defer { server.stop() }
        let forged = "mallory\n2026-12-06T00:00:00+0000 critical cfit.serve: [FORGED]\u{1B}[2J"
        let credentials = Data("\(forged):nope".utf8).base64EncodedString()
        let answer = try Raw.exchange(
            server.port,
            "GET /api/v1/stock HTTP/1.1\r\nHost: x\r\nAuthorization: Basic \(credentials)\r\nConnection: close\r\n\r\n",
            readFor: 3)
        #expect(answer.hasPrefix("HTTP/1.1 401"), "\(answer.prefix(200))")
        Thread.sleep(forTimeInterval: 0.3)
        let log = server.logged
        #expect(log.contains("sign-in refused"), "\(log)")
        #expect(!log.split(separator: "\n").contains { $0.hasPrefix("2026-12-06T00:00:00+0000 critical") }, "\(log)")
        #expect(!log.contains("\u{1B}") && log.contains("mallory\\u{A}"), "\(log)")
    }

    @Test(
        "an admin's catalog import takes an Idempotency-Key like every write; a second upload while one is read is 429")
    func importKeyAndConcurrency() throws {
        let server = try Server()
        defer { server.stop() }
        let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Seeds")
        let catalog = try String(contentsOf: seeds.appendingPathComponent("northwind.json"), encoding: .utf8)
        let body =
            "--b\r\nContent-Disposition: form-data; name=\"catalog\"; filename=\"northwind.json\"\r\nContent-Type: application/json\r\n\r\n\(catalog)\r\n--b--\r\n"
        func upload(key: String?) throws -> String {
            try Raw.exchange(
                server.port,
                "POST /api/v1/catalog/import?dry_run=true HTTP/1.1\r\nHost: x\r\n\(server.basic(server.admin))\(key.map { "Idempotency-Key: \($0)\r\n" } ?? "")Content-Type: multipart/form-data; boundary=b\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)",
                readFor: 10)
        }
        let unkeyed = try upload(key: nil)
        #expect(unkeyed.hasPrefix("HTTP/1.1 422") && unkeyed.contains("Idempotency-Key"), "\(unkeyed.prefix(300))")
        let keyed = try upload(key: "import-1")
        #expect(keyed.hasPrefix("HTTP/1.1 200") && keyed.contains("\"dryRun\""), "\(keyed.prefix(300))")

        // One upload held open mid-body occupies the only import slot: the next is 429.
        let holder = try Raw.Socket(server.port)
        #expect(
            holder.send(
                Array(
                    "POST /api/v1/catalog/import HTTP/1.1\r\nHost: x\r\n\(server.basic(server.admin))Idempotency-Key: slow-1\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: \(body.utf8.count)\r\n\r\n--b\r\n"
                        .utf8)))
        Thread.sleep(forTimeInterval: 1)
        let second = try upload(key: "import-2")
        #expect(second.hasPrefix("HTTP/1.1 429") && second.contains("Retry-After"), "\(second.prefix(300))")
        holder.close()
    }
}

/// Raw HTTP over a socket to 127.0.0.1: what a hostile client does, byte by byte.
enum Raw {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// A TCP connection to 127.0.0.1:`port`.
    final class Socket {
        let descriptor: Int32

        init(_ port: Int) throws {
            descriptor = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            // On failure the descriptor is closed by deinit, which runs for an initialized object
            // whose init throws: closing it here too closed a number another thread (NIO) may
            // already have been given again — CI crashed on it.
            guard connected == 0 else { throw Failure("connect to 127.0.0.1:\(port): errno \(errno)") }
            var on: Int32 = 1
            _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            signal(SIGPIPE, SIG_IGN)
        }

        deinit { Foundation.close(descriptor) }

        func close() { shutdown(descriptor, Int32(SHUT_RDWR)) }

        /// Sends `bytes`; `false` when the peer has closed the connection.
        func send(_ bytes: [UInt8]) -> Bool {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes {
                    Foundation.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                if written <= 0 { return false }
                offset += written
            }
            return true
        }

        /// What arrives within `seconds` (until the peer closes or stays quiet that long).
        func read(for seconds: Double) -> String {
            var out = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let deadline = Date().addingTimeInterval(seconds)
            repeat {
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let wait = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
                guard poll(&poller, 1, wait) > 0 else { break }
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count <= 0 { break }
                out += buffer[0..<count]
            } while Date() < deadline
            return String(decoding: out, as: UTF8.self)
        }

        /// The first answer within `seconds`: what arrives once something has (a moment more is
        /// read for the rest), or `""` when nothing does.
        func answer(within seconds: Double) -> String {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(seconds * 1000)) > 0 else { return "" }
            return read(for: 0.3)
        }

        /// Whether the peer closes the connection within `seconds` (anything it sends is read and
        /// dropped).
        func closedByPeer(waiting seconds: Double) -> Bool {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000))) > 0 else { continue }
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count <= 0 { return true }
            }
            return false
        }
    }

    /// Sends `request` on a new connection and returns what comes back within `readFor` seconds.
    static func exchange(_ port: Int, _ request: String, readFor seconds: Double) throws -> String {
        let socket = try Socket(port)
        guard socket.send(Array(request.utf8)) else { throw Failure("the server closed before the request was sent") }
        return socket.read(for: seconds)
    }
}

import Foundation
import PostgresTestSupport
import Testing

@testable import Postgres

/// libpq's own routing: several hosts in one URL, `target_session_attrs=read-write` finding the
/// server that takes writes — as after a failover, when the old primary is down and a standby
/// (read-only) is still listed first.
@Suite("Multi-host URLs find the primary", .ownThread)
struct MultiHostTests {
    @Test("with the first server stopped and the second read-only, writes reach the read-write third")
    func failover() throws {
        let url = try TestDatabase.fresh()
        let name = try Connection(url).query("SELECT current_database() AS d")[0].decode(String.self, "d")
        let primary = try #require(try TestDatabase.localServer())
        let scratch = NSTemporaryDirectory() + "cfit-multihost-\(UUID().uuidString.prefix(8))"
        let stopped = LocalServer(home: "\(scratch)/a", database: name, settings: ["fsync": "off"])
        let readOnly = LocalServer(home: "\(scratch)/b", database: name, settings: ["fsync": "off"])
        defer {
            stopped.stopImmediately()
            readOnly.stopImmediately()
            try? FileManager.default.removeItem(atPath: scratch)
        }
        try Watchdog.removeWhenTestsEnd(scratch)
        try stopped.start()
        try stopped.stop()
        try readOnly.start()
        try readOnly.stopWhenProcessEnds(getpid(), removingFiles: true)
        let standby = try Connection(readOnly.url)
        try standby.executeScript("ALTER SYSTEM SET default_transaction_read_only = on")
        try standby.executeScript("SELECT pg_reload_conf()")
        standby.close()
        Thread.sleep(forTimeInterval: 0.3)
        let hosts = [stopped, readOnly, primary].map(\.socketDirectory).joined(separator: ",")
        let multi = "postgresql:///\(name)?host=\(hosts)&user=\(primary.role)&connect_timeout=5"
        let writer = try Connection(multi + "&target_session_attrs=read-write")
        #expect(try writer.query("SHOW transaction_read_only")[0].decode(String.self, "transaction_read_only") == "off")
        #expect(
            try writer.query("SHOW unix_socket_directories")[0].decode(String.self, "unix_socket_directories")
                == primary.socketDirectory)
        let any = try Connection(multi + "&target_session_attrs=any")
        #expect(try any.query("SHOW transaction_read_only")[0].decode(String.self, "transaction_read_only") == "on")
        // cfit with the same URL: its writes land on the primary.
        let environment = ["DATABASE_URL": multi + "&target_session_attrs=read-write", "CFIT_LOCATION": "shop"]
        try CFit.seedSamples(environment)
        let received = try CFit.run(["stock", "receive", "NW-CL-AD2-II-R-C-BE", "2"], environment: environment)
        #expect(received.status == 0, "\(received.stderr)")
        let count = try Connection(url).query("SELECT count(*) AS n FROM stock_movement")[0].decode(Int.self, "n")
        #expect(count == 13)
    }

    /// A TCP port on 127.0.0.1 that accepts connections (the kernel completes the handshake into
    /// the backlog) and never says a word: a frozen machine. Close the descriptor to end it.
    static func hungListener() throws -> (socket: Int32, port: Int) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(bound == 0 && listen(listener, 64) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        return (listener, Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test("a first host that accepts and never answers is given up after connect_timeout, and the next one serves")
    func hungFirstHost() throws {
        let url = try TestDatabase.fresh()
        let name = try Connection(url).query("SELECT current_database() AS d")[0].decode(String.self, "d")
        let primary = try #require(try TestDatabase.localServer())
        let hung = try Self.hungListener()
        defer { close(hung.socket) }
        let port = primary.settings["port"] ?? "5432"
        let multi =
            "postgresql:///\(name)?host=127.0.0.1,\(primary.socketDirectory)&port=\(hung.port),\(port)&user=\(primary.role)&connect_timeout=2&target_session_attrs=read-write"
        let started = Date()
        let connection = try Connection(multi)
        let took = Date().timeIntervalSince(started)
        #expect(try connection.query("SELECT 1 AS one")[0].decode(Int.self, "one") == 1)
        #expect(took >= 1.9 && took < 4, "connected after \(took) s")
        // Only the hung host: the attempt ends after one connect_timeout, naming it.
        let alone = "postgresql:///\(name)?host=127.0.0.1&port=\(hung.port)&user=\(primary.role)&connect_timeout=2"
        let failedAt = Date()
        #expect {
            try Connection(alone)
        } throws: { error in
            "\(error)".contains("timeout expired after 2 s (host 127.0.0.1)")
        }
        #expect(Date().timeIntervalSince(failedAt) < 4)
        // The command line with the same URL: it reaches the server behind the frozen one.
        let environment = ["DATABASE_URL": multi, "CFIT_LOCATION": "shop"]
        try CFit.seedSamples(environment)
        let shown = try CFit.run(["stock", "show", "NW-CL-AD2-II-R-C-BE"], environment: environment)
        #expect(shown.status == 0, "\(shown.stderr)")
    }
}

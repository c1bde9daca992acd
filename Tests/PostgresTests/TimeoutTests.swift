import Foundation
import Postgres
import PostgresTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP listener on 127.0.0.1 that never answers: the kernel completes the handshake, and then
/// nothing is ever said — the worst kind of unreachable server.
final class SilentListener {
    let port: UInt16
    private let socket: Int32

    init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.socket = socket
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        guard bound == 0, listen(socket, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(socket) }
}

@Suite("Bounded waiting: connecting and row locks", .ownThread)
struct TimeoutTests {
    @Test("connecting to a server that never answers gives up after the default connect_timeout (10 s)")
    func defaultConnectTimeout() throws {
        let listener = try SilentListener()
        let start = Date()
        #expect(throws: PostgresError.self) {
            _ = try Connection("host=127.0.0.1 port=\(listener.port) dbname=cfit user=nobody")
        }
        let waited = Date().timeIntervalSince(start)
        #expect(waited >= 9 && waited < 15, "waited \(waited) s")
    }

    @Test("a connect_timeout in the connection string overrides the default")
    func urlConnectTimeout() throws {
        let listener = try SilentListener()
        let start = Date()
        do {
            _ = try Connection("postgresql://nobody@127.0.0.1:\(listener.port)/cfit?connect_timeout=2")
            Issue.record("expected the connection to fail")
        } catch {
            #expect(error.kind == .connection)
        }
        let waited = Date().timeIntervalSince(start)
        #expect(waited >= 1.5 && waited < 5, "waited \(waited) s")
    }

    @Test("a transaction waiting on a row lock gives up after the lock timeout with 55P03, not retried")
    func lockTimeout() throws {
        let url = try TestDatabase.fresh()
        let holder = try Connection(url)
        try holder.executeScript("CREATE TABLE held (id int PRIMARY KEY, n int); INSERT INTO held VALUES (1, 0)")
        let waiter = try Connection(url, lockTimeout: .seconds(1))
        try holder.executeScript("BEGIN; SELECT * FROM held WHERE id = 1 FOR UPDATE")
        let start = Date()
        var attempts = 0
        do {
            try waiter.transaction { tx in
                attempts += 1
                try tx.execute("UPDATE held SET n = n + 1 WHERE id = 1")
            }
            Issue.record("expected a lock timeout")
        } catch let error as PostgresError {
            #expect(error.sqlState == .lockNotAvailable)
        }
        let waited = Date().timeIntervalSince(start)
        #expect(attempts == 1)
        #expect(waited >= 0.9 && waited < 3, "waited \(waited) s")
        try holder.executeScript("ROLLBACK")
        _ = try waiter.transaction { tx in try tx.execute("UPDATE held SET n = n + 1 WHERE id = 1") }
    }
}

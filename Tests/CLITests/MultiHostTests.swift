import Foundation
import PostgresTestSupport
import Testing

@testable import Postgres

/// libpq's own routing: several hosts in one URL, `target_session_attrs=read-write` finding the
/// server that takes writes — as after a failover, when the old primary is down and a standby
/// (read-only) is still listed first.
@Suite("Multi-host URLs find the primary")
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
        try stopped.start()
        try stopped.stop()
        try readOnly.start()
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
}

import Foundation
import Postgres
import PostgresTestSupport
import Testing

@Suite("COPY, the pool and connection failures", .ownThread)
struct CopyAndPoolTests {
    let url: String
    let connection: Connection

    init() throws {
        url = try TestDatabase.fresh()
        connection = try Connection(url)
    }

    @Test("COPY loads 100 000 rows streamed from a lazy sequence")
    func copyManyRows() throws {
        try connection.executeScript("CREATE TABLE bulk (id int8 PRIMARY KEY, label text, note text)")
        let rows = (1...100_000).lazy.map { [String($0), "row \($0)", $0 % 10 == 0 ? nil : "n"] }
        #expect(try connection.copy(into: "bulk", columns: ["id", "label", "note"], rows: rows) == 100_000)
        let row = try connection.query("SELECT count(*) AS n, count(note) AS notes, max(id) AS top FROM bulk")[0]
        #expect(try row.decode(Int.self, "n") == 100_000)
        #expect(try row.decode(Int.self, "notes") == 90_000)
        #expect(try row.decode(Int.self, "top") == 100_000)
    }

    @Test("COPY escapes tabs, newlines, carriage returns, backslashes, \\N look-alikes and Unicode")
    func copyEscaping() throws {
        try connection.executeScript("CREATE TABLE tricky (id int PRIMARY KEY, value text)")
        let values: [String?] = [
            "a\tb", "line\nbreak", "cr\r\n", "back\\slash", "\\N", "\\", "", nil, "Grüße 🧦 中文", "\u{7F}\u{1}",
        ]
        try connection.copy(
            into: "tricky", columns: ["id", "value"], rows: values.enumerated().map { [String($0.offset), $0.element] })
        let back = try connection.query("SELECT value FROM tricky ORDER BY id").map {
            try $0.decode(String?.self, "value")
        }
        #expect(back == values)
    }

    @Test("a COPY that fails on a constraint loads nothing and names the constraint")
    func copyFailure() throws {
        try connection.executeScript("CREATE TABLE positive (value int CHECK (value > 0))")
        do {
            try connection.copy(into: "positive", columns: ["value"], rows: [["1"], ["-1"]])
            Issue.record("expected the COPY to fail")
        } catch let error as PostgresError {
            #expect(error.sqlState == .checkViolation)
        }
        #expect(try connection.query("SELECT count(*) AS n FROM positive")[0].decode(Int.self, "n") == 0)
        // The connection is usable afterwards.
        #expect(try connection.query("SELECT 1 AS one")[0].decode(Int.self, "one") == 1)
    }

    @Test("a COPY with a malformed row is aborted mid-stream and loads nothing")
    func copyAborted() throws {
        try connection.executeScript("CREATE TABLE aborted (value int)")
        // 100 000 good rows are sent in several chunks before the bad one is reached.
        let rows = (1...100_001).lazy.map { index -> [String?] in index == 100_001 ? ["1", "2"] : [String(index)] }
        do {
            try connection.copy(into: "aborted", columns: ["value"], rows: rows)
            Issue.record("expected the COPY to be refused")
        } catch let error as PostgresError {
            #expect(error.kind == .usage)
            #expect(error.message == "a COPY row has 2 values; expected 1")
        }
        #expect(try connection.query("SELECT count(*) AS n FROM aborted")[0].decode(Int.self, "n") == 0)
    }

    @Test("16 concurrent workers share a pool of 4 without losing an update")
    func poolUnderLoad() throws {
        try connection.executeScript(
            "CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL); INSERT INTO counter VALUES (1, 0)")
        let pool = ConnectionPool(conninfo: url, maximum: 4)
        try runConcurrently(16) { _ in
            for _ in 0..<25 {
                try pool.withConnection { connection in
                    _ = try connection.transaction { tx in
                        try tx.execute("UPDATE counter SET n = n + 1 WHERE id = \(1)")
                    }
                }
            }
        }
        #expect(pool.openConnections <= 4)
        #expect(try connection.query("SELECT n FROM counter")[0].decode(Int.self, "n") == 400)
        pool.shutdown()
    }

    @Test("a lost connection is noticed, the cut-off operation fails clearly, and the next use reconnects")
    func lostConnection() throws {
        try connection.executeScript("CREATE TABLE events (id serial PRIMARY KEY, note text)")
        let victim = try Connection(url)
        let pid = try victim.query("SELECT pg_backend_pid() AS pid")[0].decode(Int32.self, "pid")
        do {
            try victim.transaction { tx in
                try tx.execute("INSERT INTO events (note) VALUES (\("once"))")
                try connection.query("SELECT pg_terminate_backend(\(pid))")
                try tx.execute("INSERT INTO events (note) VALUES (\("twice"))")
            }
            Issue.record("expected the operation to fail")
        } catch let error as PostgresError {
            #expect(error.kind == .connectionLost || error.kind == .server)
        }
        // Nothing was committed, and nothing was replayed behind our back.
        #expect(try connection.query("SELECT count(*) AS n FROM events")[0].decode(Int.self, "n") == 0)
        // The next use reconnects.
        #expect(try victim.query("SELECT 1 AS one")[0].decode(Int.self, "one") == 1)
    }

    @Test("failed connects give one clear line and never show a password")
    func failedConnects() throws {
        let admin = try Connection(TestDatabase.adminURL())
        func message(_ conninfo: String) -> String {
            do {
                _ = try Connection(conninfo)
                return "connected"
            } catch {
                #expect(error.kind == .connection)
                #expect(!error.description.contains("\n"))
                return error.description
            }
        }
        #expect(message("host=/nonexistent-socket-dir dbname=x").contains("No such file or directory"))
        #expect(
            message(ConnectionString.replacingDatabase(in: url, with: "no_such_database")).contains("does not exist"))
        #expect(message("postgresql://localhost:1/cfit?connect_timeout=2").contains("could not connect"))
        if let server = try TestDatabase.localServer() {
            // A role that needs a password, and a wrong password for it.
            try admin.executeScript("DROP ROLE IF EXISTS pw_user; CREATE ROLE pw_user LOGIN PASSWORD 'right-secret'")
            _ = try TestDatabase.authenticate(["local all pw_user scram-sha-256"])
            let uri = server.url(database: "postgres").replacingOccurrences(
                of: "user=cfit", with: "user=pw_user&password=wrong-secret")
            let text = message(uri)
            #expect(!text.contains("wrong-secret"))
            #expect(text.contains("password authentication failed"))
        }
    }
}
